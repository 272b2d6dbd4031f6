import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import pino from 'pino';
import { isDaemonError } from '../../../src/errors/index.js';
import { HashSlots } from '../../../src/passes/hash-slots.js';
import { createScanPass } from '../../../src/passes/scan.pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { DB_FILE, openDb } from '../../../src/store/db.js';
import { Discovery } from '../../../src/watch/discover.js';
import { reconcileRoot } from '../../../src/watch/reconcile.js';
import { tempDir } from '../../helpers/fixtures.js';

/** Turns of the event loop until `cond` holds; a bound instead of a clock, so a broken cap fails instead of hanging. */
async function until(cond: () => boolean, what: string, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await nextTurn();
  }
  assert.fail(`never: ${what}`);
}

describe('hashing is capped apart from the io workers', () => {
  const t = tempDir('hash-slots');
  after(() => t.cleanup());

  test('8 io workers, 2 hash slots: never more than 2 files hashed at once, and every file hashed', async () => {
    const lib = path.join(t.dir, 'lib');
    mkdirSync(lib, { recursive: true });
    const FILES = 11;
    for (let i = 0; i < FILES; i++) writeFileSync(path.join(lib, `IMG_${i}.jpg`), `not really a photo ${i}`);
    const { db } = openDb(path.join(t.dir, 'home', DB_FILE));
    const log = pino({ level: 'silent' });
    const bus = new PipelineBus();
    // An instrumented hash the test finishes by hand: whatever the workers do meanwhile, a third
    // concurrent call would show in `hashing`.
    const hashing: { file: string; finish: () => void }[] = [];
    let most = 0;
    const hashed: string[] = [];
    const hash = (file: string) =>
      new Promise<string>((resolve) => {
        hashing.push({ file, finish: () => resolve(`fake-${path.basename(file)}`) });
        most = Math.max(most, hashing.length);
      });
    const slots = new HashSlots(2);
    const WORKERS = 8;
    const pipeline = new Pipeline({ db, passes: [createScanPass({ hashSlots: slots, hash })], log, bus, concurrency: { cpu: 1, io: WORKERS }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 60_000 });
    const discovery = new Discovery({ db, pipeline, bus, log });
    try {
      assert.equal((await reconcileRoot(lib, { db, discovery, log })).added, FILES);
      pipeline.start();
      let left = FILES;
      while (left > 0) {
        // Every worker with a file is either hashing or in line for a slot before one is let go.
        const busy = Math.min(WORKERS, left);
        // (and the slot let go last time handed over: its next file is hashing, not in between).
        await until(() => hashing.length + slots.queued >= busy && hashing.length >= Math.min(2, busy), `${busy} files hashing or waiting`);
        assert.equal(hashing.length, Math.min(2, busy), `files being hashed at once with ${busy} at hand`);
        const done = hashing.shift()!;
        hashed.push(done.file);
        done.finish();
        left--;
      }
      await pipeline.whenIdle(20);
      assert.equal(most, 2, 'two at once (parallel), never three');
      assert.equal(new Set(hashed).size, FILES);
      assert.deepEqual(pipeline.stats.failed, []);
      assert.equal(pipeline.stats.executed.scan, FILES);
      const stored = db.prepare(`SELECT count(*) AS n FROM files WHERE content_hash LIKE 'fake-%'`).get() as { n: number };
      assert.equal(stored.n, FILES, 'every result committed');
    } finally {
      await pipeline.stop();
      db.close();
    }
  });

  test('a file whose pass is aborted while waiting leaves the line without taking a slot', async () => {
    const slots = new HashSlots(1);
    let release!: () => void;
    const first = slots.run(() => new Promise<string>((r) => (release = () => r('first'))));
    const ac = new AbortController();
    let ran = false;
    const second = slots.run(async () => {
      ran = true;
      return 'second';
    }, ac.signal);
    const third = slots.run(async () => 'third');
    assert.equal(slots.queued, 2);
    ac.abort();
    await assert.rejects(second, (e: unknown) => isDaemonError(e) && e.code === 'PASS_TIMEOUT');
    assert.equal(slots.queued, 1);
    release();
    assert.equal(await first, 'first');
    assert.equal(await third, 'third');
    assert.equal(ran, false);
    assert.equal(slots.active, 0);
  });

  test('a hash that fails gives its slot back', async () => {
    const slots = new HashSlots(1);
    await assert.rejects(slots.run(() => Promise.reject(new Error('EIO'))), /EIO/);
    assert.equal(slots.active, 0);
    assert.equal(await slots.run(async () => 'next'), 'next');
    assert.throws(() => new HashSlots(0), RangeError);
  });
});
