import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync, chmodSync, symlinkSync } from 'node:fs';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ensureToken, sessionSecret, tokenPath } from '../../../src/api/api-token.js';
import { redactPaths } from '../../../src/api/api-error.js';
import { buildServer, startServer } from '../../../src/api/server.js';
import { parseConfig } from '../../../src/config/index.js';
import { DaemonError } from '../../../src/errors/index.js';
import { authed, headers, HOST, makeHarness, PORT, seedFile, TOKEN, type Harness } from './harness.js';

/** Every route with a path parameter, with the method it answers. */
const ID_ROUTES: [string, string][] = [
  ['GET', '/api/files/:id'],
  ['GET', '/api/files/:id/thumbnail'],
  ['GET', '/api/files/:id/preview'],
  ['GET', '/api/files/:id/similar'],
  ['GET', '/api/files/:id/writeback'],
  ['GET', '/api/faces/:id/crop'],
  ['GET', '/api/people/:id'],
  ['POST', '/api/files/:id/reveal'],
  ['POST', '/api/people/:id/name'],
  ['POST', '/api/people/:id/merge'],
  ['POST', '/api/people/:id/ignore'],
  ['POST', '/api/faces/:id/remove'],
];

const NASTY = ['..%2F..%2F..%2Fetc%2Fpasswd', '%2Fetc%2Fpasswd', '..', '%2E%2E', '1%2F..%2F..%2Fsecret.jpg', '%00', '1.5', '-1', '0', '1e3', '0x10', 'C%3A%5Cwindows', '~root', '99999999999999999999'];

describe('API security', () => {
  let h: Harness;
  let app: FastifyInstance;
  let secret: string;
  let fileId: number;
  const reads: string[] = [];
  const origOpen = fs.open;

  before(async () => {
    h = makeHarness();
    fileId = await seedFile(h, { rel: 'photos/scenes/dog_corgi.jpg' });
    secret = path.join(h.dir, 'secret.jpg');
    writeFileSync(secret, 'TOP-SECRET-BYTES');
    app = buildServer({ ...h.deps, reveal: async () => ({ revealed: true, how: 'test' }) });
    await app.ready();
  });
  after(async () => {
    await app.close();
    h.cleanup();
  });

  test('a foreign Host (DNS rebinding) is rejected on every kind of route', async () => {
    for (const host of ['evil.example:7414', 'localhost', `127.0.0.1:${PORT + 1}`, '127.0.0.1.nip.io:7414', '', 'localhost:7414.evil.com', '[::2]:7414']) {
      for (const url of ['/', '/api/status', `/api/files/${fileId}/thumbnail`]) {
        const r = await app.inject({ url, headers: { host } });
        assert.equal(r.statusCode, 403, `${host} ${url}`);
        assert.equal(r.json().error.code, 'API_FORBIDDEN_HOST');
      }
    }
    for (const host of [`localhost:${PORT}`, `127.0.0.1:${PORT}`, `[::1]:${PORT}`, `LOCALHOST:${PORT}`]) {
      assert.equal((await app.inject({ url: '/api/status', headers: { host, 'x-rawlight-token': TOKEN } })).statusCode, 200, host);
    }
  });

  test('cross-origin state-changing requests are rejected even with the token', async () => {
    const cases: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'http://localhost:3000' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: `http://${HOST}`, 'sec-fetch-site': 'cross-site' },
    ];
    for (const extra of cases) {
      const r = await app.inject({ method: 'POST', url: '/api/pause', headers: authed(extra) });
      assert.equal(r.statusCode, 403, JSON.stringify(extra));
      assert.equal(r.json().error.code, 'API_CROSS_ORIGIN');
    }
    assert.equal(h.control.paused, false, 'nothing was paused');
    // Reads from another site are refused too (an <img> or fetch() could probe the library).
    const probe = await app.inject({ url: `/api/files/${fileId}/thumbnail`, headers: authed({ 'sec-fetch-site': 'cross-site' }) });
    assert.equal(probe.statusCode, 403);
    const ok = await app.inject({ method: 'POST', url: '/api/pause', headers: authed({ origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' }) });
    assert.equal(ok.statusCode, 200);
    await app.inject({ method: 'POST', url: '/api/resume', headers: authed() });
  });

  test('no or wrong token → 401 on every state-changing route; the cookie works', async () => {
    const callsBefore = h.control.calls.length;
    const posts = ['/api/pause', '/api/resume', '/api/jobs/retry', '/api/libraries', '/api/libraries/remove', '/api/writeback/apply', '/api/people/undo', `/api/people/1/name`, `/api/files/${fileId}/reveal`, '/api/faces/1/remove', '/api/nonexistent'];
    for (const url of posts) {
      for (const auth of [{}, { 'x-rawlight-token': 'wrong' }, { cookie: 'rawlight_session=wrong' }, { cookie: `rawlight_session=${TOKEN}` }, { 'x-rawlight-token': TOKEN.slice(0, -1) }]) {
        const r = await app.inject({ method: 'POST', url, headers: headers(auth), payload: {} });
        assert.equal(r.statusCode, 401, `${url} ${JSON.stringify(auth)}`);
        assert.equal(r.json().error.code, 'API_UNAUTHORIZED');
      }
    }
    for (const method of ['PUT', 'DELETE', 'PATCH'] as const) {
      assert.equal((await app.inject({ method, url: '/api/pause', headers: headers() })).statusCode, 401);
    }
    assert.equal(h.control.calls.length, callsBefore, 'no control action ran');
    assert.equal(h.control.paused, false);
    const viaCookie = await app.inject({ method: 'POST', url: '/api/pause', headers: headers({ cookie: `other=1; rawlight_session=${sessionSecret(TOKEN)}` }) });
    assert.equal(viaCookie.statusCode, 200);
    assert.equal(h.control.paused, true);
    await app.inject({ method: 'POST', url: '/api/resume', headers: authed() });
  });

  test('path traversal and absolute paths in every parameter → 404, no file read', async () => {
    reads.length = 0;
    const spy = (p: fs.PathLike, ...rest: unknown[]) => {
      reads.push(String(p));
      return (origOpen as (...a: unknown[]) => unknown)(p, ...rest);
    };
    (fs as { open: unknown }).open = spy;
    try {
      for (const [method, route] of ID_ROUTES) {
        for (const bad of NASTY) {
          const url = route.replace(':id', bad);
          const r = await app.inject({ method: method as 'GET' | 'POST', url, headers: authed(), ...(method === 'POST' ? { payload: { name: 'x', into: 1 } } : {}) });
          assert.equal(r.statusCode, 404, `${method} ${url} → ${r.statusCode} ${r.body}`);
          assert.doesNotMatch(r.body, /TOP-SECRET|root:x:/);
        }
      }
      for (const url of ['/..%2F..%2Fetc%2Fpasswd', '/../../etc/passwd', '/%2Fetc%2Fpasswd', '/static/..%2F..%2Fsecret.jpg', '/api/files/1/thumbnail/..%2F..%2F..%2Fsecret.jpg', '/style.css/..%2F..%2Fpackage.json', '/.env']) {
        const r = await app.inject({ url, headers: authed() });
        assert.equal(r.statusCode, 404, url);
      }
      // Query parameters are never paths: ?v= is only compared to the stored hash.
      const v = await app.inject({ url: `/api/files/${fileId}/thumbnail?v=..%2F..%2Fsecret.jpg`, headers: authed() });
      assert.equal(v.statusCode, 200);
      assert.doesNotMatch(v.body, /TOP-SECRET/);
      assert.ok(reads.some((p) => p.includes('thumbs')), 'the spy does see real reads');
    } finally {
      (fs as { open: unknown }).open = origOpen;
    }
    assert.ok(!reads.some((p) => p.includes('secret') || p.includes('passwd')), `read: ${reads.join(', ')}`);
  });

  test('a database row pointing outside the cache (or a symlink out of it) is not served', async () => {
    const rel = path.relative(h.places.cacheDir, secret);
    h.db.prepare('UPDATE previews SET thumb_path = ?, path = ? WHERE file_id = ?').run(rel, secret, fileId);
    assert.equal((await app.inject({ url: `/api/files/${fileId}/thumbnail`, headers: authed() })).statusCode, 404);
    assert.equal((await app.inject({ url: `/api/files/${fileId}/preview`, headers: authed() })).statusCode, 404);
    symlinkSync(secret, path.join(h.places.cacheDir, 'link.jpg'));
    h.db.prepare('UPDATE previews SET thumb_path = ? WHERE file_id = ?').run('link.jpg', fileId);
    const r = await app.inject({ url: `/api/files/${fileId}/thumbnail`, headers: authed() });
    assert.equal(r.statusCode, 404);
    assert.doesNotMatch(r.body, /TOP-SECRET/);
  });

  test('errors never carry stack traces or paths outside the libraries', async () => {
    const failing = buildServer({
      ...h.deps,
      search: {
        search: () => {
          throw new Error(`ENOENT: no such file, open '/Users/someone/Library/Application Support/rawlight/models/clip.onnx'`);
        },
        similar: () => {
          throw new DaemonError('MODEL_MISSING', `${h.places.cacheDir}/x.onnx missing; photo ${h.library}/a.jpg`);
        },
      },
    });
    const r = await failing.inject({ url: '/api/search?q=x', headers: authed() });
    assert.equal(r.statusCode, 500);
    assert.deepEqual(r.json(), { error: { code: 'INTERNAL', message: 'Unexpected internal error' } });
    const s = await failing.inject({ url: `/api/files/${fileId}/similar`, headers: authed() });
    assert.equal(s.statusCode, 500);
    assert.doesNotMatch(s.body, new RegExp(h.places.cacheDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(s.body, new RegExp(`${h.library.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/a\\.jpg`), 'library paths may be shown');
    assert.doesNotMatch(s.body, /at .*\.ts:\d+/);
    assert.equal(redactPaths('open /etc/shadow and /lib/x/y.jpg', ['/lib/x']), 'open <path> and /lib/x/y.jpg');
    // Field names and media types are not paths.
    assert.equal(redactPaths("content-type is set to 'application/json'", []), "content-type is set to 'application/json'");
    assert.equal(redactPaths('querystring/limit must NOT have more than 3 characters', []), 'querystring/limit must NOT have more than 3 characters');
    assert.equal(redactPaths("ENOENT: open '/Users/x/secret.db'", []), "ENOENT: open '<path>'");
    assert.equal(redactPaths('path=/root/.ssh/id_rsa', []), 'path=<path>');
    await failing.close();
  });

  test('the token file is created once with mode 0600 and tightened if loosened', () => {
    const places = { ...h.places, configDir: path.join(h.dir, 'cfg') };
    const t1 = ensureToken(places);
    assert.ok(t1.length >= 32);
    assert.equal(statSync(tokenPath(places)).mode & 0o777, 0o600);
    chmodSync(tokenPath(places), 0o644);
    assert.equal(ensureToken(places), t1);
    assert.equal(statSync(tokenPath(places)).mode & 0o777, 0o600);
    assert.equal(readFileSync(tokenPath(places), 'utf8').trim(), t1);
  });

  test('refuses to bind a non-loopback address without allowRemote (and without a token)', async () => {
    await assert.rejects(startServer(h.deps, { host: '0.0.0.0', port: 0 }), (e: DaemonError) => e.code === 'API_REMOTE_NOT_ALLOWED');
    const remoteCfg = parseConfig({ api: { host: '0.0.0.0', allowRemote: true, port: 0 } });
    await assert.rejects(startServer({ ...h.deps, config: remoteCfg, token: '' }, { port: 0 }), (e: DaemonError) => e.code === 'API_REMOTE_NOT_ALLOWED');
    assert.throws(() => parseConfig({ api: { host: '192.168.1.5' } }), /allowRemote/);
  });

  test('remote mode needs the token for reads too', async () => {
    const remoteCfg = parseConfig({ libraries: [h.library], api: { host: '10.1.2.3', allowRemote: true, port: PORT } });
    const remote = buildServer({ ...h.deps, config: remoteCfg });
    assert.equal((await remote.inject({ url: '/api/status', headers: { host: `10.1.2.3:${PORT}` } })).statusCode, 401);
    assert.equal((await remote.inject({ url: '/api/status', headers: { host: `10.1.2.3:${PORT}`, 'x-rawlight-token': TOKEN } })).statusCode, 200);
    await remote.close();
  });
});
