import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { DaemonError } from '../../../src/errors/index.js';
import type { Pass } from '../../../src/passes/pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { enqueue } from '../../../src/queue/queue.js';
import { openDb } from '../../../src/store/db.js';

/** A pass that fails with a retryable error on its first `failures` runs, then succeeds. */
function flaky(failures: number): Pass & { runs: number } {
  const pass = {
    name: 'flaky', version: 1, resource: 'io' as const, after: [], description: 'fails, then works',
    runs: 0,
    inputKey: () => 'k',
    run: async () => {
      pass.runs++;
      if (pass.runs <= failures) throw new DaemonError('SIDECAR_BUSY', 'the sidecar changed while it was planned');
      return { output: { ok: true } };
    },
  };
  return pass;
}

function pipelineWith(pass: Pass, retryBaseMs: number) {
  const { db } = openDb(':memory:');
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/1.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
  enqueue(db, 1, pass.name, 'k', 0);
  const pipeline = new Pipeline({ db, passes: [pass], log: pino({ level: 'silent' }), bus: new PipelineBus(), concurrency: { cpu: 1, io: 1 }, maxAttempts: 5, retryBaseMs, leaseMs: 60_000 });
  return { db, pipeline };
}

test('whenSettled waits out a retry due within its window: the transient failure ends as a success', async () => {
  const pass = flaky(1);
  const { db, pipeline } = pipelineWith(pass, 30);
  pipeline.start();
  try {
    const settled = await pipeline.whenSettled(60_000, 5);
    assert.deepEqual(settled, { waitingRetries: 0, nextRetryAt: null });
    assert.equal(pass.runs, 2, 'failed once, then ran again');
    assert.equal(db.prepare(`SELECT status FROM pass_results WHERE file_id = 1 AND pass = 'flaky'`).pluck().get(), 'ok');
    assert.equal(db.prepare(`SELECT count(*) FROM jobs`).pluck().get(), 0);
  } finally {
    await pipeline.stop(100);
  }
});

test('whenSettled does not wait for a retry due later than its window, and says it is waiting', async () => {
  const pass = flaky(1);
  const { db, pipeline } = pipelineWith(pass, 3_600_000);
  // A backoff of a pass this pipeline does not run (left for the daemon): neither waited for nor counted.
  enqueue(db, 1, 'writeback', 'k', 0);
  db.prepare(`UPDATE jobs SET run_after = ? WHERE pass = 'writeback'`).run(Date.now() + 3_600_000);
  pipeline.start();
  try {
    const settled = await pipeline.whenSettled(60_000, 5);
    assert.equal(pass.runs, 1);
    assert.equal(settled.waitingRetries, 1, 'its own retry; not the other pass\'s');
    assert.ok(settled.nextRetryAt !== null && settled.nextRetryAt > Date.now() + 60_000, 'the retry is an hour away');
    const job = db.prepare(`SELECT state, last_error_code FROM jobs WHERE pass = 'flaky'`).get();
    assert.deepEqual(job, { state: 'pending', last_error_code: 'SIDECAR_BUSY' });
  } finally {
    await pipeline.stop(100);
  }
});
