import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildServer } from '../../../src/api/server.js';
import { noClip } from '../../../src/ml/clip/model-sources.js';
import { replaceOcrText } from '../../../src/search/ocr-text.repository.js';
import { createSearchService } from '../../../src/search/search.service.js';
import { tx } from '../../../src/store/db.js';
import { authed, makeHarness, seedFile, type Harness } from './harness.js';

describe('text in photos through the API (search chips, the viewer)', () => {
  let h: Harness;
  let shop = 0;

  before(async () => {
    h = makeHarness();
    shop = await seedFile(h, { rel: 'photos/gps/berlin_shop.jpg' });
    await seedFile(h, { rel: 'photos/scenes/horses.jpg' });
    tx(h.db, () => replaceOcrText(h.db, shop, [{ text: 'Felgentreff', box: { x: 0.1, y: 0.2, w: 0.3, h: 0.05 }, score: 0.98 }], 'ppocr-v4'));
  });
  after(() => h?.cleanup());

  test('a search hit found in the photo\'s text carries why: text "…"; the file detail lists the text', async () => {
    const app = buildServer({ ...h.deps, search: createSearchService({ db: h.db, clip: noClip }) });
    try {
      const r = await app.inject({ url: '/api/search?q=felgentreff', headers: authed() });
      assert.equal(r.statusCode, 200, r.body);
      const items = r.json<{ items: { id: number; why: string | null }[] }>().items;
      assert.deepEqual(items.map((i) => i.id), [shop]);
      assert.match(items[0]!.why ?? '', /^text "Felgentreff"/);
      const d = (await app.inject({ url: `/api/files/${shop}`, headers: authed() })).json<{ text: { text: string; box: { x: number }; score: number }[] }>();
      assert.deepEqual(d.text, [{ text: 'Felgentreff', box: { x: 0.1, y: 0.2, w: 0.3, h: 0.05 }, score: 0.98 }]);
    } finally {
      await app.close();
    }
  });
});
