import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PeoplePort } from '../../../src/api/ports.js';
import { mapPoints } from '../../../src/api/map.repository.js';
import { buildServer } from '../../../src/api/server.js';
import { timelineDays } from '../../../src/api/timeline.repository.js';
import { noClip } from '../../../src/ml/clip/model-sources.js';
import { buildFilter } from '../../../src/search/search.repository.js';
import { createSearchService } from '../../../src/search/search.service.js';
import { captured } from '../../helpers/query-plan.js';
import { addFace, addPerson, authed, headers, makeHarness, passResult, seedFile, type Harness } from './harness.js';

/**
 * The photo browser's read routes (timeline, map, a person's photos, cover faces), "Group now",
 * naming one face, the search label without CLIP, "More like this" without CLIP; query plans of
 * the new queries pinned on the real schema.
 */
describe('browse routes', () => {
  let h: Harness;
  let app: FastifyInstance;
  const ids: Record<string, number> = {};
  let person: number;
  const calls: string[] = [];

  before(async () => {
    h = makeHarness();
    ids.obama = await seedFile(h, { rel: 'photos/people/obama_1.jpg', capturedAt: '2012-12-06T15:46:01', make: 'Canon', model: 'Canon EOS 5D Mark III' });
    ids.obama2 = await seedFile(h, { rel: 'photos/people/obama_2.jpg', capturedAt: '2010-05-10T10:04:01', make: 'Canon', model: 'Canon EOS 5D Mark II' });
    ids.dog = await seedFile(h, { rel: 'photos/scenes/dog_corgi.jpg', capturedAt: '2010-05-10T09:00:00' });
    ids.raw = await seedFile(h, { rel: 'photos/gps/zebra.jpg', preview: false });
    passResult(h, ids.raw, 'preview', 'failed', 'PREVIEW_NONE');
    h.db.prepare('UPDATE metadata SET gps_lat = 43.46, gps_lon = 11.88 WHERE file_id = ?').run(ids.dog);
    h.db.prepare('UPDATE metadata SET gps_lat = 0, gps_lon = 0 WHERE file_id = ?').run(ids.obama);
    person = addPerson(h, null);
    await addFace(h, ids.obama, 0, { x: 0.3, y: 0.1, w: 0.3, h: 0.4 }, person);
    await addFace(h, ids.obama2, 0, { x: 0.3, y: 0.1, w: 0.3, h: 0.4 }, person);
    const people: PeoplePort = {
      name: () => undefined,
      merge: () => undefined,
      removeFace: () => undefined,
      ignore: () => undefined,
      undo: () => null,
      group: () => {
        calls.push('group');
        return { groups: { created: 1 } };
      },
      nameFace: (faceId, name) => {
        calls.push(`nameFace ${faceId} ${name}`);
        h.db.prepare('UPDATE persons SET name = ? WHERE id = ?').run(name, person);
        return { personId: person };
      },
    };
    app = buildServer({ ...h.deps, people, search: createSearchService({ db: h.db, clip: noClip }) });
  });
  after(async () => {
    await app?.close();
    h?.cleanup();
  });

  const get = async (url: string) => {
    const r = await app.inject({ url, headers: authed() });
    assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
    return r.json();
  };

  test('timeline: day counts newest first, undated last; pages by position and by day agree', async () => {
    const d = await get('/api/timeline/days');
    assert.equal(d.total, 4);
    assert.deepEqual(d.days.map((x: { day: string | null }) => x.day), ['2012-12-06', '2010-05-10', null]);
    const all = await get('/api/timeline?limit=10');
    assert.deepEqual(all.items.map((i: { id: number }) => i.id), [ids.obama, ids.obama2, ids.dog, ids.raw]);
    const fromDay = await get('/api/timeline?day=2010-05-10&skip=1&limit=10');
    assert.deepEqual(fromDay.items.map((i: { id: number }) => i.id), [ids.dog, ids.raw]);
    const undated = await get('/api/timeline?day=none&limit=10');
    assert.deepEqual(undated.items.map((i: { id: number }) => i.id), [ids.raw]);
    const raw = all.items.find((i: { id: number }) => i.id === ids.raw);
    assert.equal(raw.thumbnail, null);
    assert.match(raw.previewError, /PREVIEW_NONE/);
    assert.equal((await app.inject({ url: '/api/timeline?day=yesterday', headers: authed() })).statusCode, 400);
  });

  test('map: photos with usable GPS only (0,0 is no fix); outlines from Natural Earth', async () => {
    const p = await get('/api/map/points');
    assert.deepEqual(p.points, [[ids.dog, 43.46, 11.88]]);
    const c = await get('/api/map/countries');
    assert.ok(c.countries.length > 150);
    assert.ok(c.countries.some((x: { name: string }) => x.name === 'Italy'));
  });

  test("a person's photos, newest first; cover faces; 404 for an unknown person", async () => {
    const r = await get(`/api/people/${person}/photos`);
    assert.equal(r.total, 2);
    assert.deepEqual(r.items.map((i: { id: number }) => i.id), [ids.obama, ids.obama2]);
    const covers = await get(`/api/people/covers?ids=${person},999`);
    assert.ok(covers.covers[person].crop.startsWith('/api/faces/'));
    assert.equal(covers.covers[999], undefined);
    assert.equal((await app.inject({ url: '/api/people/999/photos', headers: authed() })).statusCode, 404);
  });

  test('Group now and naming one face go through the people port (with the token)', async () => {
    assert.equal((await app.inject({ method: 'POST', url: '/api/people/group', headers: headers() })).statusCode, 401);
    const g = await app.inject({ method: 'POST', url: '/api/people/group', headers: authed() });
    assert.equal(g.statusCode, 200, g.body);
    assert.deepEqual(g.json().report, { groups: { created: 1 } });
    const faceId = (h.db.prepare('SELECT id FROM faces WHERE file_id = ?').get(ids.obama) as { id: number }).id;
    const n = await app.inject({ method: 'POST', url: `/api/faces/${faceId}/name`, headers: authed(), payload: { name: '  Barack  Obama ' } });
    assert.equal(n.statusCode, 200, n.body);
    assert.equal(n.json().name, 'Barack Obama');
    assert.deepEqual(calls, ['group', `nameFace ${faceId} Barack Obama`]);
    assert.equal((await app.inject({ method: 'POST', url: '/api/faces/9999/name', headers: authed(), payload: { name: 'X' } })).statusCode, 404);
  });

  test('search: parsed parts and a label that says what ran; no "semantic" without CLIP', async () => {
    const r = await get(`/api/search?q=${encodeURIComponent('Canon EOS 5D Mark II')}`);
    assert.equal(r.mode, 'filter');
    assert.deepEqual(r.parts.map((p: { kind: string }) => p.kind), ['camera']);
    assert.equal(r.items[0].id, ids.obama2, 'the Mark II first');
    assert.ok(r.items.findIndex((i: { id: number }) => i.id === ids.obama) > 0, 'the Mark III after it');
    const t = await get('/api/search?q=corgi');
    assert.equal(t.mode, 'text');
    assert.match(t.label, /install a CLIP model/);
    assert.equal(t.empty, null, 'found: nothing to explain');
    // Nothing found: why, in words.
    const none = await get(`/api/search?q=${encodeURIComponent('Canon EOS 5D Mark II 2031')}`);
    assert.equal(none.total, 0);
    assert.equal(none.empty, 'no photo in the library matches 2031');
    const sim = await app.inject({ url: `/api/files/${ids.dog}/similar`, headers: authed() });
    assert.equal(sim.statusCode, 503);
    assert.match(sim.json().error.message, /needs a CLIP model/);
  });

  test('query plans: the timeline walks the capture-time index, the map the GPS index, lenses an index', () => {
    const plan = (sql: string, ...params: unknown[]) => (h.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    // The day counts and the map as the code asks them: their index alone, the gone files by the
    // state index, never a files row per photo (2.4 s for the day counts at 550K photos).
    const days = captured(h.db, () => timelineDays(h.db)).map((sql) => plan(sql)).join(' | ');
    assert.match(days, /SCAN m USING COVERING INDEX metadata_captured_at/);
    assert.match(days, /SEARCH gone USING COVERING INDEX files_state \(state=\?\)/);
    assert.doesNotMatch(days, /INTEGER PRIMARY KEY|SCAN f\b/);
    const fromDay = plan(`SELECT f.id FROM metadata m CROSS JOIN files f ON f.id = m.file_id WHERE m.captured_at < ? AND f.state = 'present' ORDER BY m.captured_at DESC, m.file_id DESC LIMIT 10`, '2010-05-10\uffff');
    assert.match(fromDay, /SEARCH m USING COVERING INDEX metadata_captured_at \(captured_at<\?\)/);
    assert.doesNotMatch(fromDay, /TEMP B-TREE/);
    const map = captured(h.db, () => mapPoints(h.db)).map((sql) => plan(sql)).join(' | ');
    assert.match(map, /SEARCH m USING COVERING INDEX metadata_gps/);
    assert.doesNotMatch(map, /INTEGER PRIMARY KEY|SCAN f\b/);
    assert.match(plan(`SELECT DISTINCT lens FROM metadata WHERE lens IS NOT NULL`), /metadata_lens/);
    assert.match(plan(`SELECT DISTINCT make, model FROM metadata WHERE make IS NOT NULL OR model IS NOT NULL`), /metadata_camera/);
    assert.match(plan(`SELECT label FROM tags WHERE label = ? COLLATE NOCASE LIMIT 1`, 'dog'), /tags_label/);
    assert.match(plan(`SELECT city FROM places WHERE city = ? COLLATE NOCASE`, 'Arezzo'), /places_city/);
    // A parsed camera phrase filters through the (make, model) index, one seek per camera.
    const cam = buildFilter(h.db, { cameras: [{ make: 'Canon', model: 'Canon EOS 6D' }] });
    assert.match(plan(cam.sql, ...cam.params), /SEARCH m USING COVERING INDEX metadata_camera \(make=\? AND model=\?\)/);
  });
});
