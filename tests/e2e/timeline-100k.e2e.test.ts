import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { signInUrl } from '../../src/api/routes/page.route.js';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { REPO } from '../helpers/fixtures.js';
import { buildWeb, makeHarness, TOKEN, type Harness } from '../medium/api/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO, 'test-artifacts', 'e2e-browser');
const N = 100_000;

/**
 * The timeline over a synthetic 100K-photo library (no preview files: tiles show placeholders and
 * request nothing). Virtual scrolling must keep the page small wherever it is scrolled to, and
 * show the right photos there: the tile at a position carries the id the timeline order gives.
 * Speed figures are printed here for reference; goals live in benchmarks.
 */
describe('timeline with 100K photos', { timeout: 240_000 }, () => {
  let h: Harness;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing`);
    buildWeb();
    mkdirSync(ARTIFACTS, { recursive: true });
    h = makeHarness({ configRaw: { api: { port: 0 } } });
    const t0 = Date.now();
    const insFile = h.db.prepare(`INSERT INTO files (id, path, root, ext, kind, size, state, first_seen_at, last_seen_at) VALUES (?, ?, ?, 'jpg', 'image', 1, 'present', 0, 0)`);
    const insMeta = h.db.prepare(`INSERT INTO metadata (file_id, captured_at, captured_ts, read_at) VALUES (?, ?, ?, 0)`);
    h.db.transaction(() => {
      // Ten years, ~27 photos a day, a few without a date.
      const start = Date.UTC(2015, 0, 1);
      for (let i = 1; i <= N; i++) {
        insFile.run(i, path.join(h.library, `y/IMG_${String(i).padStart(6, '0')}.jpg`), h.library);
        const ts = i % 997 === 0 ? null : start + Math.floor(i * 3153.6) * 1000;
        insMeta.run(i, ts === null ? null : new Date(ts).toISOString().slice(0, 19), ts);
      }
    })();
    console.log(`synthetic library: ${N} photos in ${Date.now() - t0} ms`);
    server = await startServer(h.deps, { port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} ${r.url()}`));
    await page.goto(signInUrl(server.url, TOKEN));
    await page.goto(`${server.url}#photos`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    h?.cleanup();
  });

  /** Expected id at a timeline position, straight from SQL (newest capture first, undated last). */
  const idAt = (pos: number) =>
    (h.db.prepare(`SELECT file_id FROM metadata ORDER BY captured_at DESC, file_id DESC LIMIT 1 OFFSET ?`).get(pos) as { file_id: number }).file_id;

  async function scrollTo(fraction: number): Promise<{ nodes: number; tiles: number; ms: number }> {
    const t0 = Date.now();
    await page.evaluate((f) => window.scrollTo(0, (document.documentElement.scrollHeight - window.innerHeight) * f), fraction);
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('.tl-row')];
      return rows.length > 0 && rows.some((r) => r.getBoundingClientRect().top >= 0 && r.getBoundingClientRect().top < window.innerHeight && r.querySelector('.tile[data-file-id]'));
    });
    const ms = Date.now() - t0;
    return { ...(await page.evaluate(() => ({ nodes: document.getElementsByTagName('*').length, tiles: document.querySelectorAll('.tile').length }))), ms };
  }

  test('the whole height is laid out at once; the DOM stays small wherever it is scrolled', async () => {
    await page.waitForSelector('.tl-row .tile[data-file-id]');
    const height = await page.evaluate(() => document.getElementById('timeline')!.offsetHeight);
    assert.ok(height > (N / 10) * 100, `timeline height ${height}px for ${N} photos`);
    for (const f of [0.25, 0.5, 0.999, 0.1]) {
      const r = await scrollTo(f);
      console.log(`scrolled to ${(f * 100).toFixed(1)}%: ${r.tiles} tiles, ${r.nodes} elements, shown in ${r.ms} ms`);
      assert.ok(r.nodes < 3000, `${r.nodes} elements at ${f}`);
    }
  });

  test('the tiles at a position are the photos the timeline order puts there', async () => {
    await scrollTo(0.5);
    const first = await page.evaluate(() => {
      const tiles = [...document.querySelectorAll<HTMLElement>('.tl-row .tile[data-file-id]')].filter((t) => t.getBoundingClientRect().top >= 0);
      return tiles.slice(0, 3).map((t) => Number(t.dataset.fileId));
    });
    assert.equal(first.length, 3);
    // Find the position of the first one in SQL order and check its two neighbours follow it.
    const pos = (h.db.prepare(`SELECT count(*) AS n FROM metadata m WHERE (m.captured_at, m.file_id) > (SELECT captured_at, file_id FROM metadata WHERE file_id = ?) OR (m.captured_at IS NOT NULL AND (SELECT captured_at FROM metadata WHERE file_id = ?) IS NULL)`).get(first[0], first[0]) as { n: number }).n;
    assert.deepEqual([idAt(pos), idAt(pos + 1), idAt(pos + 2)], first);
    await page.screenshot({ path: path.join(ARTIFACTS, 'timeline-100k-middle.png') });
    // The very end: the undated photos, the last of them the last tile.
    await scrollTo(1);
    const last = await page.$$eval('.tl-row .tile[data-file-id]', (t) => Number(t.at(-1)?.getAttribute('data-file-id')));
    assert.equal(last, idAt(N - 1));
    assert.equal((h.db.prepare('SELECT captured_at FROM metadata WHERE file_id = ?').get(last) as { captured_at: string | null }).captured_at, null);
  });

  test('no console errors, no failed requests', () => {
    assert.deepEqual(problems, []);
  });
});
