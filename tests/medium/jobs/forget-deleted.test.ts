import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../../src/config/index.js';
import { createUpkeep } from '../../../src/jobs/index.js';
import { silentLogger } from '../../../src/log/index.js';
import { resolvePlaces } from '../../../src/platform/places.js';
import { openDb, type ReadableDb } from '../../../src/store/db.js';
import { keptCounts, recount } from '../../../src/store/repositories/status-counts.repository.js';
import { cli } from '../../helpers/cli.js';
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';

// A photographer culls: deleted photos keep their faces, names, tags and previews for a while (put
// back from the Trash, they are found as they were), then the weekly prune forgets them, so a
// library's deletions do not fill the disk with previews nobody can see, nor the index with rows.

const DAY = 24 * 3600_000;
const PHOTOS = ['people/biden_1.jpg', 'people/biden_2.jpg', 'people/obama_and_biden_1.jpg', 'gps/zebra.jpg', 'scenes/bus.jpg'];

interface PeopleJson {
  persons: { id: number; name: string | null; faces: { id: number; path: string }[] }[];
}

/** Every row of every table that names a file, by table, for one file id. */
function rowsOf(db: ReadableDb, fileId: number): Record<string, number> {
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
  const out: Record<string, number> = {};
  for (const t of tables) {
    const cols = db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t) as string[];
    const col = t === 'files' ? 'id' : cols.includes('file_id') ? 'file_id' : null;
    if (!col) continue;
    const n = db.prepare(`SELECT count(*) FROM "${t}" WHERE ${col} = ?`).pluck().get(fileId) as number;
    if (n) out[t] = n;
  }
  return out;
}

/** A person's photos as kept by triggers (the people page's counts), and recounted from the faces. */
function personPhotos(db: ReadableDb): { kept: unknown[]; recount: unknown[] } {
  return {
    kept: db.prepare(`SELECT person_id, n FROM person_files WHERE n > 0 ORDER BY person_id, file_id`).all(),
    recount: db.prepare(`SELECT fp.person_id, count(*) AS n FROM face_person fp JOIN faces fa ON fa.id = fp.face_id GROUP BY fp.person_id, fa.file_id ORDER BY fp.person_id, fa.file_id`).all(),
  };
}

describe('deleted photos are forgotten after schedule.deletedKeptDays, by the weekly prune', { timeout: 600_000 }, () => {
  const t = tempDir('rawlight-forget-');
  const lib = path.join(t.dir, 'lib');
  const home = path.join(t.dir, 'home');
  const at = (rel: string) => path.join(lib, path.basename(rel));
  let people: PeopleJson;

  before(async () => {
    mkdirSync(lib, { recursive: true });
    for (const p of PHOTOS) copyFileSync(path.join(FIXTURES, 'photos', p), at(p));
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: MODELS }));
    const r = await cli(home, ['index', lib, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const p = await cli(home, ['people', '--json']);
    people = p.json<PeopleJson>();
    const biden = people.persons.find((x) => x.faces.some((f) => f.path === at('people/biden_1.jpg')));
    assert.ok(biden, JSON.stringify(people));
    const named = await cli(home, ['people', 'name', String(biden.id), 'Joe Biden']);
    assert.equal(named.code, 0, named.stderr);
    // The name reaches the sidecars (writeback), then two photos are deleted.
    const w = await cli(home, ['index', lib, '--json']);
    assert.equal(w.code, 0, w.stderr);
    rmSync(at('people/biden_1.jpg'));
    rmSync(at('gps/zebra.jpg'));
    const g = await cli(home, ['index', lib, '--json']);
    assert.equal(g.code, 0, g.stderr);
  });
  after(() => t.cleanup());

  test('a photo deleted longer ago is forgotten with everything it had; one deleted lately, and every other, keeps all of it', async () => {
    const places = resolvePlaces({ env: { RAWLIGHT_HOME: home } });
    const config = loadConfig(places, { env: {} });
    assert.equal(config.schedule.deletedKeptDays, 30, 'the default');
    const dbPath = path.join(places.dataDir, 'rawlight.db');
    const { db } = openDb(dbPath);
    try {
      const id = (rel: string) => db.prepare(`SELECT id FROM files WHERE path = ?`).pluck().get(at(rel)) as number;
      const [old, lately] = [id('people/biden_1.jpg'), id('gps/zebra.jpg')];
      const now = Date.now() + 2 * 3600_000; // past the cache's one-hour grace: what is no row's goes
      db.prepare(`UPDATE files SET gone_at = ? WHERE id = ?`).run(now - 31 * DAY, old);
      db.prepare(`UPDATE files SET gone_at = ? WHERE id = ?`).run(now - 10 * DAY, lately);
      const had = rowsOf(db, old);
      for (const table of ['metadata', 'previews', 'faces', 'person_files', 'tags', 'pass_results', 'xmp_values']) assert.ok(had[table], `the deleted photo had ${table} rows: ${JSON.stringify(had)}`);
      const faceIds = db.prepare(`SELECT id FROM faces WHERE file_id = ?`).pluck().all(old) as number[];
      const cache = db.prepare(`SELECT path, thumb_path FROM previews WHERE file_id = ? UNION ALL SELECT crop_path, NULL FROM faces WHERE file_id = ?`).raw().all(old, old).flat().filter((x): x is string => !!x);
      assert.ok(cache.length >= 3 && cache.every((c) => existsSync(path.join(places.cacheDir, c))), JSON.stringify(cache));
      const others = db.prepare(`SELECT id FROM files WHERE id <> ?`).pluck().all(old) as number[];
      const kept = Object.fromEntries(others.map((o) => [o, rowsOf(db, o)]));
      const maxId = db.prepare(`SELECT max(id) FROM files`).pluck().get() as number;

      const upkeep = createUpkeep({ db, dbPath, places, config, log: silentLogger(), deps: { reconcile: async () => ({}) }, now: () => now });
      const r = await upkeep.runNow('prune');
      assert.equal(r.status, 'ok', JSON.stringify(r.error));
      assert.equal(r.result?.forgotten, 1, JSON.stringify(r.result));

      // But the journal of rawlight's own sidecar writes, which is by sidecar path: that sidecar is
      // still on disk, and rawlight's write it stays (the photo put back, see below).
      assert.deepEqual(rowsOf(db, old), { xmp_journal: 1 }, 'no other row of any table names it');
      assert.equal(db.prepare(`SELECT count(*) FROM face_vectors WHERE face_id IN (SELECT value FROM json_each(?))`).pluck().get(JSON.stringify(faceIds)), 0, 'its face vectors');
      assert.equal(db.prepare(`SELECT count(*) FROM file_names WHERE rowid = ?`).pluck().get(old), 0, 'its name in the name search');
      for (const c of cache) assert.equal(existsSync(path.join(places.cacheDir, c)), false, `its cache file ${c}`);
      assert.deepEqual(Object.fromEntries(others.map((o) => [o, rowsOf(db, o)])), kept, 'the lately deleted photo and the present ones keep every row');
      assert.deepEqual(keptCounts(db), recount(db), 'the counts the status reads still agree with the rows');
      const pp = personPhotos(db);
      assert.deepEqual(pp.kept, pp.recount, 'and the people page\'s');
      const byFolder = new Map<string, number>();
      for (const p of db.prepare(`SELECT path FROM files`).pluck().all() as string[]) byFolder.set(path.dirname(p), (byFolder.get(path.dirname(p)) ?? 0) + 1);
      assert.deepEqual(db.prepare(`SELECT path, files FROM folders ORDER BY path`).raw().all(), [...byFolder].sort(), 'and the folders\' (the folder search)');
      assert.equal(db.prepare(`SELECT max(id) FROM files`).pluck().get(), maxId);
      // A second run finds nothing more (the lately deleted one waits for its 30 days).
      assert.equal((await upkeep.runNow('prune')).result?.forgotten, 0);
    } finally {
      db.close();
    }

    // Joe Biden is still named, with the photos he is in.
    const p = (await cli(home, ['people', '--json'])).json<PeopleJson>();
    const biden = p.persons.find((x) => x.name === 'Joe Biden');
    assert.ok(biden, JSON.stringify(p.persons.map((x) => x.name)));
    assert.deepEqual([...new Set(biden.faces.map((f) => path.basename(f.path)))].sort(), ['biden_2.jpg', 'obama_and_biden_1.jpg']);
  });

  test('a forgotten photo put back is indexed anew, under a new id, and its sidecar names the person again', async () => {
    copyFileSync(path.join(FIXTURES, 'photos/people/biden_1.jpg'), at('people/biden_1.jpg'));
    const r = await cli(home, ['index', lib, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const p = (await cli(home, ['people', '--json'])).json<PeopleJson>();
    const biden = p.persons.find((x) => x.name === 'Joe Biden');
    assert.ok(biden?.faces.some((f) => f.path === at('people/biden_1.jpg')), JSON.stringify(p.persons.map((x) => [x.name, x.faces.map((f) => path.basename(f.path))])));
  });
});
