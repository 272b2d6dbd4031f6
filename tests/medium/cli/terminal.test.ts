import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '../../helpers/fixtures.js';

const t = tempDir('rawlight-terminal-');
after(() => t.cleanup());

/** Runs the CLI on a real terminal (util-linux `script` gives it a pty) and returns what the terminal was sent. */
async function onTerminal(args: string[]): Promise<string> {
  const entry = path.join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
  const env = { ...process.env, RAWLIGHT_HOME: path.join(t.dir, 'home'), NODE: process.execPath, ENTRY: entry, ...Object.fromEntries(args.map((a, i) => [`ARG${i}`, a])) };
  const cmd = `exec "$NODE" --import tsx "$ENTRY" ${args.map((_, i) => `"$ARG${i}"`).join(' ')}`;
  const child = spawn('script', ['-qec', cmd, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  await once(child, 'exit');
  return out;
}

test('on a terminal, what the user typed or a file is named never reaches it as control characters', { skip: process.platform !== 'linux' && 'util-linux script' }, async () => {
  // An argument with a "clear screen" sequence, echoed back in the usage error.
  const out = await onTerminal(['show', '--x\u001b[2J']);
  assert.match(out, /Unknown option '--x\\x1b\[2J'/, out);
  assert.doesNotMatch(out, /\u001b\[2J/);
});
