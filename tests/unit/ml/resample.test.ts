// The model-input resampler (resample.ts) and the pyramid under it (pyramid.ts), on synthetic
// pixels whose right answers are known.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChannelNorm, RgbImage } from '../../../src/ml/image.js';
import { halfOf, levelFor } from '../../../src/ml/pyramid.js';
import { resampleToNchw } from '../../../src/ml/resample.js';

const RAW: ChannelNorm = { channels: 'RGB', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };

/** Pixel (x, y) = [r, g, b] from a function. */
function image(width: number, height: number, px: (x: number, y: number) => [number, number, number]): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(px(x, y), (y * width + x) * 3);
  return { data, width, height };
}

test('at its own size the tensor is the image, planar, in the norm channel order and scaling', () => {
  const img = image(5, 3, (x, y) => [x * 10, y * 20, 200 - x - y]);
  const rgb = resampleToNchw(img, { width: 5, height: 3 }, 5, 3, RAW);
  const bgr = resampleToNchw(img, { width: 5, height: 3 }, 5, 3, { channels: 'BGR', scale: 1 / 255, mean: [0.5, 0.25, 0], std: [2, 1, 0.5] });
  for (let y = 0; y < 3; y++) {
    for (let x = 0; x < 5; x++) {
      const i = y * 5 + x;
      assert.deepEqual([rgb[i], rgb[15 + i], rgb[30 + i]], [x * 10, y * 20, 200 - x - y]);
      // BGR: plane 0 is blue, normalised with the first mean/std.
      assert.ok(Math.abs(bgr[i]! - ((200 - x - y) / 255 - 0.5) / 2) < 1e-6);
      assert.ok(Math.abs(bgr[15 + i]! - ((y * 20) / 255 - 0.25) / 1) < 1e-6);
      assert.ok(Math.abs(bgr[30 + i]! - (x * 10) / 255 / 0.5) < 1e-6);
    }
  }
});

test('a crop window of the resized image lands at 0,0; the rest is padding, even in a reused dirty buffer', () => {
  const img = image(8, 6, (x, y) => [x, y, 7]);
  const into = new Float32Array(3 * 4 * 4).fill(99);
  const t = resampleToNchw(img, { width: 8, height: 6, left: 2, top: 1, cropWidth: 3, cropHeight: 2 }, 4, 4, RAW, -1, into);
  assert.equal(t, into);
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 4; x++) {
      const inside = x < 3 && y < 2;
      assert.equal(t[y * 4 + x], inside ? x + 2 : -1, `r at ${x},${y}`);
      assert.equal(t[16 + y * 4 + x], inside ? y + 1 : -1, `g at ${x},${y}`);
    }
  }
});

test('a linear ramp shrunk by any factor stays the ramp at the output pixel centres', () => {
  // r = x: a pixel-centre-aligned resampler maps output u to input (u + 0.5) * k - 0.5. A box
  // pyramid keeps a ramp a ramp (each level rounds to whole values), whichever level is used.
  const img = image(250, 40, (x) => [x, 0, 0]);
  for (const w of [200, 120, 90, 60]) {
    const t = resampleToNchw(img, { width: w, height: 10 }, w, 10, RAW);
    const k = 250 / w;
    for (const u of [3, Math.floor(w / 2), w - 4]) {
      const want = (u + 0.5) * k - 0.5;
      assert.ok(Math.abs(t[5 * w + u]! - want) < 1.1, `width ${w}, u ${u}: ${t[5 * w + u]} vs ${want}`);
    }
  }
});

test('a fine stripe pattern shrunk 3.9x averages out instead of aliasing (the pyramid low-passes it)', () => {
  // 1-pixel black/white columns: plain bilinear sampling at 4x would hit only white or only black.
  const img = image(400, 8, (x) => (x % 2 ? [255, 255, 255] : [0, 0, 0]));
  const t = resampleToNchw(img, { width: 103, height: 2 }, 103, 2, RAW);
  for (let u = 0; u < 103; u++) assert.ok(Math.abs(t[u]! - 127.5) < 1, `column ${u}: ${t[u]}`);
});

test('pyramid levels are 2x2 box averages, made once per image, and the level chosen stays at least the size asked', () => {
  const img = image(9, 5, (x, y) => [x * 20, y * 40, (x + y) % 2 ? 255 : 0]);
  const half = halfOf(img);
  assert.equal(half, halfOf(img));
  assert.deepEqual([half.width, half.height], [4, 2]);
  // Pixel (1, 0) of the half averages pixels (2..3, 0..1): r (40+60+40+60)/4, g (0+0+40+40)/4, b 2x255 / 4 rounded.
  assert.deepEqual([...half.data.subarray(3, 6)], [50, 20, 128]);
  assert.deepEqual(levelFor(img, 9, 5), { image: img, step: 1 });
  assert.deepEqual(levelFor(img, 4, 2), { image: half, step: 2 });
  assert.equal(levelFor(img, 5, 2).step, 1);
  const big = image(2048, 1365, () => [1, 2, 3]);
  assert.equal(levelFor(big, 640, 427).step, 2);
  assert.equal(levelFor(big, 384, 256).step, 4);
  assert.equal(levelFor(big, 2100, 1400).step, 1);
});
