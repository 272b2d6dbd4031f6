import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import pino from 'pino';
import { DaemonError } from '../../../src/errors/index.js';
import type { Pass } from '../../../src/passes/pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { enqueue } from '../../../src/queue/queue.js';
import { openDb } from '../../../src/store/db.js';

test('a pass past its timeout is aborted through its signal, its slot held until it stops, its result dropped', async () => {
  const { db } = openDb(':memory:');
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/1.jpg', '/l', 'jpg', 'image', 0, 0), (2, '/l/2.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
  const events: string[] = [];
  let finishSlow: () => void = () => undefined;
  const slow: Pass = {
    name: 'slow', version: 1, resource: 'cpu', after: [], description: 'waits until told',
    inputKey: () => 'k',
    run: (ctx) =>
      new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          events.push(`abort ${ctx.file.id}: ${(ctx.signal.reason as DaemonError).code}`);
          // An ONNX run cannot be cut short: it finishes later, and its result must be dropped.
          finishSlow = () => {
            events.push(`stopped ${ctx.file.id}`);
            resolve({ output: { late: true }, commit: (w) => w.prepare(`INSERT INTO kv (key, value) VALUES ('late', 'x')`).run() });
          };
        });
      }),
  };
  const bus = new PipelineBus();
  const pipeline = new Pipeline({
    db, passes: [slow], log: pino({ level: 'silent' }), bus,
    concurrency: { cpu: 1, io: 1 }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 60_000, passTimeoutMs: 5,
  });
  enqueue(db, 1, 'slow', 'k', 10);
  enqueue(db, 2, 'slow', 'k', 0);
  pipeline.start();
  try {
    while (!events.some((e) => e.startsWith('abort 1'))) await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, ['abort 1: PASS_TIMEOUT']);
    // The one cpu slot is still taken: file 2's job is not claimed while file 1's pass works.
    const leased = db.prepare(`SELECT file_id FROM jobs WHERE state = 'leased'`).pluck().all();
    assert.deepEqual(leased, [1]);
    assert.equal(pipeline.isIdle(), false);
    const failed = once(bus, 'job-error');
    finishSlow();
    const [err] = (await failed) as [{ fileId: number; code: string; dead: boolean }];
    assert.deepEqual([err.fileId, err.code, err.dead], [1, 'PASS_TIMEOUT', true]);
    assert.equal(db.prepare(`SELECT value FROM kv WHERE key = 'late'`).get(), undefined, 'the late result was dropped');
    const r = db.prepare(`SELECT status, error_code FROM pass_results WHERE file_id = 1`).get();
    assert.deepEqual(r, { status: 'failed', error_code: 'PASS_TIMEOUT' });
    assert.ok(events.indexOf('stopped 1') > events.indexOf('abort 1: PASS_TIMEOUT'));
  } finally {
    finishSlow();
    await pipeline.stop(100);
  }
});
