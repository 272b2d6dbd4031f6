// Stitched panoramas beyond sharp's default pixel limit (2^28, 268 MP) get previews, through the
// real CLI: a 24000x12000 JPEG (288 MP) and the same as a TIFF, each half one colour.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { cli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/fixtures.js';

const t = tempDir('rawlight-pano-');
const lib = path.join(t.dir, 'lib');
const home = path.join(t.dir, 'home');
const W = 24000;
const H = 12000;
const ORANGE = { r: 230, g: 120, b: 20 };
const BLUE = { r: 30, g: 90, b: 200 };

before(async () => {
  mkdirSync(lib, { recursive: true });
  const pano = () =>
    sharp({ create: { width: W, height: H, channels: 3, background: BLUE }, limitInputPixels: false }).composite([
      { input: { create: { width: W / 2, height: H, channels: 3, background: ORANGE } }, left: 0, top: 0 },
    ]);
  await pano().jpeg({ quality: 80 }).toFile(path.join(lib, 'pano.jpg'));
  await pano().tiff({ compression: 'lzw' }).toFile(path.join(lib, 'pano.tif'));
});
after(() => t.cleanup());

test('a 288-megapixel panorama, JPEG or TIFF, gets its preview (left half orange, right half blue)', async () => {
  const r = await cli(home, ['index', lib, '--passes', 'preview', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = r.json<{ executed: Record<string, number>; failed: unknown[] }>();
  assert.deepEqual(j.failed, []);
  assert.equal(j.executed.preview, 2);
  const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
  try {
    const rows = db.prepare(`SELECT f.ext, p.width, p.height, p.path FROM previews p JOIN files f ON f.id = p.file_id ORDER BY f.ext`).all() as { ext: string; width: number; height: number; path: string }[];
    assert.deepEqual(rows.map((x) => [x.ext, x.width, x.height]), [['jpg', 2048, 1024], ['tif', 2048, 1024]]);
    for (const x of rows) {
      const { data, info } = await sharp(path.join(home, 'cache', x.path)).raw().toBuffer({ resolveWithObject: true });
      const px = (fx: number) => [...data.subarray((Math.round(info.height / 2) * info.width + Math.round(fx * info.width)) * 3, (Math.round(info.height / 2) * info.width + Math.round(fx * info.width)) * 3 + 3)];
      const near = (a: number[], c: typeof ORANGE) => Math.abs(a[0]! - c.r) + Math.abs(a[1]! - c.g) + Math.abs(a[2]! - c.b) < 30;
      assert.ok(near(px(0.25), ORANGE), `${x.ext}: left ${px(0.25)}`);
      assert.ok(near(px(0.75), BLUE), `${x.ext}: right ${px(0.75)}`);
    }
  } finally {
    db.close();
  }
});
