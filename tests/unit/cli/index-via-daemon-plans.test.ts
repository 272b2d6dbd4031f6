import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executedSince, stepsLeft } from '../../../src/cli/index-via-daemon.js';
import { openDb } from '../../../src/store/db.js';
import { captured, plan } from '../../helpers/query-plan.js';

/**
 * `rawlight index DIR` with the daemon running looks at the folder's steps left every half second
 * or so: each look must read the folder's range of the path index and each photo's own jobs (or
 * runs), never every job of the backlog or every run since the start. Statistics as the store
 * samples them, on a library with a backlog elsewhere.
 */
function library() {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'cr3', 'raw', 'present', 0, 0)`);
  const j = db.prepare(`INSERT INTO jobs (file_id, pass, input_key, state, created_at, updated_at) VALUES (?, ?, 'k', 'pending', 0, 0)`);
  const r = db.prepare(`INSERT INTO pass_runs (file_id, pass, version, input_key, status, started_at, duration_ms) VALUES (?, ?, 1, 'k', 'ok', ?, 5)`);
  db.transaction(() => {
    for (let i = 1; i <= 50_000; i++) {
      f.run(i, `/l/${i % 50}/IMG_${i}.CR3`);
      for (const pass of ['scan', 'metadata']) {
        r.run(i, pass, i);
        if (i % 3 === 0) j.run(i, pass === 'scan' ? 'preview' : 'faces');
      }
    }
  })();
  db.pragma('analysis_limit = 400');
  db.exec('ANALYZE');
  return db;
}

test('steps left and runs since the start: a range of the path index, then each photo\'s own rows', () => {
  const db = library();
  const sqls = captured(db, () => {
    assert.equal(stepsLeft(db, ['/l/7'], ['preview', 'faces'], Date.now()), 666);
    assert.equal(stepsLeft(db, ['/l/7'], ['preview', 'faces'], Infinity), 666);
    assert.deepEqual(executedSince(db, ['/l/7'], 0), { metadata: 1000, scan: 1000 });
  });
  assert.equal(sqls.length, 3);
  for (const sql of sqls) {
    const p = plan(db, sql).join('\n');
    assert.match(p, /SEARCH f USING COVERING INDEX sqlite_autoindex_files_1 \(path>\? AND path<\?\)/, p);
    assert.match(p, /SEARCH (j USING INDEX sqlite_autoindex_jobs_1 \(file_id=\? AND pass=\?\)|r USING INDEX pass_runs_file \(file_id=\?\))/, p);
    assert.doesNotMatch(p, /SCAN|jobs_pass_state|jobs_claim|pass_runs_started/, p);
  }
});
