import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '../../helpers/fixtures.js';

const t = tempDir('rawlight-closed-pipe-');
after(() => t.cleanup());

/** Runs the CLI with its stdout read by nobody: the pipe's reader is gone before it writes. */
async function withReaderGone(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const entry = path.join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { env: { ...process.env, RAWLIGHT_HOME: path.join(t.dir, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // `| head` that has read its lines and left
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

test('`rawlight … | head`: when the reader has gone, the command stops quietly, not with an EPIPE stack trace', async () => {
  for (const args of [['help'], ['status'], ['people']]) {
    const r = await withReaderGone(args);
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled 'error' event|at .*\(node:/, `${args[0]}: ${r.stderr}`);
    assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`);
  }
});
