import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDb } from '../../../src/store/db.js';
import { indexedRoots } from '../../../src/store/repositories/file.repository.js';
import { siblingsOf } from '../../../src/xmp/writeback.js';
import { captured, plan } from '../../helpers/query-plan.js';

/**
 * Per-file path reads that run on the pipeline's thread for every file (siblings of a photo, in
 * each metadata pass and for each RAW that comes or goes) must read a range of the unique path
 * index. With statistics sampled as the store samples them (analysis_limit), files_state looks
 * selective; a plan through it reads every present file per call (13 ms a call at 50K files, more than 100 at 500K).
 */
function sampledStats() {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'cr3', 'raw', 'present', 0, 0)`);
  // Past ~30K files the planner turns to files_state (20K still plans well).
  db.transaction(() => {
    for (let i = 1; i <= 50_000; i++) f.run(i, `/l/${i % 50}/IMG_${i}.CR3`);
  })();
  db.pragma('analysis_limit = 400'); // as openDb and the pipeline's optimize sample
  db.exec('ANALYZE');
  return db;
}

test('siblingsOf reads a range of the path index, not every present file', () => {
  const db = sampledStats();
  const sqls = captured(db, () => siblingsOf(db, { path: '/l/1/IMG_1.CR3' }));
  assert.equal(sqls.length, 1);
  const p = plan(db, sqls[0]!).join('\n');
  assert.match(p, /SEARCH f USING INDEX sqlite_autoindex_files_1 \(path>\? AND path<\?\)/, p);
  assert.doesNotMatch(p, /files_state/, p);
});

test('the same query with a plain state term would take files_state (the hazard the test guards)', () => {
  const db = sampledStats();
  const p = plan(db, `SELECT f.path FROM files f WHERE f.path >= ? AND f.path < ? AND f.path <> ? AND f.state = 'present'`).join('\n');
  assert.match(p, /files_state/, 'if this fails, SQLite plans it well now and the + can go');
});

test('indexedRoots seeks the root index once per root (a skip-scan), never reads every file', () => {
  const db = sampledStats();
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (60001, '/m/a.jpg', '/m', 'jpg', 'image', 'gone', 0, 0)`).run();
  const sqls = captured(db, () => assert.deepEqual(indexedRoots(db), ['/l', '/m']));
  assert.equal(sqls.length, 1);
  const p = plan(db, sqls[0]!).join('\n');
  assert.match(p, /SEARCH files USING COVERING INDEX files_root \(root>\?\)/, p);
  assert.doesNotMatch(p, /SCAN files/, p);
});
