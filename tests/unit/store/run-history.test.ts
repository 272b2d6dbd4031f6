import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDb } from '../../../src/store/db.js';
import { pruneRunHistory, recordRun, type PassRunInsert } from '../../../src/store/repositories/pass-result.repository.js';

const DAY = 86_400_000;

function run(over: Partial<PassRunInsert>): PassRunInsert {
  return { file_id: 1, pass: 'scan', version: 1, input_key: 'k1', status: 'ok', error_code: null, error: null, started_at: 0, duration_ms: 1, ...over };
}

test('pass_runs stays bounded: a new input supersedes old successes, old failures age out, a double run stays visible', () => {
  const { db } = openDb(':memory:');
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/1.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
  const rows = () => db.prepare('SELECT pass, input_key AS k, status, started_at AS t FROM pass_runs ORDER BY id').all();
  const t0 = 100 * DAY;
  recordRun(db, run({ status: 'retry', started_at: t0 }), 30);
  recordRun(db, run({ started_at: t0 + 1 }), 30);
  recordRun(db, run({ pass: 'metadata', started_at: t0 + 2 }), 30);
  // The file changed: a new key. The old success goes; the recent failure stays (30 days).
  recordRun(db, run({ input_key: 'k2', started_at: t0 + 3 }), 30);
  assert.deepEqual(rows(), [
    { pass: 'scan', k: 'k1', status: 'retry', t: t0 },
    { pass: 'metadata', k: 'k1', status: 'ok', t: t0 + 2 },
    { pass: 'scan', k: 'k2', status: 'ok', t: t0 + 3 },
  ]);
  // A second run of the same input (a bug) is kept beside the first, where tests and `show` see it.
  recordRun(db, run({ input_key: 'k2', started_at: t0 + 4 }), 30);
  assert.equal((rows() as { k: string }[]).filter((r) => r.k === 'k2').length, 2);
  // 31 days later another run of this (file, pass): the old failure goes with it.
  recordRun(db, run({ input_key: 'k3', started_at: t0 + 31 * DAY }), 30);
  assert.deepEqual(rows(), [
    { pass: 'metadata', k: 'k1', status: 'ok', t: t0 + 2 },
    { pass: 'scan', k: 'k3', status: 'ok', t: t0 + 31 * DAY },
  ]);
});

test('the daily prune removes old failures but never the latest run of a (file, pass)', () => {
  const { db } = openDb(':memory:');
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/1.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
  const ins = db.prepare(`INSERT INTO pass_runs (file_id, pass, version, input_key, status, started_at, duration_ms) VALUES (1, ?, 1, 'k', ?, ?, 1)`);
  ins.run('scan', 'retry', 1 * DAY);
  ins.run('scan', 'retry', 2 * DAY); // older than 30 days but not the latest: goes
  ins.run('scan', 'retry', 50 * DAY); // recent: stays
  ins.run('faces', 'failed', 1 * DAY); // old, but the only (latest) run of faces: stays
  assert.equal(pruneRunHistory(db, 30, 60 * DAY), 2);
  const left = db.prepare('SELECT pass, started_at AS t FROM pass_runs ORDER BY id').all();
  assert.deepEqual(left, [{ pass: 'scan', t: 50 * DAY }, { pass: 'faces', t: 1 * DAY }]);
});
