import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../../../src/log/index.js';
import { REPO, tempDir } from '../../helpers/fixtures.js';

const lines = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; n?: number; pid: number });

test('a line is in the log file as soon as it is logged, and one logged just before a SIGKILL is kept', () => {
  const t = tempDir('rawlight-log-');
  try {
    // A process of its own that logs and is then killed outright (no exit handler runs).
    const script = `
      import { createLogger } from ${JSON.stringify(path.join(REPO, 'src', 'log', 'index.ts'))};
      const log = await createLogger({ logsDir: ${JSON.stringify(t.dir)} });
      log.info({ n: 1 }, 'first');
      log.warn({ n: 2 }, 'the last words');
      process.kill(process.pid, 'SIGKILL');
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    const got = lines(path.join(t.dir, 'rawlight.1.log'));
    assert.deepEqual(got.map((l) => [l.msg, l.n]), [['first', 1], ['the last words', 2]]);
    assert.equal(got[0]!.pid, r.pid);
  } finally {
    t.cleanup();
  }
});

test('the log file rolls at its size and keeps the last few files', async () => {
  const t = tempDir('rawlight-log-');
  try {
    const log = await createLogger({ logsDir: t.dir, maxFileSize: '2k', keepFiles: 2 });
    for (let n = 0; n < 200; n++) {
      log.info({ n, pad: 'x'.repeat(40) }, 'a line');
      // pino-roll rolls once a write has drained; let it, every few lines.
      if (n % 10 === 9) await new Promise((r) => setImmediate(r));
    }
    // Old files are removed asynchronously (pino-roll): waited for, up to a deadline.
    const logFiles = () => readdirSync(t.dir).filter((f) => /^rawlight\.\d+\.log$/.test(f));
    for (const end = Date.now() + 10_000; logFiles().length > 3 && Date.now() < end; ) await new Promise((r) => setImmediate(r));
    const files = logFiles();
    assert.ok(files.length <= 3, `the current file and 2 old ones at most: ${files.join(', ')}`);
    const numbers = files.map((f) => Number(/\d+/.exec(f)![0]));
    assert.ok(Math.max(...numbers) > 3, `it rolled (${files.join(', ')})`);
    // The kept files hold the newest lines, up to the last one logged, none twice.
    const kept = files.flatMap((f) => lines(path.join(t.dir, f)).map((l) => l.n!)).sort((a, b) => a - b);
    assert.equal(kept.at(-1), 199);
    assert.equal(new Set(kept).size, kept.length);
    assert.deepEqual(kept, Array.from({ length: kept.length }, (_, i) => 200 - kept.length + i), 'a run of the newest lines, none missing');
  } finally {
    t.cleanup();
  }
});

test('a disk that fills while the daemon runs: said once, lines dropped, the process goes on', { skip: existsSync('/dev/full') ? false : 'needs /dev/full (Linux)' }, async () => {
  const t = tempDir('rawlight-log-');
  // Every write to /dev/full fails with ENOSPC, as to a full disk; opening it succeeds.
  symlinkSync('/dev/full', path.join(t.dir, 'rawlight.1.log'));
  const said: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const s = String(chunk);
    if (s.startsWith('rawlight: the log file cannot be written')) {
      said.push(s);
      return true;
    }
    return write(chunk, ...(rest as []));
  }) as typeof process.stderr.write;
  try {
    const log = await createLogger({ logsDir: t.dir });
    for (let n = 0; n < 20_000; n++) log.info({ n, pad: 'x'.repeat(100) }, 'a line nobody can keep');
    await new Promise((r) => setImmediate(r));
    assert.equal(said.length, 1, said.join(''));
    assert.match(said[0]!, /ENOSPC|no space/i);
    // It goes on taking lines (dropped while the disk is full: what waits is bounded), saying nothing more.
    for (let n = 0; n < 20_000; n++) log.info({ n, pad: 'x'.repeat(100) }, 'still dropped');
    assert.equal(said.length, 1);
  } finally {
    process.stderr.write = write;
    t.cleanup();
  }
});
