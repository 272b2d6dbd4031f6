import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { installShutdown } from '../../../src/lifecycle/shutdown.js';
import { silentLogger } from '../../../src/log/index.js';
import { REPO, tempDir } from '../../helpers/fixtures.js';

describe('shutdown', () => {
  const t = tempDir('rawlight-shutdown-');
  after(() => t.cleanup());

  test('SIGTERM runs the steps in order and exits 0 (real child process)', async () => {
    const out = path.join(t.dir, 'steps.txt');
    const script = path.join(t.dir, 'daemon.mts');
    writeFileSync(
      script,
      `import { appendFileSync } from 'node:fs';
import { installShutdown } from ${JSON.stringify(pathToFileURL(path.join(REPO, 'src/lifecycle/shutdown.ts')).href)};
import { silentLogger } from ${JSON.stringify(pathToFileURL(path.join(REPO, 'src/log/index.ts')).href)};
const note = (s) => appendFileSync(${JSON.stringify(out)}, s + '\\n');
installShutdown({ log: silentLogger(), steps: [
  { name: 'stop work', run: () => note('stop work') },
  { name: 'drain', run: () => new Promise((r) => setTimeout(() => { note('drain'); r(); }, 200)) },
  { name: 'close', run: () => note('close') },
] });
setInterval(() => {}, 1000);
process.stdout.write('ready\\n');
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    await once(child.stdout!, 'data');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.equal(readFileSync(out, 'utf8'), 'stop work\ndrain\nclose\n');
  });

  test('a hanging or failing step is bounded and skipped, later steps still run, exit code 1', async () => {
    const ran: string[] = [];
    let exitCode: number | undefined;
    const h = installShutdown({
      log: silentLogger(),
      signals: [],
      exit: (c) => {
        exitCode = c;
      },
      steps: [
        { name: 'hang', timeoutMs: 100, run: () => new Promise<void>(() => {}) },
        { name: 'boom', run: () => { throw new Error('boom'); } },
        { name: 'checkpoint', run: () => { ran.push('checkpoint'); } },
      ],
    });
    const started = Date.now();
    await Promise.all([h.shutdown('test'), h.shutdown('again')]);
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(ran, ['checkpoint']);
    assert.equal(exitCode, 1);
    h.dispose();
  });

  test('the overall limit ends a shutdown whose steps together run too long (mocked clock)', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const ran: string[] = [];
    let exitCode: number | undefined;
    const slow = (name: string) => ({ name, timeoutMs: 10_000, run: () => new Promise<void>((r) => setTimeout(() => (ran.push(name), r()), 8_000)) });
    const h = installShutdown({ log: silentLogger(), signals: [], totalTimeoutMs: 20_000, exit: (c) => (exitCode = c), steps: [slow('drain'), slow('close'), slow('checkpoint')] });
    const done = h.shutdown('test');
    const settle = async () => {
      for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
    };
    for (let ms = 0; ms < 16_000; ms += 8_000) {
      await settle();
      t.mock.timers.tick(8_000);
    }
    await settle();
    assert.deepEqual(ran, ['drain', 'close']);
    assert.equal(exitCode, undefined, 'each step is within its own bound, and 16 s < 20 s overall');
    t.mock.timers.tick(4_000);
    await done;
    assert.equal(exitCode, 1, 'the 20 s overall limit fired while the third step ran');
    assert.deepEqual(ran, ['drain', 'close']);
    h.dispose();
  });
});
