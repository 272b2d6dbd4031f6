import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lensesNamed } from '../../../src/search/lens-name.js';
import { search } from '../../../src/search/search.js';
import { anyFile, buildFilter, eachFilter, filteredFiles, type SearchFilters } from '../../../src/search/search.repository.js';
import { openDb } from '../../../src/store/db.js';
import { captured, plan } from '../../helpers/query-plan.js';

const LENSES = [
  'EF85mm f/1.2L USM',
  'EF-S15-85mm f/3.5-5.6 IS USM',
  'AF-S Nikkor 185mm f/4',
  'EF70-200mm f/2.8L IS III USM',
  'RF24-70mm F2.8 L IS USM',
  'XF16-55mmF2.8 R LM WR',
  'Tamron AF 28-105mm F4-5.6 [IF]',
  'EF24-105mm f/4L IS USM',
  'iPhone 7 back camera 3.99mm f/1.8',
];

test('a lens word names whole numbers of a lens name, spaces and the slash aside', () => {
  const named = (w: string) => lensesNamed(w, LENSES);
  assert.deepEqual(named('f/8'), [], '"f/8" is not the 8 of EF85mm');
  assert.deepEqual(named('f/2'), [], '"f/2" is not the start of f/2.8');
  assert.deepEqual(named('85mm'), ['EF85mm f/1.2L USM', 'EF-S15-85mm f/3.5-5.6 IS USM'], 'never the end of 185mm');
  assert.deepEqual(named('f2.8'), ['EF70-200mm f/2.8L IS III USM', 'RF24-70mm F2.8 L IS USM', 'XF16-55mmF2.8 R LM WR']);
  assert.deepEqual(named('F/2.8'), named('f2.8'));
  assert.deepEqual(named('f/4'), ['AF-S Nikkor 185mm f/4', 'Tamron AF 28-105mm F4-5.6 [IF]', 'EF24-105mm f/4L IS USM']);
  assert.deepEqual(named('24-105 mm'), ['EF24-105mm f/4L IS USM']);
  assert.deepEqual(named('0mm'), [], 'a number is whole: not the 0 of 200mm');
  assert.deepEqual(named('tamron'), ['Tamron AF 28-105mm F4-5.6 [IF]']);
  assert.deepEqual(named(''), []);
});

/** A library of `n` photos; every 1000th at ISO 25600 with an 85mm lens at 85 mm (84.6 as some cameras write it). */
function library(n: number) {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'cr3', 'raw', 'present', 0, 0)`);
  const m = db.prepare(`INSERT INTO metadata (file_id, captured_ts, lens, iso, focal_length, f_number, rating, label, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`);
  db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      f.run(i, `/l/IMG_${i}.CR3`);
      const rare = i % 1000 === 0;
      m.run(
        i, Date.UTC(2015, 0, 1) + i * 60_000, rare ? 'EF85mm f/1.2L USM' : 'EF24-105mm f/4L IS USM', rare ? 25600 : [100, 400, 1600][i % 3]!, rare ? 84.6 : 24 + (i % 50),
        rare ? 1.2 : [4, 5.6, 8, 2.83][i % 4]!, rare ? 5 : [0, 1, 2, 3, null][i % 5], rare ? 'Red' : i % 2 ? 'Green' : null,
      );
    }
  })();
  db.exec('ANALYZE');
  return db;
}

test('ISO, focal length and aperture ranges take in the values cameras store for them', async () => {
  const db = library(3000);
  const ids = async (q: string) => (await search(db, q, { limit: 2000 })).results.map((r) => r.path);
  assert.equal((await ids('iso 25600')).length, 3);
  assert.equal((await ids('iso 1600')).length, 1000 - 1);
  assert.equal((await ids('iso 20000+')).length, 3);
  assert.deepEqual(await ids('mm:85'), await ids('iso 25600'), '84.6 is 85 mm');
  assert.equal((await ids('f/2.8')).length, 750, 'f/2.8 stored as 2.83');
  assert.equal((await ids('f/1.2 iso 25600')).length, 3);
  assert.equal((await ids('5 stars')).length, 3);
  assert.equal((await ids('★★★+')).length, 3 + 600, 'the rare 5-star ones and every 3-star photo');
  assert.equal((await ids('red label')).length, 3);
  const none = await search(db, 'iso 3200');
  assert.equal(none.empty, 'no photo in the library matches ISO 3200');
  db.close();
});

test('exposure and lens filters are index lookups: no statement scans metadata or files for them', () => {
  const db = library(20_000);
  for (const f of [
    { iso: { min: 25600, max: 25600 } },
    { focal: { min: 85, max: 85 } },
    { aperture: { min: 1.2, max: 1.2 } },
    { lens: { label: '85mm', names: ['EF85mm f/1.2L USM'] } },
    { rating: { min: 5, max: 5 } },
    { colourLabel: 'red' },
  ]) {
    const filter = buildFilter(db, f);
    const sqls = captured(db, () => {
      assert.equal(filteredFiles(db, filter, 50).length, 20, JSON.stringify(f));
      assert.equal(anyFile(db, filter), true);
    });
    for (const sql of sqls) {
      const p = plan(db, sql);
      // metadata_labels holds only darktable's rows of several labels: walking it reads those alone.
      const scans = p.filter((d) => /^SCAN (m|f|metadata|files)\b/.test(d) && !/USING COVERING INDEX metadata_labels$/.test(d));
      assert.deepEqual(scans, [], `${JSON.stringify(f)}: a scan in\n${sql}\n${p.join('\n')}`);
      assert.ok(p.some((d) => /metadata_(iso|focal|aperture|lens|rating|label)\b/.test(d)), `${JSON.stringify(f)}: its index\n${p.join('\n')}`);
    }
  }
  db.close();
});

test('"no matches" tries every filter alone: eachFilter splits a filter into what buildFilter applies', () => {
  const { db } = openDb(':memory:');
  // Required: a filter added to SearchFilters does not compile here until it is set.
  const every: Required<SearchFilters> = {
    from: Date.UTC(2015, 0, 1), to: Date.UTC(2016, 0, 1), camera: 'Canon', person: 'Ada', alsoPeople: ['Grace', 'ada'], tag: 'dog', place: 'Italy',
    folder: '/l/trips', lens: { label: '85mm', names: ['EF85mm f/1.2L USM'] }, cameras: [{ make: 'Canon', model: 'Canon EOS 6D' }],
    iso: { min: 100, max: 100 }, focal: { min: 85, max: 85 }, aperture: { min: 1.2, max: 1.2 }, rating: { min: 4, max: 5 }, colourLabel: 'Red',
  };
  const alone = eachFilter(every);
  assert.deepEqual(alone.flatMap((one) => buildFilter(db, one).why), buildFilter(db, every).why);
  assert.ok(alone.every((one) => buildFilter(db, one).why.length === 1), 'each part is one filter');
  assert.deepEqual(eachFilter({}), []);
  db.close();
});
