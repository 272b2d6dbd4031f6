import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { alignFace, applySimilarity, ARCFACE_TEMPLATE_112, estimateSimilarity, invertSimilarity, warpSimilarity, type Similarity } from '../../../src/ml/faces/align.js';
import type { RgbImage } from '../../../src/ml/image.js';

function transformPoints(t: Similarity, pts: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < pts.length; i += 2) out.push(...applySimilarity(t, pts[i]!, pts[i + 1]!));
  return out;
}

describe('similarity transform', () => {
  const angle = (27 * Math.PI) / 180, scale = 1.7;
  const truth: Similarity = { a: scale * Math.cos(angle), b: scale * Math.sin(angle), tx: 12.5, ty: -40 };
  const src = [10, 20, 60, 22, 35, 50, 15, 80, 58, 79];

  test('recovers a known rotation + scale + translation exactly', () => {
    const t = estimateSimilarity(src, transformPoints(truth, src));
    for (const k of ['a', 'b', 'tx', 'ty'] as const) assert.ok(Math.abs(t[k] - truth[k]) < 1e-9, `${k}: ${t[k]} vs ${truth[k]}`);
  });

  test('least squares with noise stays close and beats a perturbed transform', () => {
    const noise = [0.5, -0.3, -0.4, 0.2, 0.1, 0.6, -0.2, -0.5, 0.3, 0.1];
    const dst = transformPoints(truth, src).map((v, i) => v + noise[i]!);
    const t = estimateSimilarity(src, dst);
    const sse = (s: Similarity) => transformPoints(s, src).reduce((acc, v, i) => acc + (v - dst[i]!) ** 2, 0);
    assert.ok(Math.abs(t.a - truth.a) < 0.02 && Math.abs(t.b - truth.b) < 0.02);
    assert.ok(sse(t) <= sse(truth) + 1e-9, 'the estimate fits at least as well as the generating transform');
    assert.ok(sse(t) < sse({ ...t, a: t.a * 1.01 }));
  });

  test('a mirrored point set is not fitted by a reflection (proper rotations only)', () => {
    const mirrored = src.map((v, i) => (i % 2 === 0 ? -v : v));
    const t = estimateSimilarity(src, mirrored);
    // A similarity cannot reproduce a mirror: residual must be large.
    const err = transformPoints(t, src).reduce((acc, v, i) => acc + (v - mirrored[i]!) ** 2, 0);
    assert.ok(err > 100, `residual ${err}`);
  });

  test('inverse undoes the transform', () => {
    const inv = invertSimilarity(truth);
    const [x, y] = applySimilarity(inv, ...applySimilarity(truth, 33, -7));
    assert.ok(Math.abs(x - 33) < 1e-9 && Math.abs(y + 7) < 1e-9);
  });

  test('the template aligned to itself is the identity', () => {
    const t = estimateSimilarity(ARCFACE_TEMPLATE_112, ARCFACE_TEMPLATE_112);
    assert.ok(Math.abs(t.a - 1) < 1e-12 && Math.abs(t.b) < 1e-12 && Math.abs(t.tx) < 1e-9 && Math.abs(t.ty) < 1e-9);
  });
});

describe('warp', () => {
  /** A black image with one white pixel at (px, py). */
  function dot(w: number, h: number, px: number, py: number): RgbImage {
    const data = Buffer.alloc(w * h * 3);
    data.fill(255, (py * w + px) * 3, (py * w + px) * 3 + 3);
    return { data, width: w, height: h };
  }
  function brightest(img: RgbImage): [number, number] {
    let best = -1, at: [number, number] = [0, 0];
    for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) {
      const v = img.data[(y * img.width + x) * 3]!;
      if (v > best) { best = v; at = [x, y]; }
    }
    return at;
  }

  test('a pixel moves where the transform sends it', () => {
    const img = dot(200, 150, 120, 40);
    const t: Similarity = { a: 0, b: 0.5, tx: 60, ty: -50 }; // 90° rotation, half size
    const out = warpSimilarity(img, t, 112);
    const [ex, ey] = applySimilarity(t, 120, 40);
    assert.deepEqual(brightest(out), [Math.round(ex), Math.round(ey)]);
  });

  test('outside the source is black; bilinear sampling interpolates', () => {
    const img: RgbImage = { data: Buffer.from([0, 0, 0, 200, 200, 200]), width: 2, height: 1 };
    const out = warpSimilarity(img, { a: 1, b: 0, tx: 0.5, ty: 0 }, 3); // shift right by half a pixel
    assert.equal(out.data[0], 0); // sample at x=-0.5: half outside, half black
    assert.equal(out.data[3], 100); // between 0 and 200
    assert.equal(out.data[3 * 3 * 2], 0); // row 2 is outside the 1-row source
  });

  test('alignFace puts the landmarks on the template', () => {
    // Landmarks = the template scaled x2, rotated and shifted: aligning must map them back onto the template.
    const t: Similarity = { a: 2 * Math.cos(0.3), b: 2 * Math.sin(0.3), tx: 40, ty: 25 };
    const lm = transformPoints(t, ARCFACE_TEMPLATE_112);
    const img = dot(400, 400, Math.round(lm[4]!), Math.round(lm[5]!)); // the nose
    const out = alignFace(img, lm);
    const [x, y] = brightest(out);
    assert.ok(Math.abs(x - ARCFACE_TEMPLATE_112[4]!) <= 1 && Math.abs(y - ARCFACE_TEMPLATE_112[5]!) <= 1, `nose at ${x},${y}`);
  });
});
