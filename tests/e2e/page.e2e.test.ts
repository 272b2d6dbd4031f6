import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { signInUrl } from '../../src/api/routes/page.route.js';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { parseConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { Daemon } from '../../src/main.js';
import { regroupAll } from '../../src/people/index.js';
import type { Places } from '../../src/platform/places.js';
import { copyFixtures, MODELS, REPO, tempDir } from '../helpers/fixtures.js';
import { buildWeb, daemonApiDeps } from './daemon-api.js';

// Where scripts/check-tools.mjs makes sure a Chromium exists (Debian package; Homebrew cask on macOS).
const CHROMIUM = ['/usr/bin/chromium', '/Applications/Chromium.app/Contents/MacOS/Chromium'].find((p) => existsSync(p)) ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO, 'test-artifacts', 'e2e');
const TOKEN = 'e2e-token-0123456789abcdef0123456789';
/** Node's fetch is a script: it sends the token header (the page uses its session cookie). */
const AUTH = { headers: { 'x-rawlight-token': TOKEN } };
const PHOTOS = [
  'photos/people/obama_1.jpg',
  'photos/people/obama_2.jpg',
  'photos/people/obama_3.jpg',
  'photos/people/obama_and_biden_1.jpg',
  'photos/people/biden_1.jpg',
  'photos/people/biden_2.jpg',
  'photos/scenes/dog_corgi.jpg',
  'photos/scenes/beach_palms.jpg',
  'photos/scenes/giraffe.jpg',
  'photos/gps/arezzo_DSCN0010.jpg',
  'photos/gps/arezzo_DSCN0012.jpg',
  'photos/gps/berlin_shop.jpg',
  'photos/gps/zebra.jpg',
  'photos/gps/elephants.jpg',
];

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 45_000, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Sum of "done" over the passes table, read from the page's DOM. */
async function doneOnPage(page: Page): Promise<number> {
  return page.$$eval('#passes td.done', (tds) => tds.reduce((s, td) => s + Number(td.textContent || 0), 0));
}

describe('the status page in headless Chromium against a daemon indexing the fixtures', { timeout: 170_000 }, () => {
  let dir: string;
  let cleanup: () => void;
  let library: string;
  let daemon: Daemon;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run node scripts/check-tools.mjs`);
    assert.ok(existsSync(path.join(MODELS, 'yunet-2023mar')), `real models missing at ${MODELS}`);
    buildWeb();
    mkdirSync(ARTIFACTS, { recursive: true });
    ({ dir, cleanup } = tempDir('rawlight-e2e-'));
    const home = path.join(dir, 'home');
    const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
    library = path.join(dir, 'library');
    mkdirSync(library, { recursive: true });
    const config = parseConfig({ libraries: [library], api: { port: 0 }, watch: { enabled: false }, modelsDir: MODELS, queue: { retryBaseSeconds: 1 } });
    // The daemon exactly as `rawlight run` builds it (its own writeback pass and writer).
    daemon = new Daemon({ places, config, log: silentLogger(), libraries: [library] });
    await daemon.start();
    server = await startServer(daemonApiDeps(daemon, TOKEN));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await daemon?.stop(3000);
    cleanup?.();
  });

  test('the status page shows progress advancing live, without a reload', async () => {
    // Signed in the way `rawlight open` does it: the sign-in URL once, then the session cookie.
    await page.goto(signInUrl(server.url, TOKEN));
    assert.equal(page.url(), server.url, 'the token left the address bar');
    await page.goto(`${server.url}#status`);
    await page.waitForSelector('#live.on');
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same-page'));
    const before = await doneOnPage(page);
    // New photos arrive while the page is open (what the watcher would report).
    copyFixtures(library, PHOTOS);
    void daemon.rescan([library]);
    const seen = new Set<number>([before]);
    await until('progress on the page', async () => {
      seen.add(await doneOnPage(page));
      return seen.size >= 3 ? true : undefined;
    }, 60_000, 150);
    await page.screenshot({ path: path.join(ARTIFACTS, '1-status-indexing.png') });
    const values = [...seen];
    assert.ok(values.at(-1)! > values[0]!, `done went up on the page: ${values.join(' → ')}`);
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: string }).marker), 'same-page', 'no reload happened');
    await until('metadata for every photo', async () => (await page.$eval('tr[data-pass="metadata"] td.done', (td) => Number(td.textContent))) === PHOTOS.length);
    assert.match(await page.$eval('#summary', (s) => s.textContent ?? ''), new RegExp(`${PHOTOS.length}\\s*files`));
    const bar = await page.$eval('tr[data-pass="metadata"] .progress i', (i) => (i as HTMLElement).offsetWidth);
    assert.ok(bar > 100, `the metadata progress bar is drawn full (${bar}px)`);
    await page.screenshot({ path: path.join(ARTIFACTS, '1b-status-done.png') });
  });

  test('a search returns thumbnails', async () => {
    await page.goto(`${server.url}#search`);
    await until('previews', async () => {
      const r = (await (await fetch(`${server.url}api/status`, AUTH)).json()) as { passes: { preview: { done: number; pending: number } } };
      return r.passes.preview.pending === 0 && r.passes.preview.done === PHOTOS.length;
    });
    await page.fill('#search-form input[name=q]', 'obama');
    await page.press('#search-form input[name=q]', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#grid .tile img').length >= 5 && [...document.querySelectorAll<HTMLImageElement>('#grid .tile img')].every((i) => i.complete && i.naturalWidth > 0));
    const names = await page.$$eval('#grid .tile .cap', (c) => c.map((e) => e.textContent));
    // biden_1.jpg by its caption: the White House photo it was cut from names "President Barack Obama".
    assert.deepEqual([...names].sort(), ['biden_1.jpg', 'obama_1.jpg', 'obama_2.jpg', 'obama_3.jpg', 'obama_and_biden_1.jpg']);
    await page.screenshot({ path: path.join(ARTIFACTS, '2-search.png') });
    await page.click('#grid .tile');
    await page.waitForSelector('#detail:not([hidden]) #detail-img');
    await page.waitForFunction(() => (document.getElementById('detail-img') as HTMLImageElement).naturalWidth > 0);
    await page.screenshot({ path: path.join(ARTIFACTS, '3-detail.png') });
    await page.click('#detail-close');
  });

  test('naming a face group in the page puts PersonInImage in the photo’s sidecar', async () => {
    await until('faces for every photo', async () => {
      const r = (await (await fetch(`${server.url}api/status`, AUTH)).json()) as { passes: { faces?: { done: number; failed: number; pending: number } } };
      const f = r.passes.faces;
      return f && f.pending === 0 && f.done + f.failed === PHOTOS.length;
    }, 90_000, 500);
    // The grouping job (nightly / after faces) forms the unnamed groups.
    regroupAll(daemon.core.db);
    await page.goto(`${server.url}#people`);
    const card = page.locator('.person').first();
    await card.waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '4-people-before.png') });
    const personId = Number(await card.getAttribute('data-person'));
    assert.ok(personId > 0);
    await card.locator('input[name=name]').fill('Ada Testperson');
    await card.locator('button.primary').click();
    await page.waitForFunction((id) => document.querySelector(`.person[data-person="${id}"] h3`)?.textContent?.startsWith('Ada Testperson'), personId);
    await page.screenshot({ path: path.join(ARTIFACTS, '5-people-named.png') });

    const person = (await (await fetch(`${server.url}api/people/${personId}`, AUTH)).json()) as { facesDetail: { fileId: number }[] };
    const fileIds = [...new Set(person.facesDetail.map((f) => f.fileId))];
    assert.ok(fileIds.length > 0);
    const sidecars = await until('the sidecars to be written', () => {
      const out: string[] = [];
      for (const id of fileIds) {
        const row = daemon.core.db.prepare('SELECT path FROM files WHERE id = ?').get(id) as { path: string };
        // A JPEG's sidecar keeps its extension (IMG_1.JPG.xmp): only a RAW gets IMG_1.xmp.
        const xmp = `${row.path}.xmp`;
        if (!existsSync(xmp) || !readFileSync(xmp, 'utf8').includes('Ada Testperson')) return undefined;
        out.push(xmp);
      }
      return out;
    }, 60_000, 300);
    for (const x of sidecars) {
      const text = readFileSync(x, 'utf8');
      assert.match(text, /Iptc4xmpExt:PersonInImage>[\s\S]*Ada Testperson/, x);
    }
    // The detail view draws the named face's box on the preview.
    await page.goto(`${server.url}#search`);
    await page.fill('#search-form input[name=q]', path.basename(daemon.core.db.prepare('SELECT path FROM files WHERE id = ?').pluck().get(fileIds[0]) as string));
    await page.press('#search-form input[name=q]', 'Enter');
    await page.waitForSelector('#grid .tile');
    await page.click('#grid .tile');
    const box = await page.waitForSelector('.facebox span');
    assert.equal(await box.textContent(), 'Ada Testperson');
    // The box is a share of the preview's frame, which has a size once the preview has loaded (a
    // CI run measured it before: 0 wide on a loaded machine).
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#detail-img');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    assert.ok(await page.$eval('.facebox', (b) => (b as HTMLElement).offsetWidth > 10 && (b as HTMLElement).offsetHeight > 10), 'the face box has a size');
    await page.screenshot({ path: path.join(ARTIFACTS, '6-detail-face.png') });
  });
  test('merging two named people asks first; dismissed, nothing changes', async () => {
    const list = (await (await fetch(`${server.url}api/people`, AUTH)).json()) as { items: { id: number; name: string | null }[] };
    const ada = list.items.find((p) => p.name === 'Ada Testperson');
    const other = list.items.find((p) => p.name === null);
    assert.ok(ada && other, `a named person and a group: ${JSON.stringify(list.items)}`);
    const named = await fetch(`${server.url}api/people/${other.id}/name`, { method: 'POST', headers: { ...AUTH.headers, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Bob Testperson' }) });
    assert.equal(named.status, 200);
    await page.goto(`${server.url}#people`);
    const select = page.locator(`.person[data-person="${ada.id}"] select`);
    await select.waitFor();
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await select.selectOption(String(other.id));
    assert.match(asked[0] ?? '', /Merge "Ada Testperson" into "Bob Testperson"\? "Ada Testperson" will no longer be a person/);
    const after = (await (await fetch(`${server.url}api/people`, AUTH)).json()) as { items: { id: number; name: string | null }[] };
    assert.deepEqual(after.items.filter((p) => p.id === ada.id || p.id === other.id).map((p) => p.name).sort(), ['Ada Testperson', 'Bob Testperson']);
    assert.equal(await select.inputValue(), '', 'the list is back to "Merge into…"');
  });
});
