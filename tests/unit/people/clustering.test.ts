import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterFaces } from '../../../src/people/clustering.js';
import { exactKnn, knnGraph, rng } from '../../../src/people/neighbours.js';
import { syntheticFaces } from '../../../src/people/synthetic.js';
import { bcubed } from '../../../src/people/evaluate.js';

/** Builds unit vectors from 2-d angles (degrees) so similarities are easy to reason about. */
function fromAngles(deg: number[], d = 4): Float32Array {
  const m = new Float32Array(deg.length * d);
  deg.forEach((a, i) => {
    m[i * d] = Math.cos((a * Math.PI) / 180);
    m[i * d + 1] = Math.sin((a * Math.PI) / 180);
  });
  return m;
}

function run(m: Float32Array, d: number, fileOf: number[], extra: Partial<Parameters<typeof clusterFaces>[0]> = {}) {
  const n = fileOf.length;
  return clusterFaces({ vectors: m, d, graph: exactKnn(m, n, d, Math.min(8, n - 1)), fileOf, link: 0.9, merge: 0.85, minClusterSize: 2, ...extra });
}

describe('clusterFaces', () => {
  test('groups close faces and leaves a lone face as noise', () => {
    // cos(10°) = 0.985, cos(90°) = 0
    const m = fromAngles([0, 5, 10, 90, 95, 200]);
    const r = run(m, 4, [1, 2, 3, 4, 5, 6]);
    assert.equal(r.count, 2);
    assert.equal(r.labels[0], r.labels[1]);
    assert.equal(r.labels[1], r.labels[2]);
    assert.equal(r.labels[3], r.labels[4]);
    assert.notEqual(r.labels[0], r.labels[3]);
    assert.equal(r.labels[5], -1);
  });

  test('cannot-link: two faces of one photo never share a cluster', () => {
    const m = fromAngles([0, 2, 4]);
    const r = run(m, 4, [7, 7, 8]);
    assert.notEqual(r.labels[0], r.labels[1]);
    assert.ok(r.refused.cannotLink >= 1);
    // The third face joins exactly one of them.
    assert.ok(r.labels[2] === r.labels[0] || r.labels[2] === r.labels[1]);
  });

  test('no chaining: a bridge of pairwise-close faces does not glue distant ends', () => {
    // Steps of 20°: neighbours 0.94 similar (above link 0.9), ends 80° apart.
    const m = fromAngles([0, 20, 40, 60, 80]);
    const r = clusterFaces({ vectors: m, d: 4, graph: exactKnn(m, 5, 4, 4), fileOf: [1, 2, 3, 4, 5], link: 0.9, merge: 0.8, minClusterSize: 2 });
    assert.notEqual(r.labels[0], r.labels[4]);
    assert.ok(r.refused.chaining >= 1);
    // Without the guard single linkage would chain everything.
    const loose = clusterFaces({ vectors: m, d: 4, graph: exactKnn(m, 5, 4, 4), fileOf: [1, 2, 3, 4, 5], link: 0.9, merge: -1, minClusterSize: 2 });
    assert.equal(new Set(loose.labels).size, 1);
  });

  test('anchors: faces pinned to different groups never merge, pinned faces of one group stay together', () => {
    const m = fromAngles([0, 3, 6, 120]);
    const r = run(m, 4, [1, 2, 3, 4], { anchorOf: [10, 11, -1, 10] });
    assert.notEqual(r.labels[0], r.labels[1]);
    assert.equal(r.labels[0], r.labels[3]); // same anchor despite being far apart
    assert.ok(r.refused.anchor >= 1);
  });

  test('inactive rows take no part', () => {
    const m = fromAngles([0, 3, 6]);
    const r = run(m, 4, [1, 2, 3], { active: [1, 0, 1] });
    assert.equal(r.labels[1], -1);
    assert.equal(r.labels[0], r.labels[2]);
  });

  test('minSamples > 1: border points join their best core neighbour but do not chain', () => {
    // 0,2,4 dense core; 14 is a border of the core (0.985 to 4 but only one neighbour).
    const m = fromAngles([0, 2, 4, 14, 60, 62]);
    const r = run(m, 4, [1, 2, 3, 4, 5, 6], { minSamples: 2 });
    assert.equal(r.labels[3], r.labels[2]);
    assert.equal(r.labels[4], -1); // a pair with one neighbour each is not dense enough
    assert.equal(r.labels[5], -1);
  });

  test('synthetic identities are recovered (BCubed) and no cluster breaks cannot-link', async () => {
    const s = syntheticFaces({ faces: 3000, identities: 150, d: 128, noise: 0.8, seed: 3 });
    const g = await knnGraph(s.vectors, s.n, s.d, { k: 12, minSim: 0.2 });
    const r = clusterFaces({ vectors: s.vectors, d: s.d, graph: g, fileOf: s.photo, link: 0.42, merge: 0.35, minClusterSize: 2 });
    const labels = Array.from(s.identity, (x) => (x >= 0 ? `p${x}` : null));
    const b = bcubed(Array.from(r.labels, (l) => (l >= 0 ? l : null)), labels);
    console.log(`synthetic 3000 faces / 150 identities: BCubed precision ${b.precision.toFixed(4)} recall ${b.recall.toFixed(4)}`);
    assert.ok(b.precision >= 0.98, `precision ${b.precision}`);
    assert.ok(b.recall >= 0.9, `recall ${b.recall}`);
    const seen = new Set<string>();
    r.labels.forEach((l, i) => {
      if (l < 0) return;
      const key = `${l}:${s.photo[i]}`;
      assert.ok(!seen.has(key), 'two faces of one photo in one cluster');
      seen.add(key);
    });
  });
});

describe('knnGraph', () => {
  test('the inverted file finds nearly all true neighbours above the link threshold', async () => {
    const s = syntheticFaces({ faces: 8000, identities: 400, d: 256, noise: 0.8, seed: 5 });
    const approx = await knnGraph(s.vectors, s.n, s.d, { k: 10, exactBelow: 100, cellSize: 100 });
    const rand = rng(9);
    let found = 0;
    let wanted = 0;
    let fillGot = 0;
    let fillWanted = 0;
    for (let t = 0; t < 200; t++) {
      const i = Math.floor(rand() * s.n);
      const truth: { j: number; s: number }[] = [];
      for (let j = 0; j < s.n; j++) {
        if (j === i) continue;
        let dot = 0;
        for (let x = 0; x < s.d; x++) dot += s.vectors[i * s.d + x]! * s.vectors[j * s.d + x]!;
        if (dot >= 0.42) truth.push({ j, s: dot });
      }
      const top = truth.sort((a, b) => b.s - a.s).slice(0, 10).map((t) => t.j);
      const got = Array.from(approx.idx.subarray(i * 10, i * 10 + 10));
      const gotSims = Array.from(approx.sim.subarray(i * 10, i * 10 + 10));
      wanted += top.length;
      found += top.filter((j) => got.includes(j)).length;
      // What grouping needs: as many neighbours above the threshold as there really are (up to k).
      fillWanted += top.length;
      fillGot += Math.min(top.length, gotSims.filter((x) => x >= 0.42).length);
    }
    const recall = wanted ? found / wanted : 1;
    const fill = fillWanted ? fillGot / fillWanted : 1;
    console.log(`IVF: recall@10 of true neighbours above 0.42 ${recall.toFixed(4)}; neighbour lists filled above 0.42 ${fill.toFixed(4)}`);
    assert.ok(wanted > 100);
    assert.ok(fill >= 0.93, `fill ${fill}`);
    assert.ok(recall >= 0.9, `recall ${recall}`);
    // And the grouping built on the approximate graph is as good as on the exact one.
    const r = clusterFaces({ vectors: s.vectors, d: s.d, graph: approx, fileOf: s.photo, link: 0.42, merge: 0.35, minClusterSize: 2 });
    const b = bcubed(Array.from(r.labels, (l) => (l >= 0 ? l : null)), Array.from(s.identity, (x) => (x >= 0 ? `p${x}` : null)));
    console.log(`IVF graph, 8000 faces / 400 identities: BCubed precision ${b.precision.toFixed(4)} recall ${b.recall.toFixed(4)}`);
    assert.ok(b.precision >= 0.98 && b.recall >= 0.88, JSON.stringify(b));
  });

  test('exact graph lists each neighbour once, best first', () => {
    const m = fromAngles([0, 10, 20, 30]);
    const g = exactKnn(m, 4, 4, 3);
    assert.deepEqual(Array.from(g.idx.subarray(0, 3)), [1, 2, 3]);
    for (let i = 0; i < 4; i++) {
      const row = Array.from(g.idx.subarray(i * 3, i * 3 + 3));
      assert.equal(new Set(row).size, 3);
      assert.ok(!row.includes(i));
    }
  });
});
