import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { cli } from '../../helpers/cli.js';
import { indexLibrary } from '../../helpers/metadata-import.js';
import { copyFixtures, FIXTURES, tempDir } from '../../helpers/fixtures.js';

interface SearchJson {
  empty?: string;
  mode: string;
  label: string;
  parsed: { kind: string; source: string; label: string }[];
  results: { path: string; score: number; why: string }[];
}

/** labels.json's camera is "Make Model" as the source wrote it; the truth here, not our metadata. */
const labels = JSON.parse(readFileSync(path.join(FIXTURES, 'photos', 'labels.json'), 'utf8')).files as Record<string, { camera?: string | null }>;
const cameraOf = (rel: string) => labels[rel]?.camera ?? null;

/**
 * The first-hour searches from the issue, on the real fixture photos (ExifTool metadata through
 * the real scan + metadata passes), through `rawlight search --json` with no CLIP model.
 */
describe('structured search on the real fixtures (camera, dates) without CLIP', { timeout: 180_000 }, () => {
  const t = tempDir('rawlight-structured-search-');
  const lib = path.join(t.dir, 'lib');
  const home = path.join(t.dir, 'home');
  const rel = (p: string) => path.relative(path.join(lib, 'photos'), p);
  let captured: Map<string, string | null>;

  before(async () => {
    copyFixtures(lib, ['photos']);
    mkdirSync(home, { recursive: true });
    // No CLIP model anywhere: an empty models folder.
    mkdirSync(path.join(t.dir, 'no-models'));
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: path.join(t.dir, 'no-models') }));
    await indexLibrary(home, lib, { passes: ['scan', 'metadata'] });
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    captured = new Map((db.prepare('SELECT f.path, m.captured_at FROM files f JOIN metadata m ON m.file_id = f.id').all() as { path: string; captured_at: string | null }[]).map((r) => [rel(r.path), r.captured_at]));
    db.close();
  });
  after(() => t.cleanup());

  const search = async (q: string, limit = 20) => {
    const r = await cli(home, ['search', q, '--json', '--limit', String(limit)]);
    assert.equal(r.code, 0, r.stderr);
    return r.json<SearchJson>();
  };

  test('"Canon EOS 5D Mark II": every 5D Mark II photo first, no Mark III before them', async () => {
    const truth = Object.keys(labels).filter((k) => cameraOf(k) === 'Canon Canon EOS 5D Mark II');
    assert.equal(truth.length, 3);
    const r = await search('Canon EOS 5D Mark II');
    const got = r.results.map((x) => rel(x.path));
    assert.deepEqual(got.slice(0, 3).sort(), truth.sort());
    const firstMark3 = got.findIndex((p) => cameraOf(p) === 'Canon Canon EOS 5D Mark III');
    assert.ok(firstMark3 === -1 || firstMark3 >= 3, `a Mark III at ${firstMark3}`);
    assert.ok(r.results.slice(0, 3).every((x) => /camera Canon EOS 5D Mark II \(exact\)/.test(x.why) && !/Canon Canon/.test(x.why)), r.results[0]?.why);
    assert.deepEqual(r.parsed.map((p) => p.kind), ['camera']);
  });

  test('"EOS 5D" finds only 5D bodies (no D30, 6D or RP)', async () => {
    const r = await search('EOS 5D');
    assert.ok(r.results.length >= 4);
    for (const x of r.results) assert.match(cameraOf(rel(x.path)) ?? '', /EOS 5D Mark II/, rel(x.path));
  });

  test('"canon", a maker alone: every Canon photo, newest first whatever the model, none called a partial match', async () => {
    const truth = Object.keys(labels).filter((k) => /^canon /i.test(cameraOf(k) ?? ''));
    assert.ok(truth.length >= 10, `${truth.length} Canon photos`);
    const r = await search('canon', 500);
    const got = r.results.map((x) => rel(x.path));
    assert.deepEqual([...got].sort(), [...truth].sort());
    // The 5D Mark II's photos (three model words the query did not name) came after every 6D and R5 ones.
    const dates = got.map((p) => captured.get(p) ?? '');
    assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first');
    for (const x of r.results) assert.match(x.why, /^camera Canon [^(]*$/, x.why);
  });

  test('a camera named in one word shaped like a file name ("D810", "p6000", "tg830") is the camera; "DSCN0010" is still a name', async () => {
    for (const [q, camera] of [['D810', 'NIKON CORPORATION NIKON D810'], ['p6000', 'NIKON COOLPIX P6000'], ['tg830', 'OLYMPUS IMAGING CORP. TG-830']] as const) {
      const truth = Object.keys(labels).filter((k) => cameraOf(k) === camera);
      const r = await search(q, 100);
      assert.deepEqual(r.parsed.map((p) => p.kind), ['camera'], q);
      assert.deepEqual(r.results.map((x) => rel(x.path)).sort(), truth.sort(), q);
    }
    const name = await search('DSCN0010');
    assert.deepEqual(name.results.map((x) => path.basename(x.path)), ['arezzo_DSCN0010.jpg']);
  });

  test('"f/2.8", "f2.8" and "F2.8" find the same lenses, whichever way the lens maker wrote it', async () => {
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    const truth = (db.prepare(`SELECT f.path FROM files f JOIN metadata m ON m.file_id = f.id WHERE m.lens LIKE '%f/2.8%' OR m.lens LIKE '%F2.8%'`).all() as { path: string }[]).map((r) => r.path).sort();
    const written = db.prepare(`SELECT count(*) AS n FROM metadata WHERE lens LIKE '%f/2.8%' AND lens NOT LIKE '%F2.8%'`).get() as { n: number };
    db.close();
    assert.ok(written.n > 0 && truth.length > written.n, 'the fixtures hold both spellings');
    for (const q of ['f/2.8', 'f2.8', 'F2.8']) {
      const r = await search(q, 100);
      assert.deepEqual(r.parsed.map((p) => p.kind), ['lens'], q);
      assert.deepEqual(r.results.map((x) => x.path).sort(), truth, q);
    }
  });

  test('ISO, focal length and aperture: "iso 1600", "iso 200-250", "90mm" and "f/8" (no lens is named so), "90mm 2008"', async () => {
    // The truth from the system's ExifTool (Debian's), not from rawlight's metadata.
    const read = JSON.parse(execFileSync('exiftool', ['-j', '-n', '-q', '-r', '-ISO', '-FocalLength', '-FNumber', '-DateTimeOriginal', path.join(lib, 'photos')], { encoding: 'utf8', maxBuffer: 64 << 20 })) as {
      SourceFile: string; ISO?: number; FocalLength?: number; FNumber?: number; DateTimeOriginal?: string;
    }[];
    const truth = (keep: (r: (typeof read)[number]) => boolean) => read.filter(keep).map((r) => path.resolve(r.SourceFile)).sort();
    const cases: [string, string[], (r: (typeof read)[number]) => boolean][] = [
      ['iso 1600', ['iso'], (r) => r.ISO === 1600],
      ['ISO200-250', ['iso'], (r) => r.ISO !== undefined && r.ISO >= 200 && r.ISO <= 250],
      ['90mm', ['focal'], (r) => r.FocalLength !== undefined && Math.round(r.FocalLength) === 90],
      ['f/8', ['aperture'], (r) => r.FNumber !== undefined && Math.abs(r.FNumber - 8) < 0.05],
      ['90mm 2008', ['focal', 'date'], (r) => r.FocalLength !== undefined && Math.round(r.FocalLength) === 90 && !!r.DateTimeOriginal?.startsWith('2008')],
    ];
    for (const [q, kinds, keep] of cases) {
      const want = truth(keep);
      assert.ok(want.length > 0 && want.length < read.length / 4, `${q}: the fixtures hold a few such photos (${want.length})`);
      const r = await search(q, 200);
      assert.deepEqual(r.parsed.map((p) => p.kind), kinds, q);
      assert.deepEqual(r.results.map((x) => x.path).sort(), want, q);
    }
    // "85mm" names the library's EF85mm lens: its photos, not every photo taken at 85 mm.
    const lens = await search('85mm', 200);
    assert.deepEqual(lens.parsed.map((p) => p.kind), ['lens']);
    assert.match(lens.label, /by lens/);
    const none = await search('iso 102400');
    assert.equal(none.results.length, 0);
    assert.equal(none.empty, 'no photo in the library matches ISO 102400');
  });

  test('"Canon 6D 2013": the 6D photos of 2013 first (all five)', async () => {
    const truth = Object.keys(labels).filter((k) => cameraOf(k) === 'Canon Canon EOS 6D' && captured.get(k)?.startsWith('2013'));
    assert.equal(truth.length, 5);
    const r = await search('Canon 6D 2013');
    assert.deepEqual(r.results.slice(0, 5).map((x) => rel(x.path)).sort(), truth.sort());
    assert.match(r.results[0]!.why, /2013/);
    assert.deepEqual(r.parsed.map((p) => p.kind), ['camera', 'date']);
  });

  test('"photos before 2010", "the 2010s", "pictures from 2013": open ends and decades filter, and the words around them are not searched for', async () => {
    const years = (r: SearchJson) => r.results.map((x) => captured.get(rel(x.path))?.slice(0, 4) ?? '');
    const truth = (ok: (y: number) => boolean) => [...captured].filter(([, c]) => c && ok(Number(c.slice(0, 4)))).map(([p]) => p).sort();
    const before = await search('photos before 2010', 500);
    assert.deepEqual(before.results.map((x) => rel(x.path)).sort(), truth((y) => y < 2010));
    assert.ok(before.results.length > 0);
    assert.deepEqual(years(before), [...years(before)].sort().reverse(), 'newest first');
    assert.deepEqual(before.parsed.map((p) => p.kind).sort(), ['date', 'text']);
    const decade = await search('the 2010s', 500);
    assert.deepEqual(decade.results.map((x) => rel(x.path)).sort(), truth((y) => y >= 2010 && y < 2020));
    const plain = await search('2013', 500);
    assert.ok(plain.results.length > 0);
    assert.deepEqual((await search('pictures from 2013', 500)).results.map((x) => x.path), plain.results.map((x) => x.path));
  });

  test('no matches says why: the filter nothing passes, or that each passes photos and none passes all', async () => {
    const never = await search('Canon 6D 2031');
    assert.deepEqual([never.results.length, never.empty], [0, 'no photo in the library matches 2031']);
    const apart = await search('D810 2013');
    assert.equal(apart.results.length, 0);
    assert.equal(apart.empty, 'camera NIKON D810 and 2013 each find photos, but none matches both');
    const words = await search('Canon 6D 2013 xyzzy');
    assert.equal(words.empty, 'camera Canon EOS 6D and 2013 each find photos, but none matches both with “xyzzy”');
    const text = await cli(home, ['search', 'D810 2013']);
    assert.match(text.stdout, /^no matches: camera NIKON D810 and 2013 each find photos, but none matches both$/m);
    assert.equal((await search('2013')).empty, undefined, 'found: nothing to explain');
    // Dates given apart: a --from after --to is a mistake in the command, not "no matches".
    const swapped = await cli(home, ['search', 'dog', '--from', '2015', '--to', '2014']);
    assert.equal(swapped.code, 64);
    assert.match(swapped.stderr, /--from 2015 is not before --to 2014/);
    const later = await cli(home, ['search', 'Canon 6D', '--from', '2031', '--json']);
    assert.equal(later.json<SearchJson>().empty, 'no photo in the library matches date 2031-01-01–…');
  });

  test('the label says what ran: no semantic claim without CLIP, and how to get descriptions', async () => {
    const r = await search('red car');
    assert.equal(r.mode, 'text');
    assert.doesNotMatch(r.label, /semantic|ranked by CLIP/i);
    assert.match(r.label, /install a CLIP model/);
    const text = await cli(home, ['search', 'Canon 6D 2013']);
    assert.match(text.stdout, /^searched by camera, date/m);
  });

  test('"More like this" (rawlight similar) says it needs a CLIP model when none is installed', async () => {
    const r = await cli(home, ['similar', path.join(lib, 'photos', 'people', 'obama_1.jpg')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr + r.stdout, /needs a CLIP model, and none is installed/);
  });
});
