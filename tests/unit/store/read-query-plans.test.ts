import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDb, type ReadableDb } from '../../../src/store/db.js';
import { captured, plan } from '../../helpers/query-plan.js';
import { facets, listFiles } from '../../../src/api/files.repository.js';
import { listPersonTiles } from '../../../src/people/index.js';
import { buildFilter, filteredFiles } from '../../../src/search/search.repository.js';

/**
 * The read model's hot queries (the people listing, the tag/person/place filters of search and of
 * /api/files) checked against EXPLAIN QUERY PLAN: neither a full scan of a big table nor a walk of
 * every present file through files_state. Each statement is captured as the code prepares it.
 */
const BIG = /^SCAN (files|f|metadata|m|tags|t|faces|fa|face_person|fp|places|p|metadata_terms|person_files|pf)\b(?!.*USING (INTEGER )?PRIMARY KEY)/;
/**
 * Every present file walked through the state index, whatever the filter selects. The deleted
 * files' ids (`gone`, idInLibrary) are read the same way, and are few: not this.
 */
const ALL_PRESENT = /^(?!SEARCH gone\b).*USING (COVERING )?INDEX files_state \(state=\?\)$/;

function seeded() {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  const m = db.prepare(`INSERT INTO metadata (file_id, captured_ts, keywords, people, read_at) VALUES (?, ?, ?, ?, 0)`);
  const t = db.prepare(`INSERT INTO tags (file_id, label, score, source) VALUES (?, ?, 0.5, 'clip')`);
  const pl = db.prepare(`INSERT INTO places (file_id, city, country, country_code, source, lat, lon) VALUES (?, ?, 'France', 'FR', 'gps', 0, 0)`);
  const fa = db.prepare(`INSERT INTO faces (id, file_id, preview_hash, idx, created_at) VALUES (?, ?, 'h', 0, 0)`);
  const fp = db.prepare(`INSERT INTO face_person (face_id, person_id, source, assigned_at) VALUES (?, ?, 'auto', 0)`);
  const pe = db.prepare(`INSERT INTO persons (id, name, created_at, updated_at) VALUES (?, ?, 0, 0)`);
  for (let p = 1; p <= 50; p++) pe.run(p, p % 2 ? `Person ${p}` : null);
  for (let i = 1; i <= 3000; i++) {
    f.run(i, `/l/${i}.jpg`);
    m.run(i, i * 1000, JSON.stringify([`kw${i % 40}`, 'holiday']), JSON.stringify([`Name ${i % 30}`]));
    t.run(i, `label${i % 60}`);
    pl.run(i, `City ${i % 25}`);
    fa.run(i, i);
    fp.run(i, 1 + (i % 50));
  }
  db.exec('ANALYZE');
  return db;
}

function assertIndexed(db: ReadableDb, sqls: string[], what: string): void {
  assert.ok(sqls.length > 0, `${what}: statements captured`);
  for (const sql of sqls) {
    const p = plan(db, sql);
    const bad = p.filter((d) => BIG.test(d) || ALL_PRESENT.test(d));
    assert.deepEqual(bad, [], `${what}: full scan in\n${sql}\n${p.join('\n')}`);
  }
}

test('the people listing reads kept counts: no statement groups every face', () => {
  const db = seeded();
  const sqls = captured(db, () => listPersonTiles(db, { includeIgnored: false, limit: 20, offset: 0, sample: 4 }));
  assertIndexed(db, sqls, 'people listing');
  const all = sqls.map((s) => plan(db, s).join(' ')).join('\n');
  assert.doesNotMatch(all, /SCAN (fp|face_person)/);
  assert.match(all, /person_counts|SEARCH c/, 'counts come from person_counts');
});

test('tag, person and place filters look their value up, in search and in /api/files alike', () => {
  const db = seeded();
  for (const filter of [{ tag: 'holiday' }, { tag: 'label7' }, { person: 'Person 3' }, { person: 'Name 4' }, { place: 'City 3' }, { place: 'fr' }] as const) {
    const sqls = captured(db, () => {
      filteredFiles(db, buildFilter(db, filter), 50);
      listFiles(db, { offset: 0, limit: 50, ...filter });
    });
    assertIndexed(db, sqls, JSON.stringify(filter));
  }
});

test('the filter suggestions read the camera and label indexes in order: no sort of every tag or photo', () => {
  const db = seeded();
  db.prepare(`UPDATE metadata SET make = 'Canon', model = 'Canon EOS ' || (file_id % 7) || 'D'`).run();
  db.exec('ANALYZE');
  let got: ReturnType<typeof facets> | undefined;
  const sqls = captured(db, () => (got = facets(db)));
  const plans = new Map(sqls.map((s) => [s, plan(db, s).join(' | ')]));
  const of = (table: string) => [...plans].find(([s]) => new RegExp(`FROM ${table}\\b`).test(s))?.[1] ?? '';
  assert.match(of('metadata'), /SCAN metadata USING COVERING INDEX metadata_camera/);
  assert.doesNotMatch(of('metadata'), /TEMP B-TREE/);
  assert.match(of('tags'), /SCAN tags USING COVERING INDEX tags_label/);
  assert.doesNotMatch(of('tags'), /TEMP B-TREE FOR GROUP BY/, 'grouped in the index order, not after sorting every tag');
  assert.deepEqual(got!.cameras, ['Canon EOS 0D', 'Canon EOS 1D', 'Canon EOS 2D', 'Canon EOS 3D', 'Canon EOS 4D', 'Canon EOS 5D', 'Canon EOS 6D'], 'each camera once, named once');
  assert.equal(got!.tags.length, 60);
});
