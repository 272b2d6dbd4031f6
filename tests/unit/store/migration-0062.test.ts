import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultMigrationsDir } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { dbBefore } from '../../helpers/migrations.js';

test('0062 and 0063 from 0061 with real rows: person counts and metadata terms filled from existing rows, then kept', () => {
  const { db, done } = dbBefore(62);
  try {
    const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
    for (let i = 1; i <= 3; i++) f.run(i, `/l/${i}.jpg`);
    const m = db.prepare(`INSERT INTO metadata (file_id, keywords, people, read_at) VALUES (?, ?, ?, 0)`);
    m.run(1, '["Dog","beach", 3]', '["Ann Lee"]');
    m.run(2, 'not json', '[]'); // a damaged row is skipped, never an error
    m.run(3, '["dog"]', '["Bo"]');
    db.prepare(`INSERT INTO faces (id, file_id, preview_hash, idx, created_at) VALUES (1, 1, 'h', 0, 0), (2, 1, 'h', 1, 0), (3, 3, 'h', 0, 0)`).run();
    db.prepare(`INSERT INTO persons (id, name, created_at, updated_at) VALUES (1, 'Ann', 0, 0), (2, NULL, 0, 0)`).run();
    db.prepare(`INSERT INTO face_person (face_id, person_id, source, assigned_at) VALUES (1, 1, 'user', 0), (2, 1, 'auto', 0), (3, 2, 'auto', 0)`).run();

    migrate(db, defaultMigrationsDir());

    assert.deepEqual(db.prepare('SELECT person_id, faces, photos FROM person_counts ORDER BY person_id').all(), [
      { person_id: 1, faces: 2, photos: 1 },
      { person_id: 2, faces: 1, photos: 1 },
    ]);
    const terms = () => db.prepare('SELECT kind, value, file_id FROM metadata_terms ORDER BY file_id, kind, value').all();
    assert.deepEqual(terms(), [
      { kind: 'keyword', value: 'beach', file_id: 1 },
      { kind: 'keyword', value: 'Dog', file_id: 1 },
      { kind: 'person', value: 'Ann Lee', file_id: 1 },
      { kind: 'keyword', value: 'dog', file_id: 3 },
      { kind: 'person', value: 'Bo', file_id: 3 },
    ]);
    // Kept from here on: a re-read replaces a file's terms, a bad JSON write still succeeds, a delete clears them.
    db.prepare(`UPDATE metadata SET keywords = '["cat"]', people = '[]' WHERE file_id = 1`).run();
    db.prepare(`UPDATE metadata SET keywords = '{broken' WHERE file_id = 3`).run();
    db.prepare(`UPDATE metadata SET keywords = '["Sea"]' WHERE file_id = 2`).run();
    assert.deepEqual(terms(), [
      { kind: 'keyword', value: 'cat', file_id: 1 },
      { kind: 'keyword', value: 'Sea', file_id: 2 },
      { kind: 'person', value: 'Bo', file_id: 3 },
    ]);
    db.prepare('DELETE FROM files WHERE id = 3').run();
    assert.equal((db.prepare(`SELECT count(*) AS n FROM metadata_terms WHERE file_id = 3`).get() as { n: number }).n, 0);
  } finally {
    db.close();
    done();
  }
});
