import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { dbLexicon } from '../../../src/search/lexicon.repository.js';
import { search } from '../../../src/search/search.js';
import { buildFilter, filesByName, termMatches } from '../../../src/search/search.repository.js';
import { defaultMigrationsDir, openDb } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { captured, plan } from '../../helpers/query-plan.js';
import { dbBefore } from '../../helpers/migrations.js';

/**
 * The file-name and place parts of free-text search are index lookups (0120's trigram index of
 * file names; the NOCASE indexes of places), never a read of every path or every place row.
 */
function library(n: number) {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', ?, 'raw', 0, 0)`);
  const p = db.prepare(`INSERT INTO places (file_id, city, region, country, country_code) VALUES (?, ?, ?, ?, ?)`);
  const cities = [['Arezzo', 'Tuscany', 'Italy', 'IT'], ['Lyon', 'Auvergne-Rhône-Alpes', 'France', 'FR'], [null, 'Bavaria', 'Germany', 'DE']] as const;
  for (let i = 1; i <= n; i++) {
    f.run(i, `/l/${2020 + (i % 5)}/trip ${i % 9}/IMG_${String(i).padStart(4, '0')}.CR3`, 'cr3');
    const c = cities[i % 3]!;
    p.run(i, ...c);
  }
  return db;
}
const noScan = (p: string[]) => p.filter((d) => /^SCAN (f|p|files|places)\b/.test(d) || /^SCAN n VIRTUAL TABLE INDEX \d+:$/.test(d));

test('a file-name word is found by the trigram index, case-insensitively, in the name only', () => {
  const db = library(30);
  const names = (q: string) => filesByName(db, q, buildFilter(db, {}), 10).map((h) => path.basename(h.path)).sort();
  assert.deepEqual(names('img_0012'), ['IMG_0012.CR3']);
  assert.deepEqual(names('_001'), Array.from({ length: 10 }, (_, i) => `IMG_001${i}.CR3`));
  assert.deepEqual(names('trip'), [], 'a folder word is not a file name');
  assert.deepEqual(names('0030.cr3'), ['IMG_0030.CR3']);
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (100, '/l/say "hi" 100% a_b.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
  assert.deepEqual(names('"hi"'), ['say "hi" 100% a_b.jpg'], 'a quote is a plain character, not FTS syntax');
  assert.deepEqual(names('100%'), ['say "hi" 100% a_b.jpg']);
  assert.deepEqual(names('a_'), ['say "hi" 100% a_b.jpg'], 'two characters: a wildcard is a plain character');
  assert.deepEqual(names('or'), [], 'AND/OR/NEAR are words, not operators');
  // A gone file is not found; its filter (folder) applies.
  db.prepare(`UPDATE files SET state = 'gone' WHERE id = 12`).run();
  assert.deepEqual(names('img_0012'), []);
  assert.deepEqual(filesByName(db, 'img_00', buildFilter(db, { folder: '/l/2021' }), 100).map((h) => h.id).sort((a, b) => a - b), [1, 6, 11, 16, 21, 26]);
});

test('search: a camera file name and a place word find their photos', async () => {
  const db = library(30);
  const r = await search(db, 'IMG_0007', { raw: true });
  assert.equal(r.mode, 'name');
  assert.equal(r.results[0]?.path, '/l/2022/trip 7/IMG_0007.CR3');
  const t = await search(db, 'tuscany', { raw: true });
  assert.equal(t.mode, 'text');
  assert.equal(t.results.length, 10);
  assert.ok(t.results.every((x) => x.why.includes('place Arezzo')), t.results.map((x) => x.why).join('; '));
  const hits = (forms: string[]) => termMatches(db, forms, buildFilter(db, {})).filter((h) => h.source === 'place');
  assert.equal(hits(['arezzo']).length, 10);
  assert.equal(hits(['de']).length, 10, 'a country code');
  assert.equal(hits(['bavaria']).length, 10);
  assert.ok(hits(['bavaria']).every((h) => h.value === 'Bavaria'), 'no city: the region names it');
  assert.equal(hits(['italy', 'tuscany']).length, 10, 'a file matched by two forms counts once');
  assert.equal(termMatches(db, ['arezzo'], buildFilter(db, { folder: '/l/2021' })).filter((h) => h.source === 'place').length, 2);
});

test('the name and place matchers are index lookups: no statement scans files or places', () => {
  const db = library(3000);
  db.exec('ANALYZE');
  for (const filter of [buildFilter(db, {}), buildFilter(db, { folder: '/l/2021' })]) {
    const sqls = captured(db, () => termMatches(db, ['arezzo', 'img_0012'], filter));
    const mine = [...new Set(sqls.filter((s) => /file_names|JOIN places/.test(s)))];
    assert.equal(mine.length, 2, `the place and the name statements:\n${mine.join('\n')}`);
    for (const sql of mine) {
      const p = plan(db, sql);
      assert.deepEqual(noScan(p), [], `a scan in\n${sql}\n${p.join('\n')}`);
    }
    const [places, names] = [mine.find((s) => /places/.test(s))!, mine.find((s) => /file_names/.test(s))!];
    const pp = plan(db, places).join('\n');
    for (const ix of ['places_city', 'places_region', 'places_country', 'places_country_code']) assert.match(pp, new RegExp(`SEARCH p USING INDEX ${ix} \\(`), pp);
    const np = plan(db, names).join('\n');
    assert.match(np, /SCAN n VIRTUAL TABLE INDEX \d+:M/, np);
    assert.match(np, /SEARCH f USING INTEGER PRIMARY KEY \(rowid=\?\)/, np);
  }
});

test('0120 from 0110 with real rows: the names of existing files are filled in, then kept by the triggers', () => {
  const { db, done } = dbBefore(120);
  try {
    const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'cr3', 'raw', ?, 0, 0)`);
    f.run(1, '/l/Trip/DSC_0042.ARW', 'present');
    f.run(2, '/l/trip/IMG_1234.CR3', 'gone');
    f.run(3, '/l/no-dir-name-at-all.jpg', 'present');
    migrate(db, defaultMigrationsDir());
    const rows = () => db.prepare(`SELECT rowid AS id, name FROM file_names ORDER BY rowid`).all();
    assert.deepEqual(rows(), [
      { id: 1, name: 'DSC_0042.ARW' },
      { id: 2, name: 'IMG_1234.CR3' },
      { id: 3, name: 'no-dir-name-at-all.jpg' },
    ]);
    f.run(4, '/l/new/beach.jpg', 'present');
    db.prepare(`UPDATE files SET path = '/l/Trip/DSC_0043.ARW' WHERE id = 1`).run();
    db.prepare(`UPDATE files SET size = 5, state = 'present' WHERE id = 2`).run();
    db.prepare(`DELETE FROM files WHERE id = 3`).run();
    assert.deepEqual(rows(), [
      { id: 1, name: 'DSC_0043.ARW' },
      { id: 2, name: 'IMG_1234.CR3' },
      { id: 4, name: 'beach.jpg' },
    ]);
    assert.deepEqual(db.prepare(`SELECT rowid FROM file_names WHERE file_names MATCH '"dsc_004"'`).pluck().all(), [1]);
    // A writer's UPSERT of a files row (conflict policy inherited by the triggers) never fails.
    db.prepare(`INSERT INTO files (path, root, ext, kind, first_seen_at, last_seen_at) VALUES ('/l/new/beach.jpg', '/l', 'jpg', 'image', 0, 0)
                ON CONFLICT (path) DO UPDATE SET path = '/l/new/beach2.jpg'`).run();
    db.prepare(`INSERT INTO files (path, root, ext, kind, first_seen_at, last_seen_at) VALUES ('/l/up.jpg', '/l', 'jpg', 'image', 0, 0)
                ON CONFLICT (path) DO NOTHING`).run();
    db.prepare(`INSERT OR REPLACE INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (2, '/l/trip/IMG_9.CR3', '/l', 'cr3', 'raw', 0, 0)`).run();
    assert.deepEqual(db.prepare(`SELECT name FROM file_names ORDER BY name`).pluck().all(), ['DSC_0043.ARW', 'IMG_9.CR3', 'beach2.jpg', 'up.jpg']);
  } finally {
    db.close();
    done();
  }
});

test('the person-name test runs on the names, before any photo of a person is read', () => {
  const db = library(300);
  const pe = db.prepare(`INSERT INTO persons (id, name, created_at, updated_at) VALUES (?, ?, 0, 0)`);
  const fa = db.prepare(`INSERT INTO faces (id, file_id, preview_hash, idx, created_at) VALUES (?, ?, 'h', 0, 0)`);
  const fp = db.prepare(`INSERT INTO face_person (face_id, person_id, source, assigned_at) VALUES (?, ?, 'auto', 0)`);
  for (let p = 1; p <= 20; p++) pe.run(p, p === 3 ? 'Anna Maria Rossi' : `Person ${p}`);
  for (let i = 1; i <= 300; i++) {
    fa.run(i, i);
    fp.run(i, 1 + (i % 20));
  }
  db.exec('ANALYZE');
  const people = (forms: string[]) => termMatches(db, forms, buildFilter(db, {})).filter((h) => h.source === 'person');
  assert.equal(people(['anna']).length, 15);
  assert.equal(people(['rossi']).length, 15);
  assert.equal(people(['maria']).length, 0, 'a first or last name, as before');
  assert.equal(people(['anna maria rossi']).length, 15);
  const sql = [...new Set(captured(db, () => people(['anna'])).filter((s) => /JOIN person_files pf/.test(s)))];
  assert.equal(sql.length, 1);
  const p = plan(db, sql[0]!);
  // As an EXISTS subquery the name test ran after pf and f, once per photo of every named person.
  assert.deepEqual(p.slice(0, 3).map((d) => d.split(' ').slice(0, 2).join(' ')), ['SCAN w', 'SCAN pe', 'SEARCH pf'], p.join('\n'));
  assert.ok(!p.some((d) => /EXISTS VIRTUAL TABLE/.test(d)), p.join('\n'));
});

test('the folder matcher: folder names by their trigram index, then each folder\'s photos by the path index', () => {
  const db = library(3000);
  db.exec('ANALYZE');
  const filter = buildFilter(db, {});
  const folders = termMatches(db, ['trip'], filter).filter((h) => h.source === 'folder');
  assert.equal(new Set(folders.map((h) => h.fileId)).size, 3000, 'every photo is in a "trip N" folder');
  assert.ok(folders.every((h) => /^\d{4}\/trip \d$/.test(h.value)), folders[0]?.value);
  const sqls = [...new Set(captured(db, () => termMatches(db, ['trip'], filter)).filter((s) => /folder_names|FROM files x/.test(s)))];
  assert.equal(sqls.length, 2, sqls.join('\n'));
  const names = plan(db, sqls.find((s) => /folder_names/.test(s))!).join('\n');
  assert.match(names, /SCAN n VIRTUAL TABLE INDEX \d+:M/, names);
  assert.match(names, /SEARCH d USING INTEGER PRIMARY KEY \(rowid=\?\)/, names);
  const photos = plan(db, sqls.find((s) => /FROM files x/.test(s))!).join('\n');
  assert.match(photos, /SEARCH x USING (COVERING )?INDEX sqlite_autoindex_files_1 \(path>\? AND path<\?\)/, photos);
});

test("a town by another name: the library's town of that name and country by the places_city index", () => {
  const db = library(3000);
  db.exec('ANALYZE');
  const townNames = { lookup: (p: string) => (p.toLowerCase() === 'firenze' ? [{ name: 'Florence', countryCode: 'IT' }, { name: 'Arezzo', countryCode: 'IT' }] : []) };
  let lex!: ReturnType<typeof dbLexicon>;
  const sql = [...new Set(captured(db, () => (lex = dbLexicon(db, { townNames }))).filter((s) => /country_code = \?/.test(s)))];
  assert.equal(lex.townByOtherName!('Firenze'), 'Arezzo', 'the first candidate the library has photos in');
  assert.equal(lex.townByOtherName!('Lione'), null);
  assert.equal(sql.length, 1, sql.join('\n'));
  const p = plan(db, sql[0]!);
  assert.match(p.join('\n'), /SEARCH places USING INDEX places_city \(city=\?\)/, p.join('\n'));
  assert.deepEqual(noScan(p), [], p.join('\n'));
});
