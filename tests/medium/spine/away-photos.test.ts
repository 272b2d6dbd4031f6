import assert from 'node:assert/strict';
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startServer } from '../../../src/api/server.js';
import { printResults } from '../../../src/cli/commands/search.command.js';
import { parseConfig } from '../../../src/config/index.js';
import { daemonApiDeps } from '../../../src/daemon-api.js';
import { Daemon } from '../../../src/main.js';
import { namePerson, regroupAll } from '../../../src/people/index.js';
import type { Places } from '../../../src/platform/places.js';
import { search } from '../../../src/search/search.js';
import { capturingLogger, until } from '../../helpers/daemon-watch.js';
import { copyFixtures, MODELS, tempDir } from '../../helpers/fixtures.js';

// A photographer's archive on a drive that is not plugged in (or photos evicted to iCloud by
// "Optimize Mac Storage"): rawlight keeps their results and previews, so search, the timeline, the
// map and people still find them, badged as away (as Lightroom badges a missing photo), rather
// than the library looking as if they were never taken.

const PHOTOS = ['photos/people/obama_1.jpg', 'photos/people/obama_2.jpg', 'photos/people/obama_3.jpg', 'photos/gps/zebra.jpg', 'photos/scenes/bus.jpg'];
const TOKEN = 'away-token-0123456789abcdef0123456789';

test('photos whose drive is unplugged, or evicted to iCloud, are still found everywhere, badged; deleted ones are not', async () => {
  const t = tempDir();
  const lib = path.join(t.dir, 'Archive');
  mkdirSync(lib, { recursive: true });
  const files = copyFixtures(lib, PHOTOS);
  const home = path.join(t.dir, 'home');
  const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
  const config = parseConfig({
    libraries: [lib],
    modelsDir: MODELS,
    api: { port: 0 },
    passes: { faces: true, tags: true, places: true, embed: false, ocr: false, writeback: false },
    watch: { settleMs: 200, backend: 'chokidar' },
  });
  const daemon = new Daemon({ places, config, log: capturingLogger('warn').log, libraries: [lib], offlineRecheckMs: 100 });
  const { db } = daemon.core;
  const done = () =>
    daemon.core.pipeline.isIdle() &&
    (db.prepare(`SELECT count(DISTINCT file_id) AS n FROM pass_results WHERE pass IN ('tags', 'faces', 'places')`).get() as { n: number }).n === PHOTOS.length;
  await daemon.start();
  const server = await startServer(daemonApiDeps(daemon, TOKEN));
  const get = async (url: string) => {
    const r = await fetch(new URL(url, server.url), { headers: { 'x-rawlight-token': TOKEN } });
    assert.equal(r.status, 200, url);
    return (await r.json()) as Record<string, unknown>;
  };
  type Item = { id: number; name: string; state?: string };
  const names = (items: unknown) => (items as Item[]).map((i) => i.name).sort();
  try {
    await until(done, 120_000);
    await regroupAll(db);
    const group = db.prepare(`SELECT person_id AS id, count(*) AS n FROM person_files GROUP BY person_id ORDER BY n DESC LIMIT 1`).get() as { id: number; n: number } | undefined;
    assert.ok(group && group.n >= 2, 'the three Obama photos make a group');
    namePerson(db, group.id, 'Barack Obama');
    const zebra = db.prepare(`SELECT p.city, p.country FROM places p JOIN files f ON f.id = p.file_id WHERE f.path LIKE '%zebra.jpg'`).get() as { city: string | null; country: string | null };
    const place = zebra.city ?? zebra.country;
    assert.ok(place, 'the GPS photo has a place');
    const busTag = (db.prepare(`SELECT t.label FROM tags t JOIN files f ON f.id = t.file_id WHERE f.path LIKE '%bus.jpg' ORDER BY t.score DESC LIMIT 1`).get() as { label: string }).label;

    // What the user sees with the drive plugged in …
    const views = async () => ({
      timeline: names((await get('/api/timeline?limit=50')).items),
      days: (await get('/api/timeline/days')).days,
      files: names((await get('/api/files?limit=50')).items),
      person: names((await get(`/api/people/${group.id}/photos`)).items),
      personTotal: (await get(`/api/people/${group.id}/photos`)).total,
      byName: names((await get(`/api/search?q=${encodeURIComponent('Barack Obama')}`)).items),
      byTag: names((await get(`/api/search?q=${encodeURIComponent(busTag)}`)).items),
      byPlace: names((await get(`/api/files?place=${encodeURIComponent(place!)}`)).items),
      map: ((await get('/api/map/points')).points as unknown[]).length,
    });
    const present = await views();
    assert.ok(present.person.every((n) => n.startsWith('obama_')) && present.person.length >= 2 && present.byName.length === present.person.length, JSON.stringify(present));
    assert.ok(present.byTag.includes('bus.jpg'), `the bus found by its tag "${busTag}"`);
    assert.deepEqual(present.byPlace, ['zebra.jpg']);
    assert.equal(present.map, 1);
    assert.equal(present.timeline.length, PHOTOS.length);

    // … is what they see with it unplugged, each photo badged as offline.
    renameSync(lib, `${lib}.away`);
    await until(() => (db.prepare(`SELECT count(*) AS n FROM files WHERE state = 'offline'`).get() as { n: number }).n === PHOTOS.length);
    assert.deepEqual(await views(), present);
    for (const url of ['/api/timeline?limit=50', '/api/files?limit=50', `/api/people/${group.id}/photos`, `/api/search?q=${encodeURIComponent(busTag)}`]) {
      for (const it of (await get(url)).items as Item[]) assert.equal(it.state, 'offline', `${url}: ${it.name}`);
    }
    const zebraId = ((await get(`/api/files?place=${encodeURIComponent(place!)}`)).items as Item[])[0]!.id;
    assert.equal((await get(`/api/files/${zebraId}`)).state, 'offline', "the photo's page says where it is");
    const thumb = ((await get('/api/timeline?limit=1')).items as { thumbnail: string }[])[0]!.thumbnail;
    assert.equal((await fetch(new URL(thumb, server.url), { headers: { 'x-rawlight-token': TOKEN } })).status, 200, 'its kept thumbnail is served');

    // The CLI's search says so too, in words and in --json.
    const r = await search(db, busTag);
    assert.ok(r.results.length > 0 && r.results.every((x) => x.away === 'offline'), JSON.stringify(r.results));
    let out = '';
    const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true } } as unknown as Parameters<typeof printResults>[0];
    printResults(io, r, false);
    assert.match(out, /bus\.jpg .*\[offline: its drive is not connected\]/);
    out = '';
    printResults(io, r, true);
    assert.equal((JSON.parse(out) as { results: { away?: string }[] }).results[0]!.away, 'offline');

    // Evicted to iCloud: the same, badged "cloud". Deleted: gone from every view.
    db.prepare(`UPDATE files SET state = 'cloud' WHERE path = ?`).run(files.find((f) => f.endsWith('zebra.jpg')));
    db.prepare(`UPDATE files SET state = 'gone', gone_at = ? WHERE path = ?`).run(Date.now(), files.find((f) => f.endsWith('obama_1.jpg')));
    const after = await views();
    assert.deepEqual(after.byPlace, ['zebra.jpg']);
    assert.equal(after.map, 1);
    assert.equal(((await get(`/api/files?place=${encodeURIComponent(place!)}`)).items as Item[])[0]!.state, 'cloud');
    assert.equal(after.timeline.length, PHOTOS.length - 1);
    const counted = (days: { count: number }[]) => days.reduce((n, d) => n + d.count, 0);
    assert.equal(counted(after.days as { count: number }[]), counted(present.days as { count: number }[]) - 1, "the day counts leave the deleted photo out, keep the away ones");
    assert.equal(after.files.length, PHOTOS.length - 1, 'the search view lists every photo the library holds, the away ones too');
    assert.ok(!after.person.includes('obama_1.jpg') && !after.byName.includes('obama_1.jpg'), 'a deleted photo is not listed');
    assert.equal(after.personTotal, present.personTotal as number - (present.person.includes('obama_1.jpg') ? 1 : 0), "the person's count is the photos listed");
    assert.match((await search(db, 'zebra')).results.map((x) => `${path.basename(x.path)} ${x.away}`).join(','), /zebra\.jpg cloud/);
  } finally {
    await server.close();
    await daemon.stop(3000);
    t.cleanup();
  }
});
