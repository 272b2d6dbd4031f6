import assert from 'node:assert/strict';
import { test } from 'node:test';
import { facets, listFiles } from '../../../src/api/files.repository.js';
import { dbLexicon } from '../../../src/search/lexicon.repository.js';
import { buildFilter } from '../../../src/search/search.repository.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { captured, plan } from '../../helpers/query-plan.js';

/**
 * 20,000 photos: 1 in 4 placed by GPS (Green River, Utah), 1 in 8 named by the photographer
 * without GPS (Delicate Arch, Moab, Utah, United States as Lightroom's fields hold them; Tromsø,
 * Norway as Photo Mechanic's), the rest nowhere.
 */
function library(): WritableDb {
  const { db } = openDb(':memory:');
  const file = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'nef', 'raw', 'present', 0, 0)`);
  const meta = db.prepare(`INSERT INTO metadata (file_id, captured_ts, place_location, place_city, place_state, place_country, read_at) VALUES (?, ?, ?, ?, ?, ?, 0)`);
  const gps = db.prepare(`INSERT INTO places (file_id, city, region, country, country_code, source, lat, lon) VALUES (?, 'Green River', 'Utah', 'United States', 'US', 'gps', 39, -110)`);
  db.transaction(() => {
    for (let i = 1; i <= 20_000; i++) {
      file.run(i, `/l/DSC_${i}.NEF`);
      const typed = i % 8 === 1 ? ['Delicate Arch', 'Moab', 'Utah', 'United States'] : i % 8 === 5 ? [null, 'Tromsø', null, 'Norway'] : [null, null, null, null];
      meta.run(i, i * 1000, ...typed);
      if (i % 4 === 0) gps.run(i);
    }
  })();
  db.exec('ANALYZE');
  return db;
}

const ids = (db: WritableDb, place: string) => {
  const f = buildFilter(db, { place });
  return db.prepare(f.sql).pluck().all(...f.params) as number[];
};

test('the place filter takes the places the photographer typed as well as the GPS ones, by any of their parts', () => {
  const db = library();
  try {
    assert.equal(ids(db, 'moab').length, 2500);
    assert.ok(ids(db, 'Moab').every((id) => id % 8 === 1));
    assert.equal(ids(db, 'delicate arch').length, 2500, 'the sublocation, when asked for by name');
    assert.equal(ids(db, 'tromsø').length, 2500);
    assert.equal(ids(db, 'norway').length, 2500);
    // Utah: typed (2,500) or GPS's region (5,000), none twice.
    const utah = ids(db, 'utah');
    assert.equal(utah.length, 2500 + 5000);
    assert.equal(new Set(utah).size, utah.length);
    assert.deepEqual(ids(db, 'Denver'), []);
    // The API's `place=` and `search --place` are this filter.
    assert.equal(listFiles(db, { place: 'Moab', limit: 10, offset: 0 }).total, 2500);
  } finally {
    db.close();
  }
});

test("the search parser knows a typed town, state or country as a place; a typed sublocation stays a word", () => {
  const db = library();
  try {
    const lex = dbLexicon(db);
    assert.equal(lex.place('moab'), 'Moab');
    assert.equal(lex.place('tromsø'), 'Tromsø');
    assert.equal(lex.place('norway'), 'Norway');
    assert.equal(lex.place('green river'), 'Green River');
    assert.equal(lex.place('delicate arch'), null, '"Beach" or "Home" typed there must not turn the word into a filter');
    assert.equal(lex.place('denver'), null);
  } finally {
    db.close();
  }
});

test("the page's suggestions list the typed towns beside the GPS ones", () => {
  const db = library();
  try {
    assert.deepEqual(facets(db).places, ['Green River', 'Moab', 'Tromsø']);
  } finally {
    db.close();
  }
});

test('typed places are looked up by their NOCASE indexes (0220): no statement reads every metadata row', () => {
  const db = library();
  try {
    const statements = [...captured(db, () => ids(db, 'moab')), ...captured(db, () => facets(db))];
    // The lexicon's place statement, its named parameter as one.
    const lexicon = captured(db, () => dbLexicon(db)).find((s) => s.includes('place_city'))!;
    statements.push(lexicon.replaceAll('@p', '?'));
    assert.ok(statements.length >= 3);
    for (const s of statements) {
      const p = plan(db, s);
      assert.ok(!p.some((d) => /^SCAN (m|metadata)\b(?! USING COVERING INDEX)/.test(d)), `${s.replace(/\s+/g, ' ').slice(0, 100)}: ${p.join(' | ')}`);
    }
    for (const index of ['metadata_place_location', 'metadata_place_city', 'metadata_place_state', 'metadata_place_country']) {
      const f = buildFilter(db, { place: 'moab' });
      assert.ok(plan(db, f.sql).some((d) => d.includes(index)), `${index} serves the filter`);
    }
  } finally {
    db.close();
  }
});
