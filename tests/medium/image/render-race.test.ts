// Two workers rendering the same pixels at once (a photo and its metadata-only copy, as in the
// fixtures' dog_pug_yellow.jpg and dog_pug_yellow_created_1919.jpg) write one content address.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { renderPreview } from '../../../src/image/render.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

test('the same pixels rendered by many workers at once: every render succeeds, one complete file, no temp left', async () => {
  const t = tempDir('rawlight-render-race-');
  try {
    const src = path.join(FIXTURES, 'photos/scenes/dog_pug_yellow.jpg');
    const out = await Promise.all(Array.from({ length: 8 }, () => renderPreview(src, 1, { cacheDir: t.dir })));
    const hashes = new Set(out.map((r) => r.previewHash));
    assert.equal(hashes.size, 1, 'one content address');
    const preview = path.join(t.dir, out[0]!.path);
    const meta = await sharp(preview).metadata();
    assert.ok(meta.width && meta.height, 'the cached preview decodes');
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [e.name]));
    assert.deepEqual(files(t.dir).filter((n) => n.endsWith('.tmp')), [], 'no temp file left behind');
  } finally {
    t.cleanup();
  }
});
