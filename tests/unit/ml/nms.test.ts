import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iou, nms } from '../../../src/ml/faces/nms.js';

test('iou of identical, disjoint and half-overlapping boxes', () => {
  assert.equal(iou([0, 0, 10, 10], [0, 0, 10, 10]), 1);
  assert.equal(iou([0, 0, 10, 10], [20, 20, 5, 5]), 0);
  assert.ok(Math.abs(iou([0, 0, 10, 10], [5, 0, 10, 10]) - 50 / 150) < 1e-12);
});

test('nms keeps the best of overlapping boxes and every separate one', () => {
  const dets = [
    { box: [0, 0, 10, 10], score: 0.91 },
    { box: [1, 1, 10, 10], score: 0.97 },
    { box: [50, 50, 10, 10], score: 0.93 },
    { box: [6, 0, 10, 10], score: 0.92 }, // IoU with the best = 36/164 < 0.3: kept
  ];
  const kept = nms(dets, 0.3);
  assert.deepEqual(kept.map((d) => d.score), [0.97, 0.93, 0.92]);
});
