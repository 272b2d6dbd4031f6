import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../../src/api/server.js';
import { DaemonError } from '../../../src/errors/index.js';
import { authed, headers, makeHarness, type Harness } from './harness.js';

/** POST /api/index (what `rawlight index` asks of a running daemon): checked here, walked by the daemon. */
describe('API: index folders through the daemon', () => {
  let h: Harness;
  let app: FastifyInstance;
  const asked: { dirs: readonly string[]; passes: readonly string[] | undefined }[] = [];
  before(async () => {
    h = makeHarness();
    h.control.index = async (dirs, passes) => {
      if (passes?.includes('facez')) throw new DaemonError('PASS_UNKNOWN', 'facez; the passes are scan, metadata');
      asked.push({ dirs, passes });
      return { roots: dirs.map((root) => ({ root, state: 'online', seen: 0, added: 0, changed: 0, moved: 0, gone: 0, unreadable: [] })), waitFor: ['scan', 'metadata'] };
    };
    app = buildServer(h.deps);
    await app.ready();
  });
  after(async () => {
    await app.close();
    h.cleanup();
  });
  const post = (payload: unknown, auth = true) => app.inject({ method: 'POST', url: '/api/index', headers: (auth ? authed : headers)({ 'content-type': 'application/json' }), payload: payload as object });

  test('needs the token; hands existing absolute folders over once each, as resolved', async () => {
    const card = path.join(h.library, '..', 'card');
    mkdirSync(card, { recursive: true });
    const refused = await post({ dirs: [card] }, false);
    assert.ok(refused.statusCode === 401 || refused.statusCode === 403, `no token: ${refused.statusCode}`);
    assert.equal(asked.length, 0);
    const ok = await post({ dirs: [card, `${card}/`, h.library], passes: ['metadata'] });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(asked, [{ dirs: [path.resolve(card), h.library], passes: ['metadata'] }]);
    assert.deepEqual((ok.json() as { waitFor: string[] }).waitFor, ['scan', 'metadata']);
  });

  test('refused: a relative path, a missing folder, a file, no folder at all, an unknown pass', async () => {
    const file = path.join(h.library, 'a.jpg');
    writeFileSync(file, 'x');
    const before = asked.length;
    for (const body of [{ dirs: ['relative/dir'] }, { dirs: [path.join(h.library, 'nope')] }, { dirs: [file] }, { dirs: [] }, { dirs: [h.library], passes: 'metadata' }]) {
      const r = await post(body);
      assert.equal(r.statusCode, 400, JSON.stringify(body));
      assert.equal((r.json() as { error: { code: string } }).error.code, 'API_BAD_REQUEST');
    }
    const typo = await post({ dirs: [h.library], passes: ['facez'] });
    assert.equal(typo.statusCode, 400);
    assert.equal((typo.json() as { error: { code: string } }).error.code, 'PASS_UNKNOWN');
    assert.equal(asked.length, before, 'nothing handed over');
  });
});
