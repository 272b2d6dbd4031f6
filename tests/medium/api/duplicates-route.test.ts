import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildServer } from '../../../src/api/server.js';
import { findDuplicates } from '../../../src/duplicates/find-duplicates.js';
import { markDuplicates } from '../../../src/duplicates/mark.js';
import { readDesiredState } from '../../../src/xmp/desired-state.js';
import { authed, headers, makeHarness, seedFile, type Harness } from './harness.js';

describe('GET /api/duplicates (the page\'s review view)', () => {
  let h: Harness;
  const ids: Record<string, number> = {};

  before(async () => {
    h = makeHarness();
    ids.a = await seedFile(h, { rel: 'photos/scenes/eagle.jpg' });
    ids.b = await seedFile(h, { rel: 'photos/scenes/horses.jpg' });
    ids.c = await seedFile(h, { rel: 'photos/scenes/peacock.jpg' });
    // Two files with one content hash: an exact group, found by the real finder.
    h.db.prepare("UPDATE files SET content_hash = 'same' WHERE id IN (?, ?)").run(ids.a, ids.b);
    h.db.prepare("UPDATE files SET content_hash = 'other' WHERE id = ?").run(ids.c);
  });
  after(() => h?.cleanup());

  test('groups come with each file\'s thumbnail and exactly one keep', async () => {
    const app = buildServer({ ...h.deps, duplicates: { find: async () => ({ groups: await findDuplicates({ db: h.db, cacheDir: h.places.cacheDir, judge: null }), confirmedBy: 'hash' }) } });
    try {
      const r = await app.inject({ url: '/api/duplicates', headers: authed() });
      assert.equal(r.statusCode, 200, r.body);
      const body = r.json<{ confirmedBy: string; groups: { kind: string; keep: string; files: { id: number; thumbnail: string | null; keep: boolean }[] }[] }>();
      assert.equal(body.groups.length, 1);
      const g = body.groups[0]!;
      assert.equal(g.kind, 'exact');
      assert.deepEqual(g.files.map((f) => f.id).sort(), [ids.a, ids.b].sort());
      assert.equal(g.files.filter((f) => f.keep).length, 1);
      for (const f of g.files) assert.match(f.thumbnail ?? '', new RegExp(`^/api/files/${f.id}/thumbnail\\?v=`));
      const thumb = await app.inject({ url: g.files[0]!.thumbnail!, headers: authed() });
      assert.equal(thumb.statusCode, 200);
    } finally {
      await app.close();
    }
  });

  test('a daemon without the feature answers 503 with its code', async () => {
    const app = buildServer(h.deps);
    try {
      const r = await app.inject({ url: '/api/duplicates', headers: authed() });
      assert.equal(r.statusCode, 503);
      assert.equal(r.json<{ error: { code: string } }>().error.code, 'API_FEATURE_UNAVAILABLE');
    } finally {
      await app.close();
    }
  });

  test('marking happens only on request: a keyword through the writeback, never a deletion', async () => {
    const port = { find: async () => ({ groups: [], confirmedBy: 'hash' }), mark: (ids: readonly number[], label?: string) => markDuplicates(h.db, ids, label) };
    const app = buildServer({ ...h.deps, duplicates: port });
    try {
      const anon = await app.inject({ method: 'POST', url: '/api/duplicates/mark', headers: headers({ 'content-type': 'application/json' }), payload: { fileIds: [ids.b] } });
      assert.equal(anon.statusCode, 401, 'a state change needs the token');
      const bad = await app.inject({ method: 'POST', url: '/api/duplicates/mark', headers: authed({ 'content-type': 'application/json' }), payload: { fileIds: [ids.b], label: 'a|b' } });
      assert.equal(bad.statusCode, 400);
      const r = await app.inject({ method: 'POST', url: '/api/duplicates/mark', headers: authed({ 'content-type': 'application/json' }), payload: { fileIds: [ids.b] } });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { marked: 1 });
      const want = readDesiredState(h.db, ids.b!, { keywordRoot: 'rawlight', minTagScore: 0.25 });
      assert.ok(JSON.stringify(want).includes('duplicate'), JSON.stringify(want));
      const job = h.db.prepare("SELECT state FROM jobs WHERE file_id = ? AND pass = 'writeback'").get(ids.b) as { state: string } | undefined;
      assert.equal(job?.state, 'pending', 'the writeback pass is asked for');
      assert.equal((h.db.prepare("SELECT state FROM files WHERE id = ?").get(ids.b) as { state: string }).state, 'present');
      const missing = await app.inject({ method: 'POST', url: '/api/duplicates/mark', headers: authed({ 'content-type': 'application/json' }), payload: { fileIds: [999999] } });
      assert.equal(missing.statusCode, 404);
    } finally {
      await app.close();
    }
  });
});
