import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bcubed, mixedClusters } from '../../../src/people/evaluate.js';
import { iou, matchRegions, parsePeople, parseRegions } from '../../../src/people/regions.js';
import { DefaultGroupingThresholds, thresholdsFor } from '../../../src/people/thresholds.js';
import type { Manifest } from '../../../src/ml/manifest.js';

describe('bcubed', () => {
  test('perfect clustering scores 1/1', () => {
    assert.deepEqual(bcubed([1, 1, 2], ['a', 'a', 'b']), { precision: 1, recall: 1, f1: 1, items: 3 });
  });
  test('hand-computed example: one merged cluster, one split', () => {
    // Items: a a b | a  -> cluster X = {a,a,b}, cluster Y = {a}
    // precision: a:2/3, a:2/3, b:1/3, a:1 -> (2/3+2/3+1/3+1)/4 = 2/3
    // recall (3 a's, 1 b): a:2/3, a:2/3, b:1, a:1/3 -> (2/3+2/3+1+1/3)/4 = 2/3
    const r = bcubed(['X', 'X', 'X', 'Y'], ['a', 'a', 'b', 'a']);
    assert.ok(Math.abs(r.precision - 2 / 3) < 1e-12);
    assert.ok(Math.abs(r.recall - 2 / 3) < 1e-12);
  });
  test('unlabelled items are left out; unclustered items are singletons', () => {
    const r = bcubed([null, null, 5], ['a', 'a', null]);
    assert.equal(r.items, 2);
    assert.equal(r.precision, 1);
    assert.equal(r.recall, 0.5);
  });
  test('mixedClusters names clusters holding two labels', () => {
    assert.deepEqual(mixedClusters([1, 1, 2, 2, null], ['a', 'b', 'c', null, 'd']), [1]);
  });
});

describe('regions', () => {
  test('parses the agreed shape and the raw ExifTool struct; drops non-face and unnamed regions', () => {
    const agreed = parseRegions(JSON.stringify([{ name: 'Marie Curie', type: 'Face', x: 0.37, y: 0.31, w: 0.11, h: 0.2 }, { name: 'Pet', type: 'Pet', x: 0.5, y: 0.5, w: 0.1, h: 0.1 }, { type: 'Face', x: 0.5, y: 0.5, w: 0.1, h: 0.1 }]));
    assert.deepEqual(agreed, [{ name: 'Marie Curie', x: 0.37, y: 0.31, w: 0.11, h: 0.2 }]);
    const raw = parseRegions(JSON.stringify([{ Name: 'Alvin', Type: 'Face', Area: { X: 0.57, Y: 0.42, W: 0.22, H: 0.28 } }]));
    assert.deepEqual(raw, [{ name: 'Alvin', x: 0.57, y: 0.42, w: 0.22, h: 0.28 }]);
    assert.deepEqual(parseRegions('not json'), []);
    assert.deepEqual(parsePeople(JSON.stringify(['A', ' B ', 'A', { name: 'C' }, ''])), ['A', 'B', 'C']);
  });

  test('iou', () => {
    assert.equal(iou({ x: 0, y: 0, w: 1, h: 1 }, { x: 0, y: 0, w: 1, h: 1 }), 1);
    assert.equal(iou({ x: 0, y: 0, w: 1, h: 1 }, { x: 2, y: 2, w: 1, h: 1 }), 0);
    assert.ok(Math.abs(iou({ x: 0, y: 0, w: 2, h: 1 }, { x: 1, y: 0, w: 2, h: 1 }) - 1 / 3) < 1e-12);
  });

  test('matches each region to the overlapping face (centre-based region, top-left face box), one to one', () => {
    const regions = [
      { name: 'Marie', x: 0.3685, y: 0.3079, w: 0.1131, h: 0.1986 },
      { name: 'Pierre', x: 0.6875, y: 0.2393, w: 0.0964, h: 0.2414 },
    ];
    const faces = [
      { id: 11, x: 0.32, y: 0.215, w: 0.1, h: 0.17 }, // Marie's detector box (slightly tighter)
      { id: 12, x: 0.05, y: 0.6, w: 0.1, h: 0.1 }, // somebody else
    ];
    assert.deepEqual(matchRegions(regions, faces).map((m) => [m.faceId, m.name]), [[11, 'Marie']]);
  });
});

describe('thresholds', () => {
  test('from the manifest embedding block, else the defaults', () => {
    const manifest = { models: [{ id: 'emb', role: 'faceEmbedder', embedding: { dim: 512, match: 0.4, cluster: 0.5 } }] } as unknown as Manifest;
    const t = thresholdsFor('emb', manifest);
    assert.equal(t.link, 0.5);
    assert.equal(t.suggest, 0.4);
    assert.ok(t.attach <= t.link && t.attach >= t.suggest);
    assert.ok(t.merge <= t.link && t.merge >= t.suggest);
    assert.deepEqual(thresholdsFor('unknown', manifest), { ...DefaultGroupingThresholds });
    assert.deepEqual(thresholdsFor(null, null), { ...DefaultGroupingThresholds });
  });
});
