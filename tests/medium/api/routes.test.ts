import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../../src/api/server.js';
import type { SearchPort, WritebackPort } from '../../../src/api/ports.js';
import { peoplePort } from '../../../src/daemon-api.js';
import { addFace, addJob, buildWeb, addPerson, authed, headers, makeHarness, passResult, seedFile, TOKEN, type Harness } from './harness.js';

describe('API routes (inject, real SQLite and cache files)', () => {
  let h: Harness;
  let app: FastifyInstance;
  const ids: Record<string, number> = {};
  let obamaPerson = 0;
  let unnamed = 0;
  let faceIds: number[] = [];
  const revealed: string[][] = [];
  const writebackApplied: number[][] = [];

  before(async () => {
    buildWeb();
    h = makeHarness();
    ids.obama = await seedFile(h, { rel: 'photos/people/obama_1.jpg', make: 'Canon', model: 'Canon EOS 5D Mark III', capturedAt: '2012-05-01T10:00:00', people: ['Barack Obama'] });
    ids.biden = await seedFile(h, { rel: 'photos/people/biden_1.jpg', make: 'NIKON', model: 'D90', capturedAt: '2015-07-04T12:00:00' });
    ids.dog = await seedFile(h, { rel: 'photos/scenes/dog_corgi.jpg', capturedAt: '2020-01-01T08:00:00', keywords: ['dog', 'pet'] });
    ids.beach = await seedFile(h, { rel: 'photos/scenes/beach_palms.jpg', capturedAt: '2021-06-01T08:00:00' });
    ids.nopreview = await seedFile(h, { rel: 'photos/scenes/cat_black.jpg', preview: false });
    h.db.prepare(`INSERT INTO tags (file_id, label, score, source, model) VALUES (?, 'dog', 0.9, 'clip', 'm'), (?, 'beach', 0.8, 'clip', 'm')`).run(ids.dog, ids.beach);
    h.db.prepare(`INSERT INTO places (file_id, city, region, country, country_code) VALUES (?, 'Arezzo', 'Tuscany', 'Italy', 'IT')`).run(ids.beach);
    obamaPerson = addPerson(h, 'Barack Obama');
    unnamed = addPerson(h, null);
    faceIds = [await addFace(h, ids.obama!, 0, { x: 0.3, y: 0.15, w: 0.35, h: 0.3 }, obamaPerson), await addFace(h, ids.biden!, 0, { x: 0.3, y: 0.2, w: 0.3, h: 0.3 }, unnamed)];
    passResult(h, ids.obama!, 'metadata', 'ok');
    passResult(h, ids.biden!, 'metadata', 'ok');
    passResult(h, ids.dog!, 'metadata', 'failed', 'METADATA_UNREADABLE');
    addJob(h, ids.dog!, 'preview', 'pending');
    addJob(h, ids.beach!, 'faces', 'dead', 'INFERENCE_FAILED');

    const search: SearchPort = {
      search: (q) => (q.includes('dog') ? [{ fileId: ids.dog!, score: 0.31 }, { fileId: ids.beach!, score: 0.2 }] : [{ fileId: ids.beach!, score: 0.25 }]),
      similar: (id) => [{ fileId: id, score: 1 }, { fileId: ids.beach!, score: 0.7 }, { fileId: ids.dog!, score: 0.5 }],
    };
    const writeback: WritebackPort = {
      preview: (id) => ({ add: { PersonInImage: ['X'] }, fileId: id }),
      apply: (fileIds) => (writebackApplied.push([...fileIds]), fileIds.length),
    };
    app = buildServer({
      ...h.deps,
      search,
      // The daemon's real people port (src/daemon-api.ts), on the same database.
      people: peoplePort(h.db),
      writeback,
      reveal: async (file) => (revealed.push([file]), { revealed: true, how: 'test' }),
    });
    await app.ready();
  });
  after(async () => {
    await app.close();
    h.cleanup();
  });

  test('GET /api/status has the status contract plus daemon state', async () => {
    const r = await app.inject({ url: '/api/status', headers: authed() });
    assert.equal(r.statusCode, 200);
    const s = r.json();
    assert.equal(s.files, 5);
    assert.deepEqual(Object.keys(s.passes).sort(), ['faces', 'metadata', 'preview', 'scan']);
    assert.equal(s.passes.metadata.done, 2);
    assert.equal(s.passes.metadata.failed, 1);
    assert.equal(s.passes.preview.pending, 1);
    assert.equal(s.passes.faces.dead, 1);
    assert.deepEqual({ pending: s.queue.pending, leased: s.queue.leased, dead: s.queue.dead }, { pending: 1, leased: 0, dead: 1 });
    assert.ok(s.throughput.runsPerMinute > 0);
    assert.equal(typeof s.eta.seconds, 'number');
    assert.equal(s.recentErrors[0].code, 'METADATA_UNREADABLE');
    assert.equal(s.deadJobs[0].code, 'INFERENCE_FAILED');
    assert.equal(s.paused, false);
    assert.deepEqual(s.libraries, [h.library]);
    assert.equal(s.permissions[0].name, 'fullDiskAccess');
    assert.deepEqual(s.watch, { backend: 'test', folders: 1 });
  });

  test('GET /api/files pages and filters', async () => {
    const all = (await app.inject({ url: '/api/files?limit=2', headers: authed() })).json();
    assert.equal(all.total, 5);
    assert.equal(all.items.length, 2);
    assert.equal(all.items[0].id, ids.beach, 'newest capture first');
    const page2 = (await app.inject({ url: '/api/files?limit=2&offset=2', headers: authed() })).json();
    assert.equal(page2.items[0].id, ids.biden);
    const byTag = (await app.inject({ url: '/api/files?tag=dog', headers: authed() })).json();
    assert.deepEqual(byTag.items.map((i: { id: number }) => i.id), [ids.dog]);
    const byPlace = (await app.inject({ url: '/api/files?place=arezzo', headers: authed() })).json();
    assert.deepEqual(byPlace.items.map((i: { id: number }) => i.id), [ids.beach]);
    const byCamera = (await app.inject({ url: '/api/files?camera=nikon', headers: authed() })).json();
    assert.deepEqual(byCamera.items.map((i: { id: number }) => i.id), [ids.biden]);
    const byPerson = (await app.inject({ url: '/api/files?person=barack%20OBAMA', headers: authed() })).json();
    assert.deepEqual(byPerson.items.map((i: { id: number }) => i.id), [ids.obama], 'the whole name, any case');
    const partName = (await app.inject({ url: '/api/files?person=obama', headers: authed() })).json();
    assert.deepEqual(partName.items, [], 'a part of a name is not the person (as in search)');
    const byDate = (await app.inject({ url: '/api/files?from=2015-01-01&to=2020-12-31', headers: authed() })).json();
    assert.deepEqual(byDate.items.map((i: { id: number }) => i.id).sort(), [ids.biden, ids.dog].sort());
    assert.match(all.items[0].thumbnail, /^\/api\/files\/\d+\/thumbnail\?v=/);
  });

  test('bad query parameters are clear 400s', async () => {
    for (const url of ['/api/files?limit=0', '/api/files?limit=abc', '/api/files?offset=-1', '/api/files?from=yesterday', '/api/files?kind=video', '/api/files?bogus=1', '/api/search', '/api/search?q=', '/api/search?q=%20%20', '/api/jobs/dead?limit=100000', '/api/people?sample=99']) {
      const r = await app.inject({ url, headers: authed() });
      assert.equal(r.statusCode, 400, url);
      assert.equal(r.json().error.code, 'API_BAD_REQUEST', url);
      assert.match(r.json().error.message, /Invalid request: .+/, url);
    }
  });

  test('GET /api/files/:id returns metadata, faces, tags, place, pass history', async () => {
    const d = (await app.inject({ url: `/api/files/${ids.obama}`, headers: authed() })).json();
    assert.equal(d.name, 'obama_1.jpg');
    assert.equal(d.camera, 'Canon EOS 5D Mark III');
    assert.equal(d.faces.length, 1);
    assert.equal(d.faces[0].personName, 'Barack Obama');
    assert.deepEqual(d.faces[0].box, { x: 0.3, y: 0.15, w: 0.35, h: 0.3 });
    assert.equal(d.passResults[0].pass, 'metadata');
    const beach = (await app.inject({ url: `/api/files/${ids.beach}`, headers: authed() })).json();
    assert.equal(beach.place.city, 'Arezzo');
    assert.equal(beach.tags[0].label, 'beach');
    assert.equal((await app.inject({ url: '/api/files/999999', headers: authed() })).statusCode, 404);
  });

  test('thumbnails and previews: real JPEG bytes, cache validators, 404 when none', async () => {
    const list = (await app.inject({ url: '/api/files?limit=1', headers: authed() })).json();
    const url = list.items[0].thumbnail as string;
    const r = await app.inject({ url, headers: authed() });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], 'image/jpeg');
    assert.equal(r.rawPayload.subarray(0, 2).toString('hex'), 'ffd8');
    assert.match(String(r.headers['cache-control']), /immutable/);
    const etag = String(r.headers.etag);
    const again = await app.inject({ url, headers: authed({ 'if-none-match': etag }) });
    assert.equal(again.statusCode, 304);
    const unversioned = await app.inject({ url: `/api/files/${ids.beach}/preview`, headers: authed() });
    assert.equal(unversioned.statusCode, 200);
    assert.match(String(unversioned.headers['cache-control']), /no-cache/);
    assert.ok(unversioned.rawPayload.length > r.rawPayload.length, 'preview is bigger than the thumbnail');
    assert.equal((await app.inject({ url: `/api/files/${ids.nopreview}/thumbnail`, headers: authed() })).statusCode, 404);
    assert.equal((await app.inject({ url: '/api/files/424242/preview', headers: authed() })).statusCode, 404);
    const crop = await app.inject({ url: `/api/faces/${faceIds[0]}/crop`, headers: authed() });
    assert.equal(crop.statusCode, 200);
    assert.equal(crop.headers['content-type'], 'image/jpeg');
    assert.equal((await app.inject({ url: '/api/faces/9999/crop', headers: authed() })).statusCode, 404);
  });

  test('search: semantic through the port with filters, text without it', async () => {
    const r = (await app.inject({ url: '/api/search?q=a%20dog', headers: authed() })).json();
    assert.equal(r.mode, 'semantic');
    assert.deepEqual(r.items.map((i: { id: number }) => i.id), [ids.dog, ids.beach]);
    assert.equal(r.items[0].score, 0.31);
    const filtered = (await app.inject({ url: '/api/search?q=dog&place=Arezzo', headers: authed() })).json();
    assert.deepEqual(filtered.items.map((i: { id: number }) => i.id), [ids.beach]);
    const text = (await app.inject({ url: '/api/search?q=corgi&mode=text', headers: authed() })).json();
    assert.equal(text.mode, 'text');
    assert.deepEqual(text.items.map((i: { id: number }) => i.id), [ids.dog]);
    const bare = buildServer(h.deps);
    const t2 = (await bare.inject({ url: '/api/search?q=obama', headers: authed() })).json();
    assert.deepEqual(t2.items.map((i: { id: number }) => i.id), [ids.obama]);
    const sim = await bare.inject({ url: `/api/files/${ids.dog}/similar`, headers: authed() });
    assert.equal(sim.statusCode, 503);
    assert.equal(sim.json().error.code, 'API_FEATURE_UNAVAILABLE');
    await bare.close();
  });

  test('similar: excludes the file itself, 404 for unknown ids', async () => {
    const r = (await app.inject({ url: `/api/files/${ids.dog}/similar`, headers: authed() })).json();
    assert.deepEqual(r.items.map((i: { id: number }) => i.id), [ids.beach]);
    assert.equal((await app.inject({ url: '/api/files/77777/similar', headers: authed() })).statusCode, 404);
    assert.equal((await app.inject({ url: `/api/files/${ids.dog}/similar?limit=x`, headers: authed() })).statusCode, 400);
  });

  test('people: list, suggest, name, merge, remove face, ignore, undo', async () => {
    const list = (await app.inject({ url: '/api/people', headers: authed() })).json();
    assert.equal(list.total, 2);
    assert.equal(list.items[0].name, 'Barack Obama', 'named first');
    assert.equal(list.items[1].name, null);
    assert.deepEqual(list.items[1].faces, [faceIds[1]]);
    assert.equal(list.editable, true);
    const sug = (await app.inject({ url: '/api/people/suggest?q=bar', headers: authed() })).json();
    assert.deepEqual(sug.names, ['Barack Obama']);

    const wakes = () => h.control.calls.filter((c) => c === 'wake').length;
    const wokenBefore = wakes();
    const named = await app.inject({ method: 'POST', url: `/api/people/${unnamed}/name`, headers: authed(), payload: { name: '  Joe   Biden ' } });
    assert.equal(named.statusCode, 200, named.body);
    assert.equal(named.json().name, 'Joe Biden');
    assert.equal((await app.inject({ url: `/api/people/${unnamed}`, headers: authed() })).json().name, 'Joe Biden');
    const wb = h.db.prepare(`SELECT file_id FROM jobs WHERE pass = 'writeback'`).all() as { file_id: number }[];
    assert.deepEqual(wb.map((j) => j.file_id), [ids.biden], 'naming asks writeback to reconsider the photo');
    assert.equal(wakes(), wokenBefore + 1, 'and wakes the sleeping workers to do it now');

    const undo = (await app.inject({ method: 'POST', url: '/api/people/undo', headers: authed(), payload: {} })).json();
    // The real port names what was undone (the naming), not the undo itself.
    assert.match(undo.undone, /^name \(action \d+\)$/);
    assert.equal((await app.inject({ url: `/api/people/${unnamed}`, headers: authed() })).json().name, null);

    assert.equal((await app.inject({ method: 'POST', url: `/api/people/${unnamed}/name`, headers: authed(), payload: { name: '' } })).statusCode, 400);
    assert.equal((await app.inject({ method: 'POST', url: `/api/people/${unnamed}/name`, headers: authed(), payload: {} })).statusCode, 400);
    assert.equal((await app.inject({ method: 'POST', url: '/api/people/5555/name', headers: authed(), payload: { name: 'X' } })).statusCode, 404);

    const ign = (await app.inject({ method: 'POST', url: `/api/people/${unnamed}/ignore`, headers: authed(), payload: { ignored: true } })).json();
    assert.equal(ign.ignored, true);
    assert.equal((await app.inject({ url: '/api/people', headers: authed() })).json().total, 1, 'ignored people are hidden by default');
    assert.equal((await app.inject({ url: '/api/people?ignored=true', headers: authed() })).json().total, 2);
    await app.inject({ method: 'POST', url: `/api/people/${unnamed}/ignore`, headers: authed(), payload: { ignored: false } });

    assert.equal((await app.inject({ method: 'POST', url: `/api/people/${unnamed}/merge`, headers: authed(), payload: { into: unnamed } })).statusCode, 400);
    assert.equal((await app.inject({ method: 'POST', url: `/api/people/${unnamed}/merge`, headers: authed(), payload: { into: 8888 } })).statusCode, 404);
    const merged = await app.inject({ method: 'POST', url: `/api/people/${unnamed}/merge`, headers: authed(), payload: { into: obamaPerson } });
    assert.equal(merged.statusCode, 200, merged.body);
    assert.equal(merged.json().faceCount, 2);
    assert.equal((await app.inject({ url: `/api/people/${unnamed}`, headers: authed() })).statusCode, 404);

    const removed = await app.inject({ method: 'POST', url: `/api/faces/${faceIds[1]}/remove`, headers: authed(), payload: {} });
    assert.equal(removed.statusCode, 200);
    assert.equal((await app.inject({ url: `/api/people/${obamaPerson}`, headers: authed() })).json().faceCount, 1);
    assert.equal((await app.inject({ method: 'POST', url: '/api/faces/99999/remove', headers: authed(), payload: {} })).statusCode, 404);
  });

  test('people changes without the people feature answer 503', async () => {
    const bare = buildServer(h.deps);
    const r = await bare.inject({ method: 'POST', url: `/api/people/${obamaPerson}/name`, headers: authed(), payload: { name: 'B' } });
    assert.equal(r.statusCode, 503);
    assert.equal((await bare.inject({ url: '/api/people', headers: authed() })).json().editable, false);
    await bare.close();
  });

  test('writeback preview and apply', async () => {
    const p = (await app.inject({ url: `/api/files/${ids.obama}/writeback`, headers: authed() })).json();
    assert.equal(p.preview.fileId, ids.obama);
    assert.equal((await app.inject({ url: '/api/files/31337/writeback', headers: authed() })).statusCode, 404);
    const a = await app.inject({ method: 'POST', url: '/api/writeback/apply', headers: authed(), payload: { fileIds: [ids.obama, ids.dog] } });
    assert.deepEqual(a.json(), { accepted: 2 });
    assert.deepEqual(writebackApplied.at(-1), [ids.obama, ids.dog]);
    assert.equal((await app.inject({ method: 'POST', url: '/api/writeback/apply', headers: authed(), payload: { fileIds: [] } })).statusCode, 400);
    assert.equal((await app.inject({ method: 'POST', url: '/api/writeback/apply', headers: authed(), payload: { fileIds: ['x'] } })).statusCode, 400);
    assert.equal((await app.inject({ method: 'POST', url: '/api/writeback/apply', headers: authed(), payload: { fileIds: [123456] } })).statusCode, 404);
    // Without the port, apply falls back to asking the queue.
    const bare = buildServer(h.deps);
    assert.equal((await bare.inject({ url: `/api/files/${ids.obama}/writeback`, headers: authed() })).statusCode, 503);
    const q = await bare.inject({ method: 'POST', url: '/api/writeback/apply', headers: authed(), payload: { fileIds: [ids.beach] } });
    assert.deepEqual(q.json(), { accepted: 1 });
    assert.ok(h.db.prepare(`SELECT 1 FROM jobs WHERE pass = 'writeback' AND file_id = ?`).get(ids.beach));
    await bare.close();
  });

  test('dead jobs: list and retry one or all', async () => {
    const dead = (await app.inject({ url: '/api/jobs/dead', headers: authed() })).json();
    assert.equal(dead.total, 1);
    const jobId = dead.items[0].jobId as number;
    assert.equal(dead.items[0].code, 'INFERENCE_FAILED');
    assert.equal((await app.inject({ method: 'POST', url: '/api/jobs/retry', headers: authed(), payload: { jobId: 424242 } })).statusCode, 404);
    assert.equal((await app.inject({ method: 'POST', url: '/api/jobs/retry', headers: authed(), payload: { jobId: 'one' } })).statusCode, 400);
    const r = (await app.inject({ method: 'POST', url: '/api/jobs/retry', headers: authed(), payload: { jobId } })).json();
    assert.deepEqual(r, { retried: 1 });
    assert.equal((h.db.prepare('SELECT state FROM jobs WHERE id = ?').get(jobId) as { state: string }).state, 'pending');
    addJob(h, ids.obama!, 'faces', 'dead', 'X');
    addJob(h, ids.biden!, 'faces', 'dead', 'X');
    assert.deepEqual((await app.inject({ method: 'POST', url: '/api/jobs/retry', headers: authed(), payload: {} })).json(), { retried: 2 });
  });

  test('libraries: list, add (existing folders only), remove', async () => {
    assert.deepEqual((await app.inject({ url: '/api/libraries', headers: authed() })).json(), { libraries: [h.library] });
    const extra = h.places.cacheDir;
    const add = await app.inject({ method: 'POST', url: '/api/libraries', headers: authed(), payload: { path: extra } });
    assert.equal(add.statusCode, 200);
    assert.deepEqual(add.json().libraries, [h.library, extra]);
    for (const bad of ['relative/dir', '/definitely/not/here', `${h.library}/../../etc/passwd-nope`]) {
      const r = await app.inject({ method: 'POST', url: '/api/libraries', headers: authed(), payload: { path: bad } });
      assert.equal(r.statusCode, 400, bad);
      assert.doesNotMatch(r.body, /definitely|passwd/, 'the answer does not echo the path');
    }
    assert.equal((await app.inject({ method: 'POST', url: '/api/libraries/remove', headers: authed(), payload: { path: '/nope' } })).statusCode, 404);
    const rm = await app.inject({ method: 'POST', url: '/api/libraries/remove', headers: authed(), payload: { path: extra } });
    assert.deepEqual(rm.json().libraries, [h.library]);
    assert.deepEqual(h.control.calls.filter((c) => c.startsWith('add') || c.startsWith('remove')), [`add ${extra}`, `remove ${extra}`]);
  });

  test('pause and resume', async () => {
    assert.deepEqual((await app.inject({ method: 'POST', url: '/api/pause', headers: authed() })).json(), { paused: true });
    assert.equal((await app.inject({ url: '/api/status', headers: authed() })).json().paused, true);
    assert.deepEqual((await app.inject({ method: 'POST', url: '/api/resume', headers: authed() })).json(), { paused: false });
    assert.equal(h.control.paused, false);
  });

  test('reveal runs the injected runner with the path from the database only', async () => {
    const r = await app.inject({ method: 'POST', url: `/api/files/${ids.dog}/reveal`, headers: authed(), payload: {} });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { revealed: true, how: 'test' });
    assert.match(revealed.at(-1)![0]!, /dog_corgi\.jpg$/);
    assert.equal((await app.inject({ method: 'POST', url: '/api/files/987654/reveal', headers: authed(), payload: {} })).statusCode, 404);
  });

  test('the page at / sets nothing; /?token= signs in (HttpOnly, SameSite=Strict, derived secret) and redirects to /', async () => {
    const r = await app.inject({ url: '/', headers: headers({ 'sec-fetch-site': 'none' }) });
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /<title>rawlight<\/title>/);
    assert.equal(r.headers['set-cookie'], undefined, 'a plain GET / signs nobody in');
    assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/);
    const signIn = await app.inject({ url: `/?token=${encodeURIComponent(TOKEN)}`, headers: headers({ 'sec-fetch-site': 'none' }) });
    assert.equal(signIn.statusCode, 303);
    assert.equal(signIn.headers.location, '/');
    const cookie = String(signIn.headers['set-cookie']);
    assert.match(cookie, /^rawlight_session=[A-Za-z0-9_-]{20,}; Max-Age=\d{8}; Path=\/; HttpOnly; SameSite=Strict$/);
    assert.ok(!cookie.includes(TOKEN), 'the cookie never holds the token itself');
    const session = await app.inject({ url: '/api/session', headers: headers({ cookie: cookie.split(';')[0]! }) });
    assert.equal(session.statusCode, 200);
    assert.equal(session.json().authorized, true);
    assert.equal((await app.inject({ url: '/api/session', headers: headers() })).statusCode, 401);
    const css = await app.inject({ url: '/style.css', headers: headers() });
    assert.equal(css.statusCode, 200);
    const js = await app.inject({ url: '/app.js', headers: headers() });
    assert.equal(js.statusCode, 200, 'the compiled page modules are served (npx tsc -p web/tsconfig.json)');
    assert.match(String(js.headers['content-type']), /javascript/);
  });

  test('unknown routes are JSON 404s', async () => {
    const r = await app.inject({ url: '/api/nope', headers: authed() });
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().error.code, 'API_NOT_FOUND');
  });
});
