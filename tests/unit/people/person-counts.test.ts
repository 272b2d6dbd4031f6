import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { assign, restoreAssignment } from '../../../src/people/people.repository.js';
import { listPersonTiles } from '../../../src/people/index.js';

/** What the trigger-kept counts must equal: recounted from the assignments themselves. */
function truth(db: WritableDb): { person_id: number; faces: number; photos: number }[] {
  return db
    .prepare(
      `SELECT fp.person_id, count(*) AS faces, count(DISTINCT fa.file_id) AS photos FROM face_person fp JOIN faces fa ON fa.id = fp.face_id
       GROUP BY fp.person_id ORDER BY fp.person_id`,
    )
    .all() as { person_id: number; faces: number; photos: number }[];
}
function kept(db: WritableDb) {
  return db.prepare('SELECT person_id, faces, photos FROM person_counts WHERE faces > 0 ORDER BY person_id').all();
}

test('person face and photo counts follow every way an assignment changes (assign, move, restore, remove, face and person deleted)', () => {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  for (let i = 1; i <= 4; i++) f.run(i, `/l/${i}.jpg`);
  const face = db.prepare(`INSERT INTO faces (id, file_id, preview_hash, idx, created_at) VALUES (?, ?, 'h', ?, 0)`);
  // Two faces of file 1, one each in files 2..4.
  face.run(1, 1, 0);
  face.run(2, 1, 1);
  face.run(3, 2, 0);
  face.run(4, 3, 0);
  face.run(5, 4, 0);
  db.prepare(`INSERT INTO persons (id, name, created_at, updated_at) VALUES (1, 'Ann', 0, 0), (2, NULL, 0, 0), (3, 'Bo', 0, 0)`).run();
  for (const [fa, pe] of [[1, 1], [2, 1], [3, 1], [4, 2], [5, 2]] as const) assign(db, fa, pe, 'auto', false);
  assert.deepEqual(kept(db), truth(db));
  assert.deepEqual(kept(db)[0], { person_id: 1, faces: 3, photos: 2 }, 'two faces in one photo count one photo');

  assign(db, 2, 2, 'user', true); // moved: file 1 still has Ann's face 1
  assert.deepEqual(kept(db), truth(db));
  restoreAssignment(db, { face_id: 2, person_id: 1, source: 'auto', confirmed: 0, similarity: null, assigned_at: 0 });
  assert.deepEqual(kept(db), truth(db), 'an undo (restore) moves the counts back');
  db.prepare('DELETE FROM face_person WHERE face_id = 3').run();
  assert.deepEqual(kept(db), truth(db));
  db.prepare('DELETE FROM faces WHERE id = 1').run(); // a re-detected preview drops its faces
  assert.deepEqual(kept(db), truth(db), 'a deleted face leaves its person counts');
  db.prepare('DELETE FROM files WHERE id = 4').run(); // cascades through faces
  assert.deepEqual(kept(db), truth(db));
  db.prepare('DELETE FROM persons WHERE id = 2').run(); // merged away
  assert.deepEqual(kept(db), truth(db));
  assert.deepEqual(
    listPersonTiles(db, { includeIgnored: false, limit: 10, offset: 0, sample: 2 }).items.map((p) => [p.id, p.faceCount, p.fileCount]),
    truth(db).map((t) => [t.person_id, t.faces, t.photos]),
  );
});
