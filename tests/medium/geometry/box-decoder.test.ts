import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { storedToUpright, uprightToStored, type Box } from '../../../src/geometry/box.js';

const W = 96, H = 64;
const KEYS = ['x', 'y', 'w', 'h'] as const;
const MARK: Box = { x: 12 / W, y: 8 / H, w: 24 / W, h: 16 / H }; // a white block off-centre in the stored image

/** Bounding box (normalised) of the bright pixels. */
function brightBox(data: Buffer, w: number, h: number): Box {
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (data[y * w + x]! > 128) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
  }
  return { x: x0 / w, y: y0 / h, w: (x1 - x0 + 1) / w, h: (y1 - y0 + 1) / h };
}

// sharp's .rotate() (libvips autorotate) is what makes the upright previews: the box maths must agree with it.
for (let o = 1; o <= 8; o++) {
  test(`orientation ${o}: storedToUpright/uprightToStored agree with a real EXIF-aware decoder`, async () => {
    const px = Buffer.alloc(W * H);
    for (let y = MARK.y * H; y < (MARK.y + MARK.h) * H; y++) for (let x = MARK.x * W; x < (MARK.x + MARK.w) * W; x++) px[y * W + x] = 255;
    const jpeg = await sharp(px, { raw: { width: W, height: H, channels: 1 } }).jpeg({ quality: 100 }).withMetadata({ orientation: o }).toBuffer();
    assert.equal((await sharp(jpeg).metadata()).orientation, o);
    const { data, info } = await sharp(jpeg).rotate().greyscale().raw().toBuffer({ resolveWithObject: true });
    const seen = brightBox(data, info.width, info.height);
    const predicted = storedToUpright(MARK, o);
    for (const k of KEYS) assert.ok(Math.abs(seen[k] - predicted[k]) < 1.5 / 64, `o=${o}: decoder ${JSON.stringify(seen)} vs maths ${JSON.stringify(predicted)}`);
    const back = uprightToStored(seen, o);
    for (const k of KEYS) assert.ok(Math.abs(back[k] - MARK[k]) < 1.5 / 64);
  });
}
