import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executedSince, stepsLeft } from '../../../src/cli/index-via-daemon.js';
import { raisePriority } from '../../../src/queue/queue.js';
import { openDb } from '../../../src/store/db.js';
import { presentIdsUnder } from '../../../src/store/repositories/file.repository.js';
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
    assert.deepEqual(executedSince(db, ['/l/7'], 0, ['scan', 'metadata']), { metadata: 1000, scan: 1000 });
    assert.deepEqual(executedSince(db, ['/l/7'], 0, ['scan']), { scan: 1000 }, 'the passes asked for only');
  });
  assert.equal(sqls.length, 4);
  for (const sql of sqls) {
    const p = plan(db, sql).join('\n');
    assert.match(p, /SEARCH f USING COVERING INDEX sqlite_autoindex_files_1 \(path>\? AND path<\?\)/, p);
    assert.match(p, /SEARCH (j USING INDEX sqlite_autoindex_jobs_1 \(file_id=\? AND pass=\?\)|r USING INDEX pass_runs_file \(file_id=\?\))/, p);
    assert.doesNotMatch(p, /SCAN|jobs_pass_state|jobs_claim|pass_runs_started/, p);
  }
});

test('a folder the backlog holds goes first: its pending jobs raised, a page of files at a time, by index', () => {
  const db = library();
  db.prepare(`UPDATE jobs SET state = 'leased' WHERE file_id = 21`).run();
  db.prepare(`UPDATE jobs SET priority = 30 WHERE file_id = 57`).run();
  const sqls = captured(db, () => {
    const first = presentIdsUnder(db, '/l/7', '', 400);
    const next = presentIdsUnder(db, '/l/7', first.at(-1)!.path, 400);
    assert.equal(first.length + next.length, 800);
    assert.ok(first.every((f, i) => i === 0 || f.path > first[i - 1]!.path) && next[0]!.path > first.at(-1)!.path, 'pages in path order, none twice');
    // Two pending jobs (preview, faces) for every third photo; photo 57's are higher already.
    assert.equal(raisePriority(db, [...first, ...next].map((f) => f.id), 20), 2 * [...first, ...next].filter((f) => f.id % 3 === 0 && f.id !== 57).length);
  });
  const prio = (id: number) => db.prepare(`SELECT priority FROM jobs WHERE file_id = ?`).pluck().get(id);
  assert.equal(prio(57), 30, 'never lowered');
  assert.equal(prio(207), 20, 'a pending job of the folder raised'); // /l/7/IMG_207
  assert.equal(prio(8 * 3), 0, 'another folder\'s left alone');
  assert.equal(raisePriority(db, [21], 20), 0, 'a leased job is not touched');
  for (const sql of sqls) {
    const p = plan(db, sql).join('\n');
    assert.match(p, /USING (COVERING )?INDEX sqlite_autoindex_(files_1 \(path>\? AND path<\?\)|jobs_1 \(file_id=\?\))/, p);
    assert.doesNotMatch(p, /SCAN (files|jobs)|files_state|jobs_claim|jobs_pass_state/, p);
  }
});

test('`index --passes preview` through the daemon: only the steps asked for go first', () => {
  const db = library();
  const ids = Array.from({ length: 33 }, (_, k) => 3 * (k + 1)); // each with a preview and a faces job
  const sqls = captured(db, () => assert.equal(raisePriority(db, ids, 20, ['preview']), ids.length));
  const prio = (pass: string) => db.prepare(`SELECT priority FROM jobs WHERE file_id = 3 AND pass = ?`).pluck().get(pass);
  assert.equal(prio('preview'), 20);
  assert.equal(prio('faces'), 0, 'a pass not asked for keeps its place');
  const p = plan(db, sqls[0]!).join('\n');
  assert.match(p, /USING INDEX sqlite_autoindex_jobs_1 \(file_id=\?/, p);
  assert.doesNotMatch(p, /SCAN jobs|jobs_claim|jobs_pass_state/, p);
});
