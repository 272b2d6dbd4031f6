import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDb } from '../../../src/store/db.js';
import { deletedBefore, forgetDeletedFile } from '../../../src/store/repositories/file.repository.js';
import { plan } from '../../helpers/query-plan.js';

const DAY = 24 * 3600_000;

function library() {
  const { db } = openDb(':memory:');
  const now = Date.now();
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, gone_at, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', ?, ?, 0, 0)`);
  f.run(1, '/l/1.jpg', 'present', null);
  f.run(2, '/l/2.jpg', 'gone', now - 40 * DAY);
  f.run(3, '/l/3.jpg', 'gone', now - 10 * DAY);
  f.run(4, '/l/4.jpg', 'gone', null); // deleted before rawlight kept the time: never judged old
  f.run(5, '/l/5.jpg', 'offline', null);
  f.run(6, '/l/6.jpg', 'gone', now - 40 * DAY);
  f.run(7, '/l/7.jpg', 'gone', now - 40 * DAY); // the newest row
  const memory = db.prepare(`INSERT INTO face_memory (file_id, stored_x, stored_y, stored_w, stored_h, person_id, source, confirmed, rejected, not_face, created_at) VALUES (?, 0.1, 0.1, 0.2, 0.2, NULL, 'user', 1, '[]', 0, 0)`);
  for (const id of [1, 2, 6]) memory.run(id);
  return { db, cutoff: now - 30 * DAY };
}

test('the photos to forget: deleted before the cutoff, never the newest row (its id would be given again), in id order from a cursor', () => {
  const { db, cutoff } = library();
  assert.deepEqual(deletedBefore(db, cutoff, 0, 100), [2, 6]);
  assert.deepEqual(deletedBefore(db, cutoff, 2, 100), [6]);
  assert.deepEqual(deletedBefore(db, cutoff, 0, 1), [2]);
});

test('forgetting checks the photo again: one found again, or deleted lately, is kept; a forgotten one leaves no face memory', () => {
  const { db, cutoff } = library();
  const [first] = deletedBefore(db, cutoff, 0, 100);
  // Put back from the Trash between the listing and the transaction.
  db.prepare(`UPDATE files SET state = 'present', gone_at = NULL WHERE id = ?`).run(first);
  assert.equal(forgetDeletedFile(db, first!, cutoff), false);
  assert.equal(forgetDeletedFile(db, 3, cutoff), false, 'deleted ten days ago');
  assert.equal(forgetDeletedFile(db, 1, cutoff), false, 'present');
  assert.equal(forgetDeletedFile(db, 6, cutoff), true);
  assert.deepEqual(db.prepare(`SELECT id FROM files ORDER BY id`).pluck().all(), [1, 2, 3, 4, 5, 7]);
  assert.deepEqual(db.prepare(`SELECT file_id FROM face_memory ORDER BY file_id`).pluck().all(), [1, 2]);
});

test('the listing seeks the deleted photos through the state index, and every table naming a photo can be reached by its id (the delete cascades seek, never scan)', () => {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, gone_at, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', ?, ?, 0, 0)`);
  db.transaction(() => {
    for (let i = 1; i <= 2000; i++) f.run(i, `/l/${i}.jpg`, i % 20 === 0 ? 'gone' : 'present', i % 20 === 0 ? 1 : null);
  })();
  db.exec('ANALYZE');
  const p = plan(db, `SELECT id FROM files WHERE state = 'gone' AND id > ? AND gone_at < ? AND id < (SELECT max(id) FROM files) ORDER BY id LIMIT ?`).join(' | ');
  assert.match(p, /SEARCH files USING INDEX files_state \(state=\? AND rowid>\? AND rowid<\?\)|SEARCH files USING INDEX files_state \(state=\? AND rowid>\?\)/, p);
  assert.doesNotMatch(p, /TEMP B-TREE|SCAN files/, p);
  // Each child of files (a foreign key to files.id, or face_memory by file_id) has an index or a
  // primary key starting with its file id: at 550K photos a scan per forgotten photo is seconds.
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'`).pluck().all() as string[];
  const children = tables.filter((t) => t === 'face_memory' || (db.prepare(`SELECT 1 FROM pragma_foreign_key_list(?) WHERE "table" = 'files'`).get(t) !== undefined));
  assert.ok(children.length >= 15, children.join(', '));
  const unindexed = children.filter((t) => {
    const fk = t === 'face_memory' ? 'file_id' : (db.prepare(`SELECT "from" FROM pragma_foreign_key_list(?) WHERE "table" = 'files'`).pluck().get(t) as string);
    const pk = db.prepare(`SELECT name FROM pragma_table_info(?) WHERE pk = 1`).pluck().get(t);
    if (pk === fk) return false;
    const indexes = db.prepare(`SELECT name FROM pragma_index_list(?)`).pluck().all(t) as string[];
    return !indexes.some((i) => db.prepare(`SELECT name FROM pragma_index_info(?) WHERE seqno = 0`).pluck().get(i) === fk);
  });
  assert.deepEqual(unindexed, []);
});
