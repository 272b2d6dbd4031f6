import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { noClip } from '../../../src/ml/clip/model-sources.js';
import { silentLogger } from '../../../src/log/index.js';
import { createPlacesPass } from '../../../src/passes/places.pass.js';
import { createThreadedGeocoder } from '../../../src/places/threaded-geocoder.js';
import { openTownNames, TOWN_NAMES_FILE } from '../../../src/places/town-names.js';
import { resolvePlaces } from '../../../src/platform/places.js';
import { createSearchService } from '../../../src/search/search.service.js';
import { openDb, tx } from '../../../src/store/db.js';
import { getFile } from '../../../src/store/repositories/file.repository.js';
import { cli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/fixtures.js';
import { readGpsFixtures } from '../places/gps-fixtures.js';

// The places index names a town once, in GeoNames' English ("Cape Town", "Nice", "Bydgoszcz"); a
// photographer types it as at home ("Kapstadt", "Nizza", "Bromberg") or without its accents
// ("tubingen"). The places worker makes the file of other names from GeoNames once; the CLI's
// search and the daemon's read it.

const PHOTOS = ['gps/cape-town_ocean.jpg', 'gps/nice_building.jpg', 'gps/ship_boats_harbour.jpg', 'gps/cat_brown.jpg', 'gps/berlin_shop.jpg'];

test("search finds a town by its other names and its name without accents, through the CLI and the daemon's search", async () => {
  const t = tempDir();
  const home = t.dir;
  const places = resolvePlaces({ env: { RAWLIGHT_HOME: home } });
  const { db } = openDb(path.join(places.dataDir, 'rawlight.db'));
  const geocoder = createThreadedGeocoder({ cacheDir: places.cacheDir });
  try {
    const pass = createPlacesPass({ geocoder, config: { passes: { places: true } } });
    const now = Date.now();
    for (const f of await readGpsFixtures(PHOTOS)) {
      const id = Number(db.prepare(`INSERT INTO files (path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, '/lib', 'jpg', 'image', 'present', ?, ?)`).run(`/lib/${f.rel}`, now, now).lastInsertRowid);
      db.prepare('INSERT INTO metadata (file_id, gps_lat, gps_lon, read_at) VALUES (?, ?, ?, ?)').run(id, f.lat, f.lon, now);
      const file = getFile(db, id)!;
      const o = await pass.run({ file, inputKey: pass.inputKey(db, file)!, log: silentLogger(), signal: new AbortController().signal, db });
      tx(db, () => o.commit?.(db));
    }
    // The worker makes the file right after its first answer; a later answer comes after it.
    await geocoder.lookupAsync(52.52, 13.4);
    assert.ok(existsSync(path.join(places.cacheDir, TOWN_NAMES_FILE)), 'the places worker made the file of other names');

    const found = async (q: string) => {
      const r = await cli(home, ['search', q, '--json']);
      assert.equal(r.code, 0, r.stderr);
      return r.json<{ results: { path: string }[] }>().results.map((x) => path.basename(x.path)).sort();
    };
    assert.deepEqual(await found('Kapstadt'), ['cape-town_ocean.jpg'], 'German for Cape Town');
    assert.deepEqual(await found('Nizza'), ['nice_building.jpg']);
    assert.deepEqual(await found('Bromberg'), ['ship_boats_harbour.jpg'], 'Bydgoszcz by its German name');
    assert.deepEqual(await found('tubingen'), ['cat_brown.jpg'], 'Tübingen typed without the umlaut');
    assert.deepEqual(await found('Berlino'), ['berlin_shop.jpg']);
    assert.deepEqual(await found('Nice'), ['nice_building.jpg'], 'its own name as before');
    const read = await cli(home, ['search', 'Kapstadt', '--json']);
    assert.match(JSON.stringify(read.json()), /Cape Town/, 'the answer says which town was read');
    assert.deepEqual(await found('Firenze'), [], 'a town the library has no photos in finds nothing');

    // The daemon's search (the API's) reads the same file.
    const service = createSearchService({ db, clip: noClip, townNames: openTownNames({ dir: places.cacheDir }) });
    assert.deepEqual((await service.search('Kapstadt', { limit: 10 })).map((r) => path.basename(r.path)), ['cape-town_ocean.jpg']);
    const without = createSearchService({ db, clip: noClip });
    assert.deepEqual((await without.search('Kapstadt', { limit: 10 })).length, 0, 'without other names the word is only a word');
  } finally {
    await geocoder.close();
    db.close();
    t.cleanup();
  }
});
