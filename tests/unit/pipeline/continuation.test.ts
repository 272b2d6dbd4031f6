// A depth-first (io) worker leases a file's next step in the transaction that commits the step
// before it: one write transaction a step instead of two, and no moment in between where another
// process (a CLI run beside the daemon) could take the file's next step from under it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import type { Pass } from '../../../src/passes/pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { claim, enqueue, type JobRow } from '../../../src/queue/queue.js';
import { openDb } from '../../../src/store/db.js';

const ran: string[] = [];
const step = (name: string, after: string[]): Pass => ({
  name, version: 1, resource: 'io', after, description: name,
  inputKey: () => 'k',
  run: async (ctx) => (ran.push(`${name}:${ctx.file.id}`), {}),
});
const PASSES = [step('first', []), step('second', ['first'])];

async function settle(rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

function setup(t: TestContext, onPassDone?: () => void) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-continuation-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'rawlight.db');
  const { db } = openDb(file);
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/1.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
  enqueue(db, 1, 'first', 'k');
  const bus = new PipelineBus();
  const pipeline = new Pipeline({ db, passes: PASSES, log: pino({ level: 'silent' }), bus, concurrency: { cpu: 0, io: 1 }, maxAttempts: 3, retryBaseMs: 0, leaseMs: 600_000, ...(onPassDone ? { onPassDone } : {}) });
  const other = openDb(file).db;
  t.after(() => {
    other.close();
    db.close();
  });
  ran.length = 0;
  return { db, bus, pipeline, other };
}

test("a file's next step is leased with the commit of the one before: another process cannot take it in between", async (t) => {
  const { db, bus, pipeline, other } = setup(t);
  let theirs: JobRow | undefined | null = null;
  // The earliest another process can look: right after the first step's transaction committed.
  bus.on('pass-done', (e) => {
    if (e.pass === 'first') theirs = claim(other, ['first', 'second'], 'other-process', 600_000);
  });
  pipeline.start();
  try {
    await settle();
    assert.equal(theirs, undefined, 'the other process found nothing runnable');
    assert.deepEqual(ran, ['first:1', 'second:1'], 'this worker ran the file through');
    assert.equal(db.prepare('SELECT count(*) FROM jobs').pluck().get(), 0);
  } finally {
    await pipeline.stop(100);
  }
});

test('a listener failing after the commit: the pass is not failed, and the next step leased with it is given back and run', async (t) => {
  let calls = 0;
  const { db, pipeline } = setup(t, () => {
    if (calls++ === 0) throw new Error('a listener failed');
  });
  pipeline.start();
  try {
    await settle();
    // The second step was leased in the first one's commit; the failure after it must not leave
    // it leased (for 10 minutes, to nobody): the worker leases it again and runs it.
    assert.deepEqual(ran, ['first:1', 'second:1']);
    assert.equal(db.prepare(`SELECT count(*) FROM jobs`).pluck().get(), 0, 'nothing left queued or leased');
    // The first step's result stands: no retry recorded for it (its job id is the second's now).
    assert.deepEqual(db.prepare(`SELECT pass, status FROM pass_runs ORDER BY id`).all(), [{ pass: 'first', status: 'ok' }, { pass: 'second', status: 'ok' }]);
  } finally {
    await pipeline.stop(100);
  }
});
