/**
 * Density clustering of face embeddings with constraints, over a k-NN graph.
 *
 * DBSCAN-like: an edge joins two faces whose similarity is at least `link`; a face with at least
 * `minSamples` such edges is a core point, and clusters are the connected components of core
 * points, with border points joining their best core neighbour. Components are built by union-find
 * over the edges in order of decreasing similarity, and every union is checked first:
 * - cannot-link: two faces of one photo (same `fileOf`) never end up in one cluster;
 * - anchors: faces the user put in different groups never end up in one cluster;
 * - no chaining: two components merge only if their mean pairwise similarity (from running sums
 *   of the vectors, exact and O(d)) is at least `merge`, so A~B~C does not glue A to C.
 * Components smaller than `minClusterSize` (and not anchored) are noise (-1).
 *
 * Why not a library: density-clustering / hdbscan-ts are not installed, neither supports
 * cannot-link constraints or anchors, and both need the full distance matrix (100K² here).
 */

import type { KnnGraph } from './neighbours.js';
import { dotRows } from './vectors.js';

export interface ClusterInput {
  /** n x d, L2-normalised rows. */
  vectors: Float32Array;
  d: number;
  graph: KnnGraph;
  /** Photo of each face: the cannot-link key. */
  fileOf: ArrayLike<number>;
  /** Group each face is pinned to by the user (-1 = free). Same anchor = same cluster. */
  anchorOf?: ArrayLike<number>;
  /** Rows taking part (default all); inactive rows get no edges and label -1. */
  active?: ArrayLike<number>;
  link: number;
  merge: number;
  minClusterSize: number;
  minSamples?: number;
}

export interface ClusterResult {
  /** Cluster label per face (dense 0..count-1), -1 = noise. */
  labels: Int32Array;
  count: number;
  /** Unions refused because of a constraint (for logs and tests). */
  refused: { cannotLink: number; anchor: number; chaining: number };
}

class Components {
  readonly parent: Int32Array;
  readonly size: Int32Array;
  readonly anchor: Int32Array;
  /** Files of multi-face components (singletons use fileOf directly). */
  readonly files = new Map<number, Set<number>>();
  /** Vector sums of multi-face components (singletons use their row). */
  readonly sums = new Map<number, Float32Array>();

  constructor(
    n: number,
    private readonly input: ClusterInput,
  ) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    this.anchor = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      this.parent[i] = i;
      if (input.anchorOf) this.anchor[i] = input.anchorOf[i]!;
    }
  }

  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r]!;
    while (this.parent[i] !== r) {
      const next = this.parent[i]!;
      this.parent[i] = r;
      i = next;
    }
    return r;
  }

  private filesOf(r: number): Set<number> {
    return this.files.get(r) ?? new Set([this.input.fileOf[r]!]);
  }

  private sumOf(r: number): Float32Array {
    const s = this.sums.get(r);
    if (s) return s;
    const d = this.input.d;
    return this.input.vectors.subarray(r * d, r * d + d);
  }

  sharesFile(a: number, b: number): boolean {
    const fa = this.filesOf(a);
    const fb = this.filesOf(b);
    const [small, large] = fa.size <= fb.size ? [fa, fb] : [fb, fa];
    for (const f of small) if (large.has(f)) return true;
    return false;
  }

  meanSimilarity(a: number, b: number): number {
    return dotRows(this.sumOf(a), 0, this.sumOf(b), 0, this.input.d) / (this.size[a]! * this.size[b]!);
  }

  /** Joins roots a and b (no checks); returns the new root. */
  union(a: number, b: number): number {
    const [big, small] = this.size[a]! >= this.size[b]! ? [a, b] : [b, a];
    const d = this.input.d;
    let sum = this.sums.get(big);
    if (!sum) {
      sum = new Float32Array(d);
      sum.set(this.sumOf(big));
    }
    const add = this.sumOf(small);
    for (let x = 0; x < d; x++) sum[x]! += add[x]!;
    let files = this.files.get(big);
    if (!files) files = new Set([this.input.fileOf[big]!]);
    for (const f of this.filesOf(small)) files.add(f);
    this.sums.set(big, sum);
    this.files.set(big, files);
    this.sums.delete(small);
    this.files.delete(small);
    this.parent[small] = big;
    this.size[big]! += this.size[small]!;
    if (this.anchor[big] === -1) this.anchor[big] = this.anchor[small]!;
    return big;
  }
}

export function clusterFaces(input: ClusterInput): ClusterResult {
  const { graph, link, merge } = input;
  const n = graph.n;
  const k = graph.k;
  const minSamples = input.minSamples ?? 1;
  const refused = { cannotLink: 0, anchor: 0, chaining: 0 };
  const comps = new Components(n, input);

  // User-pinned faces of one group start together.
  if (input.anchorOf) {
    const firstOfAnchor = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const a = input.anchorOf[i]!;
      if (a < 0) continue;
      const first = firstOfAnchor.get(a);
      if (first === undefined) firstOfAnchor.set(a, i);
      else {
        const ra = comps.find(first);
        const rb = comps.find(i);
        if (ra !== rb) comps.union(ra, rb);
      }
    }
  }

  // Edges above the link threshold, each pair once, best first.
  const degree = new Int32Array(n);
  const ea: number[] = [];
  const eb: number[] = [];
  const es: number[] = [];
  const on = (i: number) => !input.active || input.active[i] !== 0;
  for (let i = 0; i < n; i++) {
    if (!on(i)) continue;
    for (let p = 0; p < k; p++) {
      const j = graph.idx[i * k + p]!;
      const s = graph.sim[i * k + p]!;
      if (j < 0 || s < link) break;
      if (!on(j)) continue;
      degree[i]!++;
      if (i < j || !listed(graph, j, i, link)) {
        ea.push(i);
        eb.push(j);
        es.push(s);
      }
    }
  }
  // A pair listed only on one side still counts for the other side's density.
  for (let e = 0; e < ea.length; e++) if (!listed(graph, eb[e]!, ea[e]!, link)) degree[eb[e]!]!++;
  const order = Array.from(es.keys()).sort((x, y) => es[y]! - es[x]!);
  const core = (i: number) => degree[i]! >= minSamples;

  const tryUnion = (i: number, j: number): boolean => {
    const a = comps.find(i);
    const b = comps.find(j);
    if (a === b) return true;
    const aa = comps.anchor[a]!;
    const ab = comps.anchor[b]!;
    if (aa !== -1 && ab !== -1 && aa !== ab) {
      refused.anchor++;
      return false;
    }
    if (comps.sharesFile(a, b)) {
      refused.cannotLink++;
      return false;
    }
    if ((comps.size[a]! > 1 || comps.size[b]! > 1) && comps.meanSimilarity(a, b) < merge) {
      refused.chaining++;
      return false;
    }
    comps.union(a, b);
    return true;
  };

  // Core-core edges first (the density skeleton), then border points to their best core neighbour.
  for (const e of order) if (core(ea[e]!) && core(eb[e]!)) tryUnion(ea[e]!, eb[e]!);
  if (minSamples > 1) {
    const attached = new Uint8Array(n);
    for (const e of order) {
      const i = ea[e]!;
      const j = eb[e]!;
      const [border, other] = core(i) ? [j, i] : [i, j];
      if (core(border) || !core(other) || attached[border]) continue;
      if (tryUnion(border, other)) attached[border] = 1;
    }
  }

  const labels = new Int32Array(n).fill(-1);
  const labelOfRoot = new Map<number, number>();
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!on(i)) continue;
    const r = comps.find(i);
    if (comps.size[r]! < input.minClusterSize && comps.anchor[r] === -1) continue;
    let l = labelOfRoot.get(r);
    if (l === undefined) {
      l = count++;
      labelOfRoot.set(r, l);
    }
    labels[i] = l;
  }
  return { labels, count, refused };
}

/** Whether row i of the graph lists j with at least similarity `min`. */
function listed(g: KnnGraph, i: number, j: number, min: number): boolean {
  const o = i * g.k;
  for (let p = 0; p < g.k; p++) {
    const x = g.idx[o + p]!;
    if (x < 0 || g.sim[o + p]! < min) return false;
    if (x === j) return true;
  }
  return false;
}
