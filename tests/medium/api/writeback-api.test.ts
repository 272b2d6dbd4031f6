import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../../src/api/server.js';
import type { WritebackPort } from '../../../src/api/ports.js';
import { authed, headers, makeHarness, seedFile, type Harness } from './harness.js';

describe('API: writeback through the daemon, and what needs attention', () => {
  let h: Harness;
  let app: FastifyInstance;
  const runs: unknown[] = [];
  before(async () => {
    h = makeHarness();
    const writeback: WritebackPort = {
      preview: () => ({ changes: [], conflicts: [] }),
      apply: (ids) => ids.length,
      run: (o) => {
        runs.push(o);
        return { dryRun: o.dryRun, repair: o.repair, files: [], unmatched: [], summary: { considered: 0, withChanges: 0, written: 0, conflicts: 0, failed: 0 } };
      },
    };
    app = buildServer({ ...h.deps, writeback });
    await app.ready();
  });
  after(async () => {
    await app.close();
    h.cleanup();
  });

  test('POST /api/writeback/run needs the token and hands the run to the daemon\'s writer', async () => {
    const body = { paths: [h.library], dryRun: true, repair: true };
    const refused = await app.inject({ method: 'POST', url: '/api/writeback/run', headers: headers({ 'content-type': 'application/json' }), payload: body });
    assert.ok(refused.statusCode === 401 || refused.statusCode === 403, `no token: ${refused.statusCode}`);
    assert.equal(runs.length, 0);
    const ok = await app.inject({ method: 'POST', url: '/api/writeback/run', headers: authed({ 'content-type': 'application/json' }), payload: body });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(runs, [{ paths: [h.library], dryRun: true, repair: true, restore: false }]);
    const bad = await app.inject({ method: 'POST', url: '/api/writeback/run', headers: authed({ 'content-type': 'application/json' }), payload: { paths: 'x' } });
    assert.equal(bad.statusCode, 400);
  });

  test('/api/status counts sidecars overwritten by Lightroom and unrecovered writes', async () => {
    const before = (await app.inject({ url: '/api/status', headers: authed() })).json() as { xmp: { overwritten: number; unrecovered: number } };
    assert.deepEqual(before.xmp, { overwritten: 0, unrecovered: 0 });
    const id = await seedFile(h, { rel: 'photos/people/obama_4.jpg' });
    h.db.prepare(`INSERT INTO xmp_state (file_id, target, target_kind, status, updated_at) VALUES (?, '/x/obama_4.jpg.xmp', 'sidecar', 'overwritten', 0)`).run(id);
    h.db.prepare(`INSERT INTO xmp_recoveries (path, action, detail, at) VALUES ('/x/a.jpg', 'restore-failed', 'test', 0)`).run();
    const s = (await app.inject({ url: '/api/status', headers: authed() })).json() as { xmp: { overwritten: number; unrecovered: number } };
    assert.deepEqual(s.xmp, { overwritten: 1, unrecovered: 1 });
  });
});
