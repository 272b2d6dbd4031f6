import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { claim, complete, enqueue, fail, release, sweepExpiredLeases } from '../../../src/queue/queue.js';
import { saveResult } from '../../../src/store/repositories/pass-result.repository.js';
import { keptCounts, recount, verifyStatusCounts } from '../../../src/store/repositories/status-counts.repository.js';
import { readStatus } from '../../../src/store/repositories/status.repository.js';

const PASSES = ['scan', 'metadata', 'preview'] as const;
const STATES = ['present', 'gone', 'cloud', 'offline'] as const;

/** A small deterministic PRNG: the same run every time, yet every kind of write interleaved. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function addFile(db: WritableDb, id: number, state: string): void {
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', ?, 0, 0)`).run(id, `/l/${id}.jpg`, state);
}

function result(db: WritableDb, fileId: number, pass: string, status: 'ok' | 'failed'): void {
  saveResult(db, { file_id: fileId, pass, version: 1, input_key: 'k', status, output: null, error_code: null, error: null, completed_at: 1, duration_ms: 1 });
}

test('kept counts equal a recount after any mix of writes to files, results and jobs', () => {
  const { db } = openDb(':memory:');
  const r = rng(11);
  let nextId = 1;
  const live = new Set<number>();
  for (let step = 0; step < 3000; step++) {
    const op = Math.floor(r() * 10);
    const id = live.size ? pick(r, [...live]) : 0;
    if (op === 0 || live.size === 0) {
      addFile(db, nextId, pick(r, STATES));
      live.add(nextId++);
    } else if (op === 1) db.prepare('UPDATE files SET state = ? WHERE id = ?').run(pick(r, STATES), id);
    else if (op === 2 && r() < 0.2) {
      db.prepare('DELETE FROM files WHERE id = ?').run(id); // cascades to results and jobs
      live.delete(id);
    } else if (op === 3) result(db, id, pick(r, PASSES), r() < 0.8 ? 'ok' : 'failed');
    else if (op === 4) db.prepare('DELETE FROM pass_results WHERE file_id = ? AND pass = ?').run(id, pick(r, PASSES));
    else if (op === 5) enqueue(db, id, pick(r, PASSES), `k${Math.floor(r() * 3)}`, Math.floor(r() * 10));
    else if (op === 6) {
      const j = claim(db, [...PASSES], 'w', 1000, step);
      if (j) {
        const what = r();
        if (what < 0.4) complete(db, j.id);
        else if (what < 0.7) fail(db, j, { code: 'X', message: 'x' }, { maxAttempts: 2, retryBaseMs: 0, retryable: true }, step);
        else if (what < 0.85) release(db, j.id, step);
      }
    } else if (op === 7) sweepExpiredLeases(db, step);
    else if (op === 8) db.prepare(`UPDATE jobs SET state = 'pending' WHERE state = 'dead' AND file_id = ?`).run(id);
    else db.prepare('UPDATE files SET last_seen_at = ? WHERE id = ?').run(step, id); // a write that must not move counts
  }
  const kept = keptCounts(db);
  const truth = recount(db);
  assert.ok(Object.keys(truth.results).length > 0 && Object.keys(truth.jobs).length > 0, 'the run produced rows to count');
  assert.deepEqual(kept, truth);
  assert.deepEqual(verifyStatusCounts(db).repaired, [], 'nothing to repair');
});

test('status reads the kept counts: results of files that are no longer present do not show', () => {
  const { db } = openDb(':memory:');
  addFile(db, 1, 'present');
  addFile(db, 2, 'present');
  result(db, 1, 'scan', 'ok');
  result(db, 2, 'scan', 'failed');
  enqueue(db, 1, 'metadata', 'k');
  enqueue(db, 2, 'metadata', 'k');
  claim(db, ['metadata'], 'w', 1000, 0);
  let s = readStatus(db, { passNames: ['scan', 'metadata', 'preview'], now: 0 });
  assert.deepEqual([s.passes.scan!.done, s.passes.scan!.failed], [1, 1]);
  assert.deepEqual([s.passes.metadata!.pending, s.passes.metadata!.running], [2, 1]);
  assert.deepEqual(s.queue, { pending: 1, leased: 1, dead: 0, waiting: 0, away: 0 });
  assert.equal(s.passes.preview!.done, 0, 'a registered pass with no rows is listed');
  db.prepare(`UPDATE files SET state = 'gone' WHERE id = 2`).run();
  s = readStatus(db, { now: 0 });
  assert.deepEqual([s.passes.scan!.done, s.passes.scan!.failed, s.files], [1, 0, 1]);
  assert.deepEqual(s.filesByState, { present: 1, gone: 1 });
  db.prepare(`UPDATE files SET state = 'present' WHERE id = 2`).run();
  assert.equal(readStatus(db, { now: 0 }).passes.scan!.failed, 1, 'back again, counted again');
});

test('counts written around the triggers (a restored or hand-edited database) are repaired by verify', () => {
  const { db } = openDb(':memory:');
  addFile(db, 1, 'present');
  result(db, 1, 'scan', 'ok');
  enqueue(db, 1, 'metadata', 'k');
  db.prepare('UPDATE file_counts SET n = 99').run();
  db.prepare('DELETE FROM job_counts').run();
  assert.notDeepEqual(keptCounts(db), recount(db));
  assert.deepEqual(verifyStatusCounts(db).repaired, ['files', 'jobs']);
  assert.deepEqual(keptCounts(db), recount(db));
  assert.equal(readStatus(db).queue.pending, 1);
});

test("the ETA counts the work of passes that ran lately at their rate; a pass that has not run yet (OCR, run last) is listed apart", () => {
  const { db } = openDb(':memory:');
  const now = 10_000_000;
  for (let i = 1; i <= 40; i++) addFile(db, i, 'present');
  // 30 faces runs over the last minute: 30 a minute.
  const run = db.prepare(`INSERT INTO pass_runs (file_id, pass, version, input_key, status, started_at, duration_ms) VALUES (?, 'faces', 1, 'k', 'ok', ?, 1000)`);
  for (let i = 1; i <= 30; i++) run.run(i, now - 60_000 + (i - 1) * 2000);
  for (let i = 31; i <= 40; i++) enqueue(db, i, 'faces', 'k');
  for (let i = 1; i <= 20; i++) enqueue(db, i, 'ocr', 'k');
  let s = readStatus(db, { passNames: ['faces', 'ocr'], now });
  assert.equal(s.throughput.runsPerMinute, 30);
  assert.deepEqual(s.eta.untimed, { ocr: 20 });
  assert.equal(s.eta.seconds, 20, "the 10 faces steps at the faces' rate, not all 30 steps (60 s)");
  // The faces done: nothing else to time the queue by, so the rate at hand over what is left.
  db.prepare(`DELETE FROM jobs WHERE pass = 'faces'`).run();
  s = readStatus(db, { passNames: ['faces', 'ocr'], now });
  assert.deepEqual(s.eta.untimed, {});
  assert.equal(s.eta.seconds, 40);
});
