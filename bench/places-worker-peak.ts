/**
 * Child process of the places bench: the daemon's threaded geocoder alone, so the process's peak
 * RSS is what the places worker costs. Modes: `bare` (the same imports, no worker: the baseline),
 * `lookups DIR` (the worker with DIR as its cache folder, then N lookups near towns and anywhere).
 * Prints one JSON line: { maxRssMb, loaded, firstMs }.
 */
import { createThreadedGeocoder } from '../src/places/threaded-geocoder.js';

const [mode, dir, count] = process.argv.slice(2);
let loaded = false;
let firstMs = 0;
if (mode === 'lookups') {
  const g = createThreadedGeocoder({ cacheDir: dir! });
  const t0 = performance.now();
  await g.lookupAsync(43.46745, 11.88513);
  firstMs = performance.now() - t0;
  let seed = 42;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  // Sequential, as the places pass asks: one lookup in flight per job.
  for (let i = 0; i < Number(count ?? 2000); i++) await g.lookupAsync(rnd() * 140 - 70, rnd() * 360 - 180);
  loaded = g.stats().loaded;
  await g.close();
}
console.log(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, loaded, firstMs }));
