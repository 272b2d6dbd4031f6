// Face crops cut from the decoded pixels before libvips sees them: the same JPEG as libvips'
// own extract from the whole image, at the frame's edges too.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { writeFaceCrop } from '../../../src/ml/faces/crops.js';
import type { RgbImage } from '../../../src/ml/image.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-crop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function image(width: number, height: number): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([(x * 3) & 255, (y * 5) & 255, (x + y) & 255], (y * width + x) * 3);
  return { data, width, height };
}

test('a crop is the JPEG libvips made from the whole image, inside the frame and against its edges', async () => {
  const img = image(301, 207);
  for (const [i, box] of ([[120, 60, 40, 50], [0, 0, 30, 30], [280, 190, 30, 25], [-10, 150, 60, 80], [10, 10, 400, 400]] as const).entries()) {
    const rel = await writeFaceCrop(img, box, dir, `c${i}.jpg`, 64);
    // The square writeFaceCrop picks, cut by libvips from the whole image (the way it was done before).
    const [x, y, w, h] = box;
    const side = Math.min(Math.max(w, h) * 1.5, img.width, img.height);
    const left = Math.round(Math.min(Math.max(0, x + w / 2 - side / 2), img.width - side));
    const top = Math.round(Math.min(Math.max(0, y + h / 2 - side / 2), img.height - side));
    const s = Math.max(1, Math.min(Math.round(side), img.width - left, img.height - top));
    const want = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
      .extract({ left, top, width: s, height: s })
      .resize(64, 64, { fit: 'cover' })
      .jpeg({ quality: 82 })
      .toBuffer();
    assert.ok(readFileSync(path.join(dir, rel)).equals(want), `box ${box.join(',')}: same JPEG`);
  }
});
