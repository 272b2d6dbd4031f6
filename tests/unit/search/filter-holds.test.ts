import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildFilter, termMatches, type SearchFilters } from '../../../src/search/search.repository.js';
import { openDb, type ReadableDb } from '../../../src/store/db.js';
import { captured, plan } from '../../helpers/query-plan.js';

const DAY = 86_400_000;

/** 3,000 photos in two folders, some gone, with dates, cameras, lenses, ISO, ratings, labels, tags, places and captions. */
function library(): ReadableDb {
  const { db } = openDb(':memory:');
  const file = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'cr3', 'raw', ?, 0, 0)`);
  const meta = db.prepare(
    `INSERT INTO metadata (file_id, captured_ts, make, model, lens, iso, rating, label, caption, place_city, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
  );
  const tag = db.prepare(`INSERT INTO tags (file_id, label, score, source) VALUES (?, ?, 0.5, 'classifier')`);
  const place = db.prepare(`INSERT INTO places (file_id, city, region, country, country_code, source, lat, lon) VALUES (?, ?, 'Utah', 'United States', 'US', 'gps', 0, 0)`);
  db.transaction(() => {
    for (let i = 1; i <= 3000; i++) {
      file.run(i, `/l/${i % 3 === 0 ? 'Moab trip' : 'Home'}/IMG_${i}.CR3`, i % 11 === 0 ? 'gone' : i % 13 === 0 ? 'offline' : 'present');
      meta.run(
        i, Date.UTC(2019, 0, 1) + (i % 400) * DAY, i % 2 ? 'Canon' : 'SONY', i % 2 ? 'Canon EOS R5' : 'ILCE-7M3', i % 4 ? 'RF24-70mm F2.8 L IS USM' : 'FE 85mm F1.8',
        [100, 400, 1600, 6400][i % 4], i % 6, i % 5 === 0 ? 'Red' : null, i % 2 ? 'Our dog on the beach' : 'Arches at dusk', i % 7 === 0 ? 'Moab' : null,
      );
      if (i % 3 !== 1) tag.run(i, i % 2 ? 'dog' : 'rock');
      if (i % 5 !== 2) place.run(i, i % 2 ? 'Moab' : 'Green River');
    }
  })();
  db.exec('ANALYZE');
  return db;
}

const FILTERS: Record<string, SearchFilters> = {
  none: {},
  date: { from: Date.UTC(2019, 2, 1), to: Date.UTC(2019, 8, 1) },
  'date + folder': { from: Date.UTC(2019, 2, 1), to: Date.UTC(2019, 8, 1), folder: '/l/Moab trip' },
  'folder + iso + camera': { folder: '/l/Moab trip', iso: { min: 1600, max: 6400 }, cameras: [{ make: 'Canon', model: 'Canon EOS R5' }] },
  'every kind': {
    from: Date.UTC(2019, 0, 1), to: Date.UTC(2020, 0, 1), camera: 'canon', lens: { label: '24-70', names: ['RF24-70mm F2.8 L IS USM'] },
    rating: { min: 1, max: 5 }, colourLabel: 'red', tag: 'dog', place: 'moab', folder: '/l/Moab trip',
  },
};

test('a filter checked per hit (holds) passes exactly the files its list (sql) holds, params in the same order', () => {
  const db = library();
  try {
    for (const [name, filters] of Object.entries(FILTERS)) {
      const f = buildFilter(db, filters);
      const listed = db.prepare(f.sql).pluck().all(...f.params) as number[];
      const held = db.prepare(`SELECT x.id FROM files x WHERE ${f.holds('x.id')} ORDER BY x.id`).pluck().all(...f.params) as number[];
      assert.deepEqual(held, [...listed].sort((a, b) => a - b), name);
      assert.ok(listed.length > 0 && (name === 'none' || listed.length < 2800), `${name}: ${listed.length} files pass, a test that can tell`);
    }
  } finally {
    db.close();
  }
});

test('the id clauses come before the files row: a hit failing a date or camera costs one lookup, not two', () => {
  const db = library();
  try {
    const f = buildFilter(db, FILTERS['date + folder']!);
    const sql = f.holds('metadata_text.rowid');
    assert.ok(sql.indexOf('captured_ts') >= 0 && sql.indexOf('captured_ts') < sql.indexOf('FROM files f'), sql);
    // The folder reads the files row: it stays in there, with its params last.
    assert.ok(sql.indexOf('f.path >= ?') > sql.indexOf('FROM files f'), sql);
  } finally {
    db.close();
  }
});

test('with every filter on, each word lookup is driven by its own index: never by a filter list (an FTS MATCH once per listed id)', () => {
  const db = library();
  try {
    const f = buildFilter(db, FILTERS['every kind']!);
    const statements = captured(db, () => termMatches(db, ['dog', 'dogs'], f, 50));
    assert.ok(statements.some((s) => s.includes('metadata_text MATCH')) && statements.some((s) => s.includes('file_names MATCH')), 'the own words and file names are looked up');
    for (const s of statements) {
      const p = plan(db, s);
      // "INDEX 0:=M…": the FTS table searched by rowid, its MATCH run again for every id the IN list holds.
      assert.ok(!p.some((d) => /VIRTUAL TABLE INDEX \d+:=/.test(d)), `${s.slice(0, 80)}: ${p.join(' | ')}`);
      assert.ok(!p.some((d) => /^SCAN (f|files|x)\b/.test(d)), `no scan of files: ${p.join(' | ')}`);
    }
    // And it finds what the filter lets through: the dog photos in the folder, of each kind asked.
    const hits = termMatches(db, ['dog', 'dogs'], f, 5000);
    const expected = db.prepare(f.sql).pluck().all(...f.params) as number[];
    assert.ok(hits.length > 0 && hits.every((h) => expected.includes(h.fileId)), JSON.stringify(hits.find((h) => !expected.includes(h.fileId))));
  } finally {
    db.close();
  }
});

test('selecting the photos of a date range reads the capture-time index, not every file', () => {
  const db = library();
  try {
    const f = buildFilter(db, FILTERS.date!);
    const p = plan(db, f.sql);
    assert.ok(p.some((d) => /metadata_captured/.test(d)), p.join(' | '));
    assert.ok(!p.some((d) => /^SCAN (f|files)\b/.test(d)), p.join(' | '));
  } finally {
    db.close();
  }
});
