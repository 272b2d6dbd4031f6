import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { listFiles } from '../../../src/api/files.repository.js';
import { toFilter, type FilterQuery } from '../../../src/api/routes/files.route.js';
import { buildFilter, filteredFiles } from '../../../src/search/search.repository.js';
import { defaultMigrationsDir, openDb, openReadonlyDb } from '../../../src/store/db.js';
import { listMigrations } from '../../../src/store/migrate.js';
import { isDaemonError } from '../../../src/errors/index.js';

function seeded() {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  const m = db.prepare(`INSERT INTO metadata (file_id, captured_ts, keywords, read_at) VALUES (?, ?, ?, 0)`);
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
  f.run(1, '/l/dog.jpg');
  m.run(1, day('2020-01-01') + 3_600_000, '["dog"]');
  f.run(2, '/l/hotdog.jpg');
  m.run(2, day('2020-01-02'), '["hotdog"]'); // exactly midnight of the next day
  f.run(3, '/l/tagged.jpg');
  m.run(3, day('2019-12-31') + 1, '[]');
  db.prepare(`INSERT INTO tags (file_id, label, score, source) VALUES (3, 'Dog', 0.9, 'clip'), (2, 'hot dog stand', 0.9, 'clip')`).run();
  return db;
}

test('the API and search give each filter one meaning: a whole tag, an exclusive upper date bound', () => {
  const db = seeded();
  const api = (q: Partial<FilterQuery>) => listFiles(db, toFilter({ offset: 0, limit: 50, ...q })).items.map((i) => i.id).sort();
  const search = (f: Parameters<typeof buildFilter>[1]) => filteredFiles(db, buildFilter(db, f), 50).map((h) => h.id).sort();
  assert.deepEqual(api({ tag: 'dog' }), [1, 3], 'the tag "Dog" and the keyword "dog"; never "hotdog" or "hot dog stand"');
  assert.deepEqual(search({ tag: 'dog' }), api({ tag: 'dog' }));
  // to=2020-01-01 means through that day: the bound is the next midnight, exclusive.
  assert.deepEqual(api({ from: '2020-01-01', to: '2020-01-01' }), [1]);
  const from = Date.parse('2020-01-01T00:00:00Z');
  assert.deepEqual(search({ from, to: from + 86_400_000 }), [1], 'search: the same exclusive bound');
});

test('a read-only connection refuses a schema older than the code instead of guarding tables at run time', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-old-'));
  try {
    const old = path.join(dir, 'migrations');
    mkdirSync(old);
    for (const m of listMigrations(defaultMigrationsDir()).slice(0, -1)) copyFileSync(path.join(defaultMigrationsDir(), m.name), path.join(old, m.name));
    const file = path.join(dir, 'rawlight.db');
    openDb(file, { migrationsDir: old }).db.close();
    assert.throws(() => openReadonlyDb(file), (e: unknown) => isDaemonError(e) && e.code === 'DB_OUT_OF_DATE' && /start the daemon/.test(e.message));
    openDb(file).db.close(); // the daemon upgrades it
    openReadonlyDb(file).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the person filter means one thing through both doors: the whole name, any case (faces or the file\'s own names)', () => {
  const db = seeded();
  db.prepare(`UPDATE metadata SET people = '["Ann Lee"]' WHERE file_id = 2`).run();
  db.prepare(`INSERT INTO faces (id, file_id, preview_hash, idx, created_at) VALUES (10, 1, 'h', 0, 0), (11, 3, 'h', 0, 0)`).run();
  db.prepare(`INSERT INTO persons (id, name, created_at, updated_at) VALUES (1, 'Ann', 0, 0), (2, 'Annabel', 0, 0)`).run();
  db.prepare(`INSERT INTO face_person (face_id, person_id, source, assigned_at) VALUES (10, 1, 'user', 0), (11, 2, 'user', 0)`).run();
  const api = (person: string) => listFiles(db, toFilter({ offset: 0, limit: 50, person })).items.map((i) => i.id).sort();
  const search = (person: string) => filteredFiles(db, buildFilter(db, { person }), 50).map((h) => h.id).sort();
  for (const [name, want] of [
    ['ann', [1]],
    ['ANN LEE', [2]],
    ['Lee', []],
    ['annabel', [3]],
  ] as const) {
    assert.deepEqual(api(name), want, `API person=${name}`);
    assert.deepEqual(search(name), want, `search person=${name}`);
  }
});

test("the page's word filter (q=) reads the caption and the named place as search does", () => {
  const db = seeded();
  db.prepare(`UPDATE metadata SET caption = 'Our camp near the Colorado river', place_city = 'Moab', place_state = 'Utah' WHERE file_id = 3`).run();
  const api = (q: string) => listFiles(db, toFilter({ offset: 0, limit: 50, q })).items.map((i) => i.id).sort();
  assert.deepEqual(api('colorado'), [3]);
  assert.deepEqual(api('moab'), [3]);
  assert.deepEqual(api('utah camp'), [3]);
  assert.deepEqual(api('denver'), []);
});
