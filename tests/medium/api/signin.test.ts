import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ensureToken, rotateToken, sessionSecret, tokenReader } from '../../../src/api/api-token.js';
import { buildServer } from '../../../src/api/server.js';
import { createRevealer } from '../../../src/api/reveal.js';
import { addFace, addPerson, authed, headers, makeHarness, seedFile, TOKEN, type Harness } from './harness.js';
import { listRoutes } from './route-list.js';

/** Spellings of `/api` a router or a proxy may read as `/api`. */
const SPELLINGS: [string, (p: string) => string][] = [
  ['%61pi', (p) => p.replace(/^\/api/, '/%61pi')],
  ['%2561pi', (p) => p.replace(/^\/api/, '/%2561pi')],
  ['/./api', (p) => p.replace(/^\/api/, '/./api')],
  ['//api', (p) => p.replace(/^\/api/, '//api')],
  ['/API', (p) => p.replace(/^\/api/, '/API')],
  ['/api/../api', (p) => p.replace(/^\/api/, '/api/../api')],
  ['/Api', (p) => p.replace(/^\/api/, '/Api')],
  ['%2Fapi', (p) => p.replace(/^\/api/, '/%2Fapi')],
  ['plain', (p) => p],
];

describe('sign-in and the token on every route', () => {
  let h: Harness;
  let app: FastifyInstance;
  let routes: [string, string][];
  const cookie = `rawlight_session=${sessionSecret(TOKEN)}`;

  before(async () => {
    h = makeHarness();
    const fileId = await seedFile(h, { rel: 'photos/scenes/dog_corgi.jpg' });
    await addFace(h, fileId, 0, { x: 0.1, y: 0.1, w: 0.3, h: 0.3 }, addPerson(h, 'Rex'));
    app = buildServer({ ...h.deps, reveal: async () => ({ revealed: true, how: 'test' }) });
    await app.ready();
    routes = listRoutes(app).filter(([m, p]) => p.startsWith('/api/') && m !== 'HEAD');
  });
  after(async () => {
    await app.close();
    h.cleanup();
  });

  test('the route list is read from the server (a new route is covered without editing this test)', () => {
    const paths = routes.map(([m, p]) => `${m} ${p}`);
    for (const must of ['GET /api/status', 'GET /api/events', 'GET /api/files/:id/preview', 'GET /api/faces/:id/crop', 'GET /api/people', 'POST /api/libraries', 'GET /api/session']) {
      assert.ok(paths.includes(must), `${must} in ${paths.join(', ')}`);
    }
  });

  test('no token: every /api route, in every spelling, answers 401/403/404 and no data', async () => {
    for (const [method, route] of routes) {
      const url = route.replace(/:id/g, '1');
      for (const [name, spell] of SPELLINGS) {
        const r = await app.inject({ method: method as 'GET', url: spell(url), headers: headers(), ...(method === 'POST' ? { payload: {} } : {}) });
        assert.ok([401, 403, 404].includes(r.statusCode), `${method} ${spell(url)} (${name}) → ${r.statusCode} ${r.body.slice(0, 80)}`);
        assert.doesNotMatch(r.body, /dog_corgi|Rex|"files"|\xff\xd8/, `${name} ${url}`);
        assert.equal(r.headers['set-cookie'], undefined);
      }
    }
    assert.deepEqual(h.control.calls, [], 'no control action ran');
  });

  test('a signed-in browser, asked by another site (cross-site or same-site), gets nothing in any spelling', async () => {
    for (const [method, route] of routes) {
      const url = route.replace(/:id/g, '1');
      for (const site of ['cross-site', 'same-site']) {
        for (const [name, spell] of SPELLINGS) {
          const r = await app.inject({ method: method as 'GET', url: spell(url), headers: headers({ cookie, 'sec-fetch-site': site }), ...(method === 'POST' ? { payload: {} } : {}) });
          assert.ok([403, 404].includes(r.statusCode), `${method} ${spell(url)} (${name}, ${site}) → ${r.statusCode}`);
        }
      }
      // Browsers without Sec-Fetch-* still send Origin on a cross-origin fetch.
      const o = await app.inject({ method: method as 'GET', url, headers: headers({ cookie, origin: 'http://localhost:18000' }), ...(method === 'POST' ? { payload: {} } : {}) });
      assert.equal(o.statusCode, 403, `${method} ${url} from another origin`);
    }
    assert.deepEqual(h.control.calls, []);
  });

  test('with the token (header or session cookie) the plain spelling works; a raw token in the cookie does not', async () => {
    assert.equal((await app.inject({ url: '/api/status', headers: authed() })).statusCode, 200);
    assert.equal((await app.inject({ url: '/api/status', headers: headers({ cookie }) })).statusCode, 200);
    assert.equal((await app.inject({ url: '/api/files/1/preview', headers: headers({ cookie, 'sec-fetch-site': 'same-origin' }) })).statusCode, 200);
    assert.equal((await app.inject({ url: '/api/status', headers: headers({ cookie: `rawlight_session=${TOKEN}` }) })).statusCode, 401);
    // A wrong header is not rescued by a good cookie: what the caller sent explicitly decides.
    assert.equal((await app.inject({ url: '/api/status', headers: headers({ cookie, 'x-rawlight-token': 'nope' }) })).statusCode, 401);
  });

  test('the cookie is never set without the token', async () => {
    const tries = ['/', '/index.html', '/?token=', '/?token=wrong', `/?token=${TOKEN}x`, `/?token=${TOKEN.slice(1)}`, `/?tok=${TOKEN}`, `/?token=${sessionSecret(TOKEN)}`, '/app.js', '/style.css'];
    for (const url of tries) {
      for (const site of [undefined, 'none', 'same-origin', 'cross-site']) {
        const r = await app.inject({ url, headers: headers(site ? { 'sec-fetch-site': site } : {}) });
        assert.equal(r.headers['set-cookie'], undefined, `${url} ${site}`);
        if (url.includes('token=')) assert.ok(r.statusCode === 401 || r.statusCode === 400, `${url} → ${r.statusCode}`);
      }
    }
    const ok = await app.inject({ url: `/index.html?token=${encodeURIComponent(TOKEN)}`, headers: headers() });
    assert.equal(ok.statusCode, 303);
    assert.match(String(ok.headers['set-cookie']), /^rawlight_session=/);
  });

  test('error messages keep field names (only real paths are scrubbed)', async () => {
    const ct = await app.inject({ method: 'POST', url: '/api/libraries', headers: authed({ 'content-type': 'application/xml' }), payload: '<x/>' });
    assert.equal(ct.statusCode, 415);
    assert.doesNotMatch(ct.body, /<path>/);
    const q = await app.inject({ url: '/api/files?limit=x', headers: authed() });
    assert.equal(q.statusCode, 400);
    assert.match(q.json().error.message, /querystring\/limit must be integer/);
  });

  test('"Open in Finder" without a desktop: a clear error, never a 500', async () => {
    const noDesk = buildServer({ ...h.deps, reveal: createRevealer({ platform: 'linux', env: {}, run: async () => assert.fail('nothing may run without a desktop') }) });
    const r = await noDesk.inject({ method: 'POST', url: '/api/files/1/reveal', headers: authed(), payload: {} });
    assert.equal(r.statusCode, 409);
    assert.equal(r.json().error.code, 'PLATFORM_NO_DESKTOP');
    const failing = buildServer({ ...h.deps, reveal: createRevealer({ platform: 'darwin', env: {}, run: async () => Promise.reject(new Error('LSOpenURLsWithRole() failed')) }) });
    const f = await failing.inject({ method: 'POST', url: '/api/files/1/reveal', headers: authed(), payload: {} });
    assert.equal(f.statusCode, 502);
    assert.equal(f.json().error.code, 'PLATFORM_COMMAND_FAILED');
    await noDesk.close();
    await failing.close();
  });
});

describe('rawlight token rotate signs every browser out', () => {
  test('old cookie and old header stop working at once; the new sign-in works', async () => {
    const h = makeHarness();
    const first = ensureToken(h.places);
    const app = buildServer({ ...h.deps, token: tokenReader(h.places, first) });
    try {
      const signIn = await app.inject({ url: `/?token=${encodeURIComponent(first)}`, headers: headers() });
      const oldCookie = String(signIn.headers['set-cookie']).split(';')[0]!;
      assert.equal((await app.inject({ url: '/api/status', headers: headers({ cookie: oldCookie }) })).statusCode, 200);
      const second = rotateToken(h.places);
      assert.notEqual(second, first);
      assert.equal((await app.inject({ url: '/api/status', headers: headers({ cookie: oldCookie }) })).statusCode, 401);
      assert.equal((await app.inject({ url: '/api/status', headers: headers({ 'x-rawlight-token': first }) })).statusCode, 401);
      assert.equal((await app.inject({ url: `/?token=${encodeURIComponent(first)}`, headers: headers() })).statusCode, 401);
      const again = await app.inject({ url: `/?token=${encodeURIComponent(second)}`, headers: headers() });
      assert.equal(again.statusCode, 303);
      const newCookie = String(again.headers['set-cookie']).split(';')[0]!;
      assert.notEqual(newCookie, oldCookie);
      assert.equal((await app.inject({ url: '/api/status', headers: headers({ cookie: newCookie }) })).statusCode, 200);
      assert.equal((await app.inject({ url: '/api/status', headers: headers({ 'x-rawlight-token': second }) })).statusCode, 200);
    } finally {
      await app.close();
      h.cleanup();
    }
  });
});
