import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../../../src/log/index.js';
import { createPlacesPass, NO_GPS_KEY } from '../../../src/passes/places.pass.js';
import type { Pass } from '../../../src/passes/pass.js';
import { filesInPlace, getPlaceRow, placeForFile } from '../../../src/places/index.js';
import { createReverseGeocoder } from '../../../src/places/reverse-geocoder.js';
import { defaultMigrationsDir, openDb, tx, type WritableDb } from '../../../src/store/db.js';
import { getFile, type FileRow } from '../../../src/store/repositories/file.repository.js';
import { tempDir } from '../../helpers/fixtures.js';
import { readGpsFixtures, type GpsFixture } from './gps-fixtures.js';

const PHOTOS = ['gps/arezzo_DSCN0025.jpg', 'gps/cape-town_ocean.jpg', 'gps/iceland_sunset.jpg', 'gps/gps-zero-zero.jpg', 'gps/gps-empty_cat.jpg', 'sidecars/IMG_5910.jpg'];

const tmp = tempDir('rawlight-places-');
let db: WritableDb;
const config = { passes: { places: true } };
const geocoder = createReverseGeocoder();
let pass: Pass;
const ids = new Map<string, number>();
let fixtures: GpsFixture[];

before(async () => {
  // Only the spine and this migration: the test must not depend on other owners' work in progress.
  const migrations = path.join(tmp.dir, 'migrations');
  mkdirSync(migrations);
  for (const f of ['0010-spine.sql', '0036-places.sql']) copyFileSync(path.join(defaultMigrationsDir(), f), path.join(migrations, f));
  db = openDb(path.join(tmp.dir, 'rawlight.db'), { migrationsDir: migrations }).db;
  pass = createPlacesPass({ geocoder, config });
  fixtures = await readGpsFixtures(PHOTOS);
  const now = Date.now();
  for (const f of fixtures) {
    const id = Number(
      db
        .prepare(`INSERT INTO files (path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, '/lib', ?, 'image', ?, ?)`)
        .run(`/lib/${f.rel}`, path.extname(f.rel).slice(1).toLowerCase(), now, now).lastInsertRowid,
    );
    ids.set(f.rel, id);
    db.prepare('INSERT INTO metadata (file_id, gps_lat, gps_lon, read_at) VALUES (?, ?, ?, ?)').run(id, f.lat, f.lon, now);
  }
});
after(() => {
  db?.close();
  tmp.cleanup();
});

const file = (rel: string): FileRow => getFile(db, ids.get(rel)!)!;

/** What the pipeline does: key, run, commit inside a transaction. */
async function runPass(rel: string): Promise<Record<string, unknown> | undefined> {
  const f = file(rel);
  const inputKey = pass.inputKey(db, f);
  assert.ok(inputKey !== null, `${rel}: no input key`);
  const outcome = await pass.run({ file: f, inputKey, log: silentLogger(), signal: new AbortController().signal, db });
  tx(db, () => outcome.commit?.(db));
  return outcome.output;
}

describe('places pass on a real database', () => {
  test('declares its place in the pipeline', () => {
    assert.equal(pass.name, 'places');
    assert.equal(pass.resource, 'io');
    assert.deepEqual(pass.after, ['metadata']);
  });

  test('keys on the rounded GPS and the dataset; no key without metadata, GPS, for 0,0 or when switched off', () => {
    const arezzo = fixtures.find((f) => f.rel === 'gps/arezzo_DSCN0025.jpg')!;
    assert.equal(pass.inputKey(db, file(arezzo.rel)), `${arezzo.lat!.toFixed(5)},${arezzo.lon!.toFixed(5)}:${geocoder.datasetVersion}`);
    assert.equal(pass.inputKey(db, file('gps/gps-zero-zero.jpg')), null);
    assert.equal(pass.inputKey(db, file('gps/gps-empty_cat.jpg')), null);
    const off = createPlacesPass({ geocoder, config: { passes: { places: false } } });
    assert.equal(off.inputKey(db, file(arezzo.rel)), null);
    const now = Date.now();
    const bare = Number(db.prepare(`INSERT INTO files (path, root, ext, kind, first_seen_at, last_seen_at) VALUES ('/lib/new.jpg', '/lib', 'jpg', 'image', ?, ?)`).run(now, now).lastInsertRowid);
    assert.equal(pass.inputKey(db, getFile(db, bare)!), null, 'metadata not read yet');
  });

  test('stores town, region and country; show reads them back', async () => {
    await runPass('gps/arezzo_DSCN0025.jpg');
    await runPass('gps/cape-town_ocean.jpg');
    await runPass('gps/iceland_sunset.jpg');
    await runPass('sidecars/IMG_5910.jpg');
    assert.deepEqual(placeForFile(db, ids.get('gps/arezzo_DSCN0025.jpg')!), { city: 'Arezzo', region: 'Tuscany', country: 'Italy', countryCode: 'IT' });
    assert.deepEqual(placeForFile(db, ids.get('gps/cape-town_ocean.jpg')!), { city: 'Cape Town', region: 'Western Cape', country: 'South Africa', countryCode: 'ZA' });
    assert.deepEqual(placeForFile(db, ids.get('gps/iceland_sunset.jpg')!)?.country, 'Iceland');
    assert.equal(placeForFile(db, ids.get('gps/iceland_sunset.jpg')!)?.city, null);
    assert.equal(placeForFile(db, ids.get('gps/gps-zero-zero.jpg')!), null);
    const row = getPlaceRow(db, ids.get('gps/arezzo_DSCN0025.jpg')!)!;
    assert.equal(row.source, geocoder.datasetVersion);
    assert.ok(row.distance_km! < 1);
  });

  test('search by place name finds the files, narrowest match first', () => {
    assert.deepEqual(filesInPlace(db, 'arezzo'), [{ fileId: ids.get('gps/arezzo_DSCN0025.jpg')!, field: 'city', value: 'Arezzo' }]);
    assert.deepEqual(
      filesInPlace(db, 'Tuscany').map((m) => m.field),
      ['region'],
    );
    assert.deepEqual(
      filesInPlace(db, 'za').map((m) => m.fileId),
      [ids.get('gps/cape-town_ocean.jpg')!],
    );
    assert.deepEqual(
      filesInPlace(db, 'United States').map((m) => m.fileId),
      [ids.get('sidecars/IMG_5910.jpg')!],
    );
    assert.deepEqual(filesInPlace(db, 'Atlantis'), []);
  });

  test('when the GPS disappears the place row is removed, then the pass stops applying', async () => {
    const rel = 'sidecars/IMG_5910.jpg';
    db.prepare('UPDATE metadata SET gps_lat = NULL, gps_lon = NULL WHERE file_id = ?').run(ids.get(rel));
    assert.equal(pass.inputKey(db, file(rel)), NO_GPS_KEY);
    await runPass(rel);
    assert.equal(placeForFile(db, ids.get(rel)!), null);
    assert.equal(pass.inputKey(db, file(rel)), null);
  });

  test('GPS moved to 0,0 (a camera that lost its fix) also removes the place', async () => {
    const rel = 'gps/iceland_sunset.jpg';
    db.prepare('UPDATE metadata SET gps_lat = 0, gps_lon = 0 WHERE file_id = ?').run(ids.get(rel));
    assert.equal(pass.inputKey(db, file(rel)), NO_GPS_KEY);
    await runPass(rel);
    assert.equal(placeForFile(db, ids.get(rel)!), null);
  });

  test('a new position replaces the place; a gone file gets no key', async () => {
    const rel = 'gps/cape-town_ocean.jpg';
    db.prepare('UPDATE metadata SET gps_lat = 43.69583, gps_lon = 7.27139 WHERE file_id = ?').run(ids.get(rel)); // Nice
    await runPass(rel);
    assert.equal(placeForFile(db, ids.get(rel)!)?.city, 'Nice');
    assert.deepEqual(db.prepare('SELECT count(*) AS n FROM places WHERE file_id = ?').get(ids.get(rel)), { n: 1 });
    db.prepare(`UPDATE files SET state = 'gone' WHERE id = ?`).run(ids.get(rel));
    assert.equal(pass.inputKey(db, file(rel)), null);
  });

  test('a job keyed on other place data is stale', async () => {
    const f = file('gps/arezzo_DSCN0025.jpg');
    await assert.rejects(
      pass.run({ file: f, inputKey: '43.46836,11.88163:atc0.0.0', log: silentLogger(), signal: new AbortController().signal, db }),
      (e: { code?: string }) => e.code === 'JOB_STALE',
    );
  });

  test('deleting the file removes its place (cascade)', () => {
    const id = ids.get('gps/arezzo_DSCN0025.jpg')!;
    db.prepare('DELETE FROM files WHERE id = ?').run(id);
    assert.equal(placeForFile(db, id), null);
  });
});

describe('places pass and its AbortSignal', () => {
  test('an abort while the geocoder works drops its answer: PASS_TIMEOUT, no place saved', async () => {
    const now = Date.now();
    const id = Number(db.prepare(`INSERT INTO files (path, root, ext, kind, first_seen_at, last_seen_at) VALUES ('/lib/abort.jpg', '/lib', 'jpg', 'image', ?, ?)`).run(now, now).lastInsertRowid);
    db.prepare('INSERT INTO metadata (file_id, gps_lat, gps_lon, read_at) VALUES (?, 43.4633, 11.8796, ?)').run(id, now);
    const f = getFile(db, id)!;
    const job = new AbortController();
    const slow: typeof geocoder = {
      datasetVersion: geocoder.datasetVersion,
      lookup: (lat, lon) => geocoder.lookup(lat, lon),
      // The lookup finishes (like an ONNX run, it cannot be interrupted); the timeout fires meanwhile.
      lookupAsync: async (lat, lon) => {
        job.abort(new Error('places ran longer than 10 ms'));
        return geocoder.lookup(lat, lon);
      },
      stats: () => geocoder.stats(),
    };
    const p = createPlacesPass({ geocoder: slow, config });
    await assert.rejects(
      p.run({ file: f, inputKey: p.inputKey(db, f)!, log: silentLogger(), signal: job.signal, db }),
      (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'PASS_TIMEOUT' && /saving the place/.test(e.message),
    );
    assert.equal(getPlaceRow(db, f.id), undefined, 'nothing saved');
    // The same run without the abort does save (so the check above can fail).
    const out = await p.run({ file: f, inputKey: p.inputKey(db, f)!, log: silentLogger(), signal: new AbortController().signal, db });
    tx(db, () => out.commit?.(db));
    assert.notEqual(getPlaceRow(db, f.id), undefined);
  });
});
