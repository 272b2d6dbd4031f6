/**
 * The photo browser on a synthetic 100K-photo library: the timeline's day counts (one call per
 * page load), a screenful of photos fetched by day + position anywhere in the timeline, the map's
 * points, a structured search ("Canon 6D 2013") and the search view's filter suggestions.
 * Run: node --import tsx bench/browse.bench.ts
 * Baseline (same run): the same screenful fetched with a plain LIMIT/OFFSET, what a naive
 * timeline does; the ratio shows what seeking by day saves deep in the timeline.
 * Goals: a screenful p95 < 50 ms anywhere; day counts < 500 ms; search < 200 ms; suggestions < 200 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { facets, listFiles } from '../src/api/files.repository.js';
import { mapPoints } from '../src/api/map.repository.js';
import { timelineDays, timelineFromDay, timelinePage } from '../src/api/timeline.repository.js';
import { ensureTownNames } from '../src/places/town-names-build.js';
import { openTownNames } from '../src/places/town-names.js';
import { dbLexicon } from '../src/search/lexicon.repository.js';
import { search } from '../src/search/search.js';
import { buildFilter, type SearchFilters } from '../src/search/search.repository.js';
import { openDb } from '../src/store/db.js';

const N = 100_000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-browse-bench-'));
const { db } = openDb(path.join(dir, 'rawlight.db'));
const cams = [['Canon', 'Canon EOS 6D'], ['Canon', 'Canon EOS 5D Mark II'], ['Canon', 'Canon EOS 5D Mark III'], ['NIKON CORPORATION', 'NIKON D810'], ['SONY', 'ILCE-7M3']] as const;
const insF = db.prepare(`INSERT INTO files (id, path, root, ext, kind, size, state, first_seen_at, last_seen_at) VALUES (?, ?, '/lib', 'cr2', 'raw', 1, 'present', 0, 0)`);
const insM = db.prepare(
  `INSERT INTO metadata (file_id, captured_at, captured_ts, make, model, gps_lat, gps_lon, lens, iso, focal_length, f_number, rating, label, title, caption, place_city, place_country, read_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
);
// Lenses, ISO speeds, focal lengths, apertures and ratings as a working photographer's: ISO 25600 rare.
const lenses = ['EF24-105mm f/4L IS USM', 'EF70-200mm f/2.8L IS III USM', 'EF35mm f/1.4L USM', 'EF100mm f/2.8L Macro IS USM', 'FE 24-70mm F2.8 GM'] as const;
const isos = [100, 200, 400, 800, 1600, 3200, 6400, 12800] as const;
const focals = [24, 35, 50, 70, 105, 135, 200] as const;
const apertures = [1.4, 2.8, 4, 5.6, 8, 11] as const;
// The photographer's own words (metadata_text, 0210): a caption on one photo in 4, a title on one
// in 10, a typed place on one in 8 (a library captioned by hand, shot mostly without GPS).
const captions = ['Grandma at the lake house', 'Sunset over the harbour', 'Our dog on the beach at low tide', 'First dance, the band playing', 'Market morning in the old town', 'Fog on the ridge before sunrise', 'The kids building a sandcastle'] as const;
const typedTowns = [['Moab', 'United States'], ['Tromsø', 'Norway'], ['Zürich', 'Switzerland'], ['Hallstatt', 'Austria']] as const;
const events = ['Iceland', 'Hochzeit Müller', 'Family', 'Street Berlin', 'Concert', 'Hiking Alps', 'Birthday', 'Portfolio', 'Jazz Festival', 'Studio'] as const;
// Three tags a photo out of 300 labels and a town for each photo with GPS: what the filter
// suggestions (/api/facets) count on every search view.
const insT = db.prepare(`INSERT INTO tags (file_id, label, score, source) VALUES (?, ?, 0.5, 'classifier')`);
const insP = db.prepare(`INSERT INTO places (file_id, city, region, country, country_code, source, lat, lon) VALUES (?, ?, ?, ?, ?, 'gps', 0, 0)`);
db.transaction(() => {
  const start = Date.UTC(2012, 0, 1);
  for (let i = 1; i <= N; i++) {
    const ts = i % 997 === 0 ? null : start + Math.floor(i * 3153.6) * 1000;
    const [make, model] = cams[i % cams.length]!;
    // Folders as photographers name them: a year, then a month and what happened (100 of 1,000 photos).
    const k = Math.floor(i / 1000);
    insF.run(i, `/lib/${2012 + Math.floor(k / 10)}/${String((k % 12) + 1).padStart(2, '0')} ${events[k % events.length]}/IMG_${i}.CR2`);
    insM.run(
      i, ts === null ? null : new Date(ts).toISOString().slice(0, 19), ts, make, model, i % 3 === 0 ? 40 + (i % 100) / 10 : null, i % 3 === 0 ? 10 + (i % 70) / 10 : null,
      lenses[i % lenses.length], i % 1000 === 0 ? 25600 : isos[i % isos.length], focals[i % focals.length], apertures[i % apertures.length],
      // Most photos unrated (0), a few picks at 4 and 5 stars, a red label on one in 50.
      i % 50 === 0 ? 5 : i % 10 === 0 ? 4 : i % 3 === 0 ? 1 : 0, i % 50 === 0 ? 'Red' : null,
      i % 10 === 1 ? `Frame ${i % 37}: ${captions[(i * 3) % captions.length]}` : null, i % 4 === 2 ? `${captions[i % captions.length]} ${i % 29}` : null,
      i % 8 === 5 ? typedTowns[(i >> 3) % typedTowns.length]![0] : null, i % 8 === 5 ? typedTowns[(i >> 3) % typedTowns.length]![1] : null,
    );
    for (const k of new Set([i % 300, (i * 7) % 300, (i * 13) % 300])) insT.run(i, k === 0 ? 'dog' : k === 1 ? 'beach' : `label ${k}`);
    // Two of the towns real ones, for search by their other names ("München", "Firenze").
    const real = ({ 0: ['Munich', 'Germany', 'DE'], 3: ['Florence', 'Italy', 'IT'] } as Record<number, [string, string, string]>)[i % 500];
    if (i % 3 === 0 && real) insP.run(i, real[0], `Region ${i % 40}`, real[1], real[2]);
    else if (i % 3 === 0) insP.run(i, `Town ${i % 500}`, `Region ${i % 40}`, i % 20 === 0 ? 'United States' : `Country ${i % 20}`, i % 20 === 0 ? 'US' : `C${i % 20}`);
  }
})();
db.exec('ANALYZE');

const time = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
};
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

const [days, daysMs] = time(() => timelineDays(db));
const starts: number[] = [];
let acc = 0;
for (const d of days) {
  starts.push(acc);
  acc += d.count;
}
const seek: number[] = [];
const offset: number[] = [];
for (let k = 0; k < 40; k++) {
  const pos = Math.floor((k / 40) * (N - 200));
  let di = 0;
  while (di + 1 < starts.length && starts[di + 1]! <= pos) di++;
  seek.push(time(() => timelineFromDay(db, days[di]!.day, pos - starts[di]!, 120))[1]);
  offset.push(time(() => timelinePage(db, pos, 120))[1]);
}
const [points, mapMs] = time(() => mapPoints(db));
if (process.env.PLANS) {
  const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((x) => x.detail).join(' | ');
  console.log(plan(`SELECT m.file_id FROM metadata m CROSS JOIN files f ON f.id = m.file_id WHERE m.gps_lat IS NOT NULL AND m.gps_lon IS NOT NULL AND f.state = 'present' AND NOT (m.gps_lat = 0 AND m.gps_lon = 0)`));
}
const facetRuns = Array.from({ length: 10 }, () => time(() => facets(db)));
const [facet] = facetRuns[0]!;
// The search view's pages (/api/files, what it shows before any words are typed and for a filter
// chip), against the count and the one statement that sorted every passing file's whole row, as
// listFiles ran them before (baseline, same run).
const onePass = (filter: SearchFilters, offset: number) => {
  const f = buildFilter(db, filter);
  const where = `f.state <> 'gone' ${f.active ? `AND f.id IN (${f.sql})` : ''}`;
  const params = f.active ? f.params : [];
  db.prepare(`SELECT count(*) AS n FROM files f LEFT JOIN metadata m ON m.file_id = f.id WHERE ${where}`).get(...params);
  return db
    .prepare(
      `SELECT f.id, f.path, f.root, f.kind, f.ext, f.state, m.captured_at, m.make, m.model, p.width, p.height, m.width, m.height, p.preview_hash
       FROM files f LEFT JOIN metadata m ON m.file_id = f.id LEFT JOIN previews p ON p.file_id = f.id
       WHERE ${where} ORDER BY m.captured_ts IS NULL, m.captured_ts DESC, f.id DESC LIMIT 120 OFFSET ?`,
    )
    .all(...params, offset);
};
const pages = ([['dog', null], [null, 2019], [null, null]] as const).map(([tag, year]) => {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const filter = { ...(tag ? { tag } : {}), ...(year ? { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1) } : {}) };
  const ours = Array.from({ length: 5 }, (_, k) => time(() => listFiles(db, { offset: k * 600, limit: 120, ...filter }))[1]);
  const base = Array.from({ length: 5 }, (_, k) => time(() => onePass(filter, k * 600))[1]);
  const total = listFiles(db, { offset: 0, limit: 1, ...filter }).total;
  return { what: `${tag ? `tag "${tag}"` : year ? `the year ${year}` : 'no filter'} (${total} photos)`, ms: median(ours), base: median(base) };
});
const t0 = performance.now();
const r = await search(db, 'Canon 6D 2013', { limit: 50 });
const searchMs = performance.now() - t0;
// A sentence: filler words, a multi-word place matched as a whole, tags, a date (each run of its words is looked up).
const sentence = 'show me all the photos of dogs on the beach in the United States in 2019';
const t1 = performance.now();
const rs = await search(db, sentence, { limit: 50 });
const sentenceMs = performance.now() - t1;

// Exposure, lens, rating and label filters: a common one with a date, a rare one alone (what a scan in
// capture order pays most for), a lens; words of folder names (10,000 photos each), one with a date.
const exposures: { q: string; n: number; label: string | undefined; ms: number }[] = [];
for (const q of ['iso 3200 2019', 'iso 25600', '85mm', 'iso 1600 dog', 'f/2.8 2015', '5 stars 2019', '4+ stars red label', 'iceland', 'hochzeit müller', 'hiking 2019', 'grandma', 'sunset harbour 2019', 'moab', 'zurich dog']) {
  const t = performance.now();
  const x = await search(db, q, { limit: 50 });
  exposures.push({ q, n: x.results.length, label: x.label, ms: performance.now() - t });
}

// Towns by their other names: the places worker's one build of the file, search's first read of it,
// then queries through the daemon's lexicon (a sentence looks up every run of its words).
const townDir = path.join(dir, 'cache');
const tb = performance.now();
ensureTownNames(townDir);
const townBuildMs = performance.now() - tb;
const townLex = dbLexicon(db, { townNames: openTownNames({ dir: townDir }) });
const tl = performance.now();
townLex.townByOtherName!('x');
const townLoadMs = performance.now() - tl;
const townRuns: { q: string; n: number; label: string | undefined; ms: number }[] = [];
for (const q of ['München', 'Firenze 2019', 'tubingen', sentence]) {
  const t = performance.now();
  const x = await search(db, q, { limit: 50, lexicon: townLex });
  townRuns.push({ q, n: x.results.length, label: x.label, ms: performance.now() - t });
}

console.log(`timeline day counts: ${days.length} days for ${N} photos in ${daysMs.toFixed(0)} ms (goal < 500 ms)`);
console.log(`a screenful (120 photos) by day + position: p95 ${p95(seek).toFixed(1)} ms (goal < 50 ms); by LIMIT/OFFSET: p95 ${p95(offset).toFixed(1)} ms; ratio ${(p95(offset) / p95(seek)).toFixed(1)}x`);
console.log(`map points: ${points.length} in ${mapMs.toFixed(0)} ms`);
console.log(`search "Canon 6D 2013": ${r.results.length} results (${r.label}) in ${searchMs.toFixed(0)} ms (goal < 200 ms)`);
console.log(`search "${sentence}": ${rs.results.length} results (${rs.label}) in ${sentenceMs.toFixed(0)} ms (goal < 200 ms)`);
for (const e of exposures) console.log(`search "${e.q}": ${e.n} results (${e.label}) in ${e.ms.toFixed(0)} ms (goal < 200 ms)`);
console.log(`towns' other names: the file made once by the places worker in ${(townBuildMs / 1000).toFixed(1)} s (off the daemon's thread), read by search in ${townLoadMs.toFixed(0)} ms on first use`);
for (const e of townRuns) console.log(`search "${e.q}" (with towns' other names): ${e.n} results (${e.label}) in ${e.ms.toFixed(0)} ms (goal < 200 ms)`);
for (const p of pages) console.log(`the search view's page of 120 (/api/files), ${p.what}: median ${p.ms.toFixed(0)} ms (goal < 200 ms); as before: whole rows sorted (baseline) ${p.base.toFixed(0)} ms; ratio ${(p.ms / p.base).toFixed(2)}`);
console.log(`filter suggestions (/api/facets: ${facet.cameras.length} cameras, ${facet.tags.length} tags, ${facet.places.length} places): p95 ${p95(facetRuns.map(([, ms]) => ms)).toFixed(0)} ms (goal < 200 ms)`);
db.close();
rmSync(dir, { recursive: true, force: true });
