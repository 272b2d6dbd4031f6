import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChannelNorm, RgbImage } from '../../../src/ml/image.js';
import { enlargeToNchw } from '../../../src/ml/resample.js';

/** Deterministic pixels with edges and gradients (a seeded LCG: the same image every run). */
function image(width: number, height: number): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  let s = 12345;
  for (let i = 0; i < data.length; i++) data[i] = (s = (s * 1103515245 + 12345) % 2 ** 31) % 256;
  return { data, width, height };
}

/** Bilinear sample of channel c at continuous source position (sx, sy), edges repeated: written from the definition. */
function sample(img: RgbImage, sx: number, sy: number, c: number): number {
  const cx = Math.min(img.width - 1, Math.max(0, sx)), cy = Math.min(img.height - 1, Math.max(0, sy));
  const x0 = Math.floor(cx), y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, img.width - 1), y1 = Math.min(y0 + 1, img.height - 1);
  const px = (x: number, y: number) => img.data[(y * img.width + x) * 3 + c]!;
  const fx = cx - x0, fy = cy - y0;
  return (px(x0, y0) * (1 - fx) + px(x1, y0) * fx) * (1 - fy) + (px(x0, y1) * (1 - fx) + px(x1, y1) * fx) * fy;
}

const IMAGENET: ChannelNorm = { channels: 'RGB', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

describe('enlargeToNchw', () => {
  test('pixel centres line up, each plane normalised, the letterbox padded', () => {
    const img = image(7, 5);
    const [w, h, dstW, dstH] = [16, 11, 20, 14];
    const out = enlargeToNchw(img, w, h, dstW, dstH, IMAGENET, -3);
    let worst = 0;
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < dstH; y++) {
        for (let x = 0; x < dstW; x++) {
          const v = out[c * dstW * dstH + y * dstW + x]!;
          if (x >= w || y >= h) {
            assert.equal(v, -3, `padding at ${x},${y}`);
            continue;
          }
          const want = (sample(img, ((x + 0.5) * img.width) / w - 0.5, ((y + 0.5) * img.height) / h - 0.5, c) / 255 - IMAGENET.mean[c]!) / IMAGENET.std[c]!;
          worst = Math.max(worst, Math.abs(v - want));
        }
      }
    }
    assert.ok(worst < 1e-4, `largest difference ${worst}`);
  });

  test('BGR models get blue in the first plane; the same size copies the pixels', () => {
    const img = image(5, 4);
    const out = enlargeToNchw(img, 5, 4, 5, 4, { channels: 'BGR', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] });
    for (let i = 0; i < 20; i++) {
      assert.equal(out[i], img.data[3 * i + 2], 'blue');
      assert.equal(out[20 + i], img.data[3 * i + 1], 'green');
      assert.equal(out[40 + i], img.data[3 * i], 'red');
    }
  });

  test('a reused buffer: padding rewritten only where the last image reached beyond this one', () => {
    const img = image(4, 3);
    const norm: ChannelNorm = { channels: 'RGB', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };
    const dirty = () => new Float32Array(3 * 10 * 10).fill(99);
    // The last image was bigger: its pixels in this one's letterbox are cleared.
    const a = enlargeToNchw(img, 8, 6, 10, 10, norm, 0, dirty(), { width: 10, height: 10 });
    assert.equal(a[9], 0, 'right of the image');
    assert.equal(a[2 * 100 + 9 * 10], 0, 'below the image, last plane');
    // It was no bigger: its padding is padding already and is left alone.
    const b = enlargeToNchw(img, 8, 6, 10, 10, norm, 0, dirty(), { width: 8, height: 6 });
    assert.equal(b[9], 99);
    assert.equal(b[0], img.data[0], 'the image itself is written');
    assert.throws(() => enlargeToNchw(img, 8, 6, 10, 10, norm, 0, new Float32Array(10)), /need 300/);
  });

  test('a reduction is refused: libvips does those', () => {
    assert.throws(() => enlargeToNchw(image(8, 8), 4, 8, 8, 8, IMAGENET), /reduction/);
  });
});
