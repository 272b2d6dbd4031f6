import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { claim, complete, enqueue, fail, park, queueCounts, recoverLeases, release, requestPass, retryDead, RECONSIDER_KEY, wakeFileJobs } from '../../../src/queue/queue.js';
import { captured, plan } from '../../helpers/query-plan.js';

function freshDb(): WritableDb {
  const { db } = openDb(':memory:');
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/a.jpg', '/l', 'jpg', 'image', 0, 0), (2, '/l/b.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
  return db;
}

test('one job per (file, pass, input key): enqueueing twice never duplicates; a higher priority wins', () => {
  const db = freshDb();
  assert.equal(enqueue(db, 1, 'scan', 'k1', 0), true);
  enqueue(db, 1, 'scan', 'k1', 10);
  enqueue(db, 1, 'scan', 'k1', 0);
  const rows = db.prepare('SELECT priority FROM jobs').all() as { priority: number }[];
  assert.deepEqual(rows, [{ priority: 10 }]);
  enqueue(db, 1, 'scan', 'k2');
  assert.equal(queueCounts(db).pending, 2);
});

test('claim takes the highest priority first, leases it, and never hands the same job out twice', () => {
  const db = freshDb();
  enqueue(db, 1, 'scan', 'a', 0);
  enqueue(db, 2, 'scan', 'b', 10);
  const first = claim(db, ['scan'], 'w1', 1000, 100)!;
  const second = claim(db, ['scan'], 'w2', 1000, 100)!;
  assert.equal(first.file_id, 2, 'new files (higher priority) before backlog');
  assert.equal(second.file_id, 1);
  assert.equal(claim(db, ['scan'], 'w3', 1000, 100), undefined);
  assert.equal(claim(db, ['metadata'], 'w3', 1000, 100), undefined, 'only the passes asked for');
  assert.equal(first.state, 'leased');
  assert.equal(first.attempts, 1);
});

test('a pass that runs last waits for every other pass of the same priority, never for a lower one', () => {
  const db = freshDb();
  // Created first (oldest): a backlog OCR job of file 1, then faces of files 1 and 2.
  enqueue(db, 1, 'ocr', 'k', 0);
  enqueue(db, 1, 'faces', 'k', 0);
  enqueue(db, 2, 'faces', 'k', 0);
  const order = (last: string[]) => {
    const got: string[] = [];
    for (let j = claim(db, ['faces', 'ocr'], 'w', 1000, 100, last); j; j = claim(db, ['faces', 'ocr'], 'w', 1000, 100, last)) {
      got.push(`${j.pass}:${j.file_id}`);
      complete(db, j.id);
    }
    return got;
  };
  assert.deepEqual(order(['ocr']), ['faces:1', 'faces:2', 'ocr:1'], 'the older OCR job after the faces');
  enqueue(db, 1, 'ocr', 'k', 0);
  enqueue(db, 1, 'faces', 'k', 0);
  assert.deepEqual(order([]), ['ocr:1', 'faces:1'], 'without it, oldest first');
  // A new photo's text (watch priority) still comes before the backlog's faces.
  enqueue(db, 1, 'faces', 'k', 0);
  enqueue(db, 2, 'ocr', 'k', 10);
  assert.deepEqual(order(['ocr']), ['ocr:2', 'faces:1']);
});

test('failure: exponential backoff, then dead after maxAttempts; retryDead revives; non-retryable is dead at once', () => {
  const db = freshDb();
  enqueue(db, 1, 'metadata', 'k');
  const opts = { maxAttempts: 3, retryBaseMs: 1000, retryable: true };
  let j = claim(db, ['metadata'], 'w', 60_000, 0)!;
  assert.equal(fail(db, j, { code: 'FILE_UNREADABLE', message: 'x' }, opts, 0), false);
  assert.equal(claim(db, ['metadata'], 'w', 60_000, 500), undefined, 'waits out the backoff');
  j = claim(db, ['metadata'], 'w', 60_000, 1000)!;
  assert.equal(fail(db, j, { code: 'FILE_UNREADABLE', message: 'x' }, opts, 1000), false);
  assert.equal(claim(db, ['metadata'], 'w', 60_000, 2500), undefined, 'the second wait is twice as long');
  j = claim(db, ['metadata'], 'w', 60_000, 3000)!;
  assert.equal(fail(db, j, { code: 'FILE_UNREADABLE', message: 'gone bad' }, opts, 3000), true);
  assert.deepEqual(queueCounts(db, 3000), { pending: 0, leased: 0, dead: 1, waiting: 0 });
  assert.equal(retryDead(db, { codes: ['MODEL_MISSING'] }), 0, 'only the codes asked for');
  assert.equal(retryDead(db, { codes: ['FILE_UNREADABLE'] }), 1);
  j = claim(db, ['metadata'], 'w', 60_000, 4000)!;
  assert.equal(j.attempts, 1, 'a revived job starts counting again');
  assert.equal(fail(db, j, { code: 'X', message: 'y' }, { ...opts, retryable: false }, 4000), true);
});

test('leases of a killed process are recovered at start; release gives a job back without counting the attempt', () => {
  const db = freshDb();
  enqueue(db, 1, 'scan', 'k');
  enqueue(db, 2, 'scan', 'k');
  const a = claim(db, ['scan'], 'dead-process', 60_000, 0)!;
  const b = claim(db, ['scan'], 'me', 60_000, 0)!;
  assert.equal(recoverLeases(db, 'me', 10), 1);
  const again = claim(db, ['scan'], 'me', 60_000, 10)!;
  assert.equal(again.id, a.id);
  release(db, b.id);
  const rb = db.prepare('SELECT state, attempts FROM jobs WHERE id = ?').get(b.id) as { state: string; attempts: number };
  assert.deepEqual(rb, { state: 'pending', attempts: 0 });
  complete(db, again.id);
  assert.equal(queueCounts(db).pending, 1);
});

test('requestPass is idempotent and revives a dead reconsider job', () => {
  const db = freshDb();
  requestPass(db, 1, 'writeback');
  requestPass(db, 1, 'writeback');
  const rows = db.prepare('SELECT input_key FROM jobs').all() as { input_key: string }[];
  assert.deepEqual(rows, [{ input_key: RECONSIDER_KEY }]);
  db.prepare(`UPDATE jobs SET state = 'dead', attempts = 5`).run();
  requestPass(db, 1, 'writeback');
  assert.deepEqual(db.prepare('SELECT state, attempts FROM jobs').get(), { state: 'pending', attempts: 0 });
});

test('deleting a file removes its jobs (foreign keys are on)', () => {
  const db = freshDb();
  enqueue(db, 1, 'scan', 'k');
  db.prepare('DELETE FROM files WHERE id = 1').run();
  assert.equal(queueCounts(db).pending, 0);
});

test('a pass requested again while its job runs runs again: completing the run does not swallow the request', () => {
  const db = freshDb();
  requestPass(db, 1, 'writeback', 5, 100);
  const running = claim(db, ['writeback'], 'w1', 1000, 110)!;
  assert.equal(running.state, 'leased');
  // A person named while the writeback runs (it read the names before that).
  requestPass(db, 1, 'writeback', 5, 120);
  assert.equal(claim(db, ['writeback'], 'w2', 1000, 130), undefined, 'never two of one (file, pass) at once');
  complete(db, running.id, 140);
  const again = claim(db, ['writeback'], 'w1', 1000, 150);
  assert.ok(again, 'the request made while it ran is still queued');
  assert.equal(again.attempts, 1, 'a fresh job: its attempts start over');
  complete(db, again.id, 160);
  assert.equal(queueCounts(db).pending + queueCounts(db).leased, 0, 'asked once more, run once more');
});

test('a job requested again while it ran is not given up when that run fails for good, nor sent to the backlog', () => {
  const db = freshDb();
  requestPass(db, 1, 'writeback', 5, 100);
  const running = claim(db, ['writeback'], 'w1', 1000, 110)!;
  requestPass(db, 1, 'writeback', 5, 120);
  const dead = fail(db, running, { code: 'X', message: 'x' }, { maxAttempts: 1, retryBaseMs: 10, retryable: false }, 130);
  assert.equal(dead, false);
  const again = claim(db, ['writeback'], 'w1', 1000, 130)!;
  assert.deepEqual([again.attempts, again.priority, again.requested_again], [1, 5, 0]);
  // Failing again with nobody asking: now it is given up.
  assert.equal(fail(db, again, { code: 'X', message: 'x' }, { maxAttempts: 1, retryBaseMs: 10, retryable: false }, 140), true);
});

test('a job parked for a drive that is away keeps its attempts, is not claimed, and is due again once its photo is back', () => {
  const db = freshDb();
  enqueue(db, 1, 'preview', 'k', 5);
  const job = claim(db, ['preview'], 'w', 1000, 100)!;
  assert.equal(job.attempts, 1);
  park(db, job.id, 100 + 86_400_000, 100);
  const row = () => db.prepare('SELECT state, attempts, run_after FROM jobs WHERE id = ?').get(job.id) as { state: string; attempts: number; run_after: number };
  assert.deepEqual(row(), { state: 'pending', attempts: 0, run_after: 100 + 86_400_000 });
  assert.equal(claim(db, ['preview'], 'w', 1000, 200), undefined, 'not run while its drive is away');
  assert.equal(wakeFileJobs(db, 2, 300), 0, 'another photo wakes nothing');
  assert.equal(wakeFileJobs(db, 1, 300), 1);
  assert.equal(claim(db, ['preview'], 'w', 1000, 300)?.id, job.id);
});

test('waking a photo\'s parked jobs reads that photo\'s jobs only, whatever else waits (a whole drive parked)', () => {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/v', 'nef', 'raw', 'offline', 0, 0)`);
  const j = db.prepare(`INSERT INTO jobs (file_id, pass, input_key, state, run_after, created_at, updated_at) VALUES (?, ?, 'k', 'pending', ?, 0, 0)`);
  db.transaction(() => {
    for (let i = 1; i <= 40_000; i++) {
      f.run(i, `/v/${i}.NEF`);
      for (const p of ['preview', 'faces']) j.run(i, p, i % 3 ? 86_400_000 : 0);
    }
  })();
  db.pragma('analysis_limit = 400');
  db.exec('ANALYZE');
  const sqls = captured(db, () => wakeFileJobs(db, 7, 1000));
  assert.equal(sqls.length, 1);
  const p = plan(db, sqls[0]!).join('\n');
  assert.match(p, /SEARCH jobs USING INDEX sqlite_autoindex_jobs_1 \(file_id=\?\)/, p);
});
