import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureToken, rotateToken, tokenReader } from '../../src/api/api-token.js';
import { signInUrl } from '../../src/api/routes/page.route.js';
import { buildServer, startServer, type RunningServer } from '../../src/api/server.js';
import { writeSignInLauncher } from '../../src/cli/sign-in-launcher.js';
import { addFace, addPerson, buildWeb, makeHarness, seedFile, type Harness } from '../medium/api/harness.js';
import { listRoutes } from '../medium/api/route-list.js';

const CHROMIUM = '/usr/bin/chromium';
const SPELL = ['/api', '/%61pi', '/%2561pi', '/./api', '//api', '/API', '/api/../api'];

/** A hostile page on another localhost port: asks for every URL as an image, a script and a fetch. */
function attackerPage(urls: string[], posts: string[]): string {
  return `<!doctype html><meta charset="utf-8"><script>
const urls = ${JSON.stringify(urls)}, posts = ${JSON.stringify(posts)};
const results = []; let pending = 0;
const done = () => { if (--pending === 0) window.__done = true; };
for (const u of urls) {
  pending += 4;
  const img = new Image(); img.onload = () => { results.push(['img', u, 'load']); done(); }; img.onerror = done; img.src = u;
  const s = document.createElement('script'); s.onload = () => { results.push(['script', u, 'load']); done(); }; s.onerror = done; s.src = u; document.head.append(s);
  fetch(u, { credentials: 'include' }).then((r) => r.text().then((t) => results.push(['fetch', u, r.status, t.slice(0, 60)]))).catch(() => {}).finally(done);
  fetch(u, { credentials: 'include', mode: 'no-cors' }).then((r) => results.push(['no-cors', u, r.type])).catch(() => {}).finally(done);
}
for (const u of posts) {
  pending += 1;
  fetch(u, { method: 'POST', credentials: 'include', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"path":"/root/.ssh","name":"x","into":1}' }).catch(() => {}).finally(done);
}
window.__results = results;
</script>`;
}

describe('sign-in, another site, rotation and the stream cap in headless Chromium', { timeout: 120_000 }, () => {
  let h: Harness;
  let server: RunningServer;
  let browser: Browser;
  let ctx: BrowserContext;
  let attacker: http.Server;
  let attackerHtml = '';
  let token: string;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
    buildWeb();
    h = makeHarness({ configRaw: { api: { port: 0 } } });
    const fileId = await seedFile(h, { rel: 'photos/scenes/dog_corgi.jpg' });
    await addFace(h, fileId, 0, { x: 0.1, y: 0.1, w: 0.3, h: 0.3 }, addPerson(h, 'Rex'));
    token = ensureToken(h.places);
    server = await startServer({ ...h.deps, token: tokenReader(h.places, token) });
    attacker = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackerHtml));
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
    ctx = await browser.newContext();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    attacker?.close();
    h?.cleanup();
  });

  test('without a session: one sign-in screen, and no data request', async () => {
    const page = await ctx.newPage();
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await page.goto(server.url);
    await page.waitForSelector('#signin');
    assert.match(await page.textContent('#signin') ?? '', /rawlight open/);
    assert.equal(await page.$('#passes'), null, 'nothing of the app is left on the page');
    assert.deepEqual(asked.filter((p) => p.startsWith('/api/')), ['/api/session']);
    await page.close();
  });

  test('rawlight open: the private launcher file signs the browser in and the token leaves the address bar', async () => {
    const page = await ctx.newPage();
    const file = writeSignInLauncher(h.places.configDir, signInUrl(server.url, token));
    await page.goto(`file://${file}`);
    await page.waitForURL(server.url);
    await page.waitForSelector('#live.on');
    assert.equal(page.url(), server.url);
    const cookies = await ctx.cookies(server.url);
    assert.equal(cookies.length, 1);
    assert.equal(cookies[0]!.httpOnly, true);
    assert.equal(cookies[0]!.sameSite, 'Strict');
    assert.ok(cookies[0]!.expires > Date.now() / 1000 + 300 * 86400, 'long-lived: a bookmark keeps working');
    await page.close();
  });

  for (const host of ['127.0.0.1', 'localhost']) {
    test(`a page on http://${host}:<other port> gets nothing from any /api URL (img, script, fetch), signed-in browser or not`, async () => {
      const probe = buildServer(h.deps);
      await probe.ready();
      const all = listRoutes(probe).filter(([m, p]) => p.startsWith('/api/') && m !== 'HEAD');
      await probe.close();
      const base = server.url.replace(/\/$/, '');
      const gets = all.filter(([m]) => m === 'GET').flatMap(([, p]) => SPELL.map((s) => base + p.replace(/^\/api/, s).replace(/:id/g, '1')));
      const posts = all.filter(([m]) => m === 'POST').flatMap(([, p]) => SPELL.map((s) => base + p.replace(/^\/api/, s).replace(/:id/g, '1')));
      attackerHtml = attackerPage(gets, posts);
      const page: Page = await ctx.newPage();
      const statuses: [string, number][] = [];
      page.on('response', (r) => {
        if (r.url().startsWith(base)) statuses.push([r.url(), r.status()]);
      });
      await page.goto(`http://${host}:${(attacker.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => (window as unknown as { __done?: boolean }).__done === true, undefined, { timeout: 60_000 });
      const results = (await page.evaluate(() => (window as unknown as { __results: unknown[] }).__results)) as [string, string, ...unknown[]][];
      const leaks = results.filter((r) => r[0] === 'img' || r[0] === 'script' || (r[0] === 'fetch' && r[2] !== 0));
      assert.deepEqual(leaks, [], 'no image, script or readable fetch succeeded');
      assert.ok(statuses.length >= gets.length, `the requests did reach the daemon (${statuses.length})`);
      const served = statuses.filter(([, s]) => s < 400);
      assert.deepEqual(served, [], 'the daemon answered every one of them with an error');
      assert.deepEqual(h.control.calls, [], 'no POST changed anything');
      await page.close();
    });
  }

  test('rawlight token rotate: an open page falls back to the sign-in screen by itself', async () => {
    const page = await ctx.newPage();
    await page.goto(server.url);
    await page.waitForSelector('#live.on');
    rotateToken(h.places);
    await page.waitForSelector('#signin', { timeout: 20_000 });
    assert.equal((await ctx.request.get(`${server.url}api/status`)).status(), 401, 'the old cookie is dead');
    token = ensureToken(h.places);
    await page.close();
  });

  test('past the event-stream cap a page waits, says so, and connects by itself when a slot frees', async () => {
    const capped = await startServer({ ...h.deps, token: tokenReader(h.places, token), sseMaxClients: 1 });
    try {
      const c2 = await browser.newContext();
      const first = await c2.newPage();
      // What is tested is the stream, not how soon a busy machine fires "load" in a new context
      // (once, in a fresh-clone run beside the 100K-photo timeline test, not within 30 s): the
      // waits below are for the page's own state.
      const open = { waitUntil: 'domcontentloaded', timeout: 60_000 } as const;
      await first.goto(signInUrl(capped.url, token), open);
      await first.waitForSelector('#live.on');
      const second = await c2.newPage();
      const codes: number[] = [];
      const attempts: string[] = []; // each stream request, ms after the first page closed: the story if this fails
      let closedAt = 0;
      second.on('response', (r) => {
        if (!r.url().endsWith('/api/events')) return;
        codes.push(r.status());
        attempts.push(`${closedAt ? Date.now() - closedAt : 'before close'}: ${r.status()}`);
      });
      await second.goto(capped.url, open);
      await second.waitForFunction(() => /retrying in \d+ s/.test(document.getElementById('live')?.textContent ?? '')).catch(async (e: Error) => {
        const live = await second.evaluate(() => document.getElementById('live')?.textContent ?? '(no #live)');
        throw new Error(`${e.message}\nthe second page says ${JSON.stringify(live)}; its stream requests: ${attempts.join('; ') || 'none'}`);
      });
      assert.ok(codes.includes(429), `the stream was refused with 429 (${codes.join(',')})`);
      await first.close();
      closedAt = Date.now();
      // The page's back-off doubles from 2 s (2.4, 7.2, 16.8, 36 s after the refusal at the latest):
      // a loaded machine that frees the slot late may need the fourth attempt.
      await second.waitForSelector('#live.on', { timeout: 45_000 }).catch((e: Error) => {
        throw new Error(`${e.message}\nstream requests after the first page closed: ${attempts.join('; ')}`);
      });
      await c2.close();
    } finally {
      await capped.close();
    }
  });
});
