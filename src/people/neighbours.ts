/**
 * k-nearest-neighbour graph over L2-normalised embeddings (similarity = dot product).
 *
 * The arithmetic runs on onnxruntime (SimilarityEngine: Gemm + TopK), ~30x a JavaScript loop.
 * Up to `exactBelow` vectors the search is exact (brute force in row batches). Above, an inverted
 * file: flat spherical k-means puts the vectors in cells of about `cellSize` (enough cells that
 * each holds only a few people, so a person's faces share a cell), and each cell's vectors are
 * compared with the vectors of the `nprobe` cells nearest to each of them. The benchmark reports
 * the recall of this against brute force.
 */

import { SimilarityEngine } from './similarity-engine.js';
import { dotRows } from './vectors.js';

export interface KnnGraph {
  n: number;
  k: number;
  /** Row i holds i's neighbours at [i*k, i*k+k), best first; -1 where there are fewer. */
  idx: Int32Array;
  sim: Float32Array;
}

export interface KnnOptions {
  k: number;
  /** Neighbours below this similarity are not kept (grouping never uses them). */
  minSim?: number;
  /** Plain JavaScript below this many vectors (no session to start). */
  jsBelow?: number;
  /** Exact search below this many vectors. */
  exactBelow?: number;
  /** Target vectors per cell of the inverted file. */
  cellSize?: number;
  /** Cells searched per vector (its own plus the nearest others). */
  nprobe?: number;
  seed?: number;
  /** onnxruntime threads (default 2: the target machine has 2 cores). */
  threads?: number;
}

export const DefaultKnnOptions = Object.freeze({ minSim: -1, jsBelow: 300, exactBelow: 12_000, cellSize: 100, nprobe: 4, seed: 1, threads: 2 });

/** Score-matrix budget per engine call (floats): bounds memory whatever the input size. */
const SCORE_BUDGET = 8_000_000;

/** Small seeded PRNG (mulberry32): grouping must give the same answer on the same input. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function emptyGraph(n: number, k: number): KnnGraph {
  return { n, k, idx: new Int32Array(n * k).fill(-1), sim: new Float32Array(n * k).fill(-Infinity) };
}

/** Inserts (j, s) into row i's sorted top-k if it belongs there. */
function offer(g: KnnGraph, i: number, j: number, s: number): void {
  const k = g.k;
  const o = i * k;
  if (s <= g.sim[o + k - 1]!) return;
  let p = k - 1;
  while (p > 0 && g.sim[o + p - 1]! < s) {
    g.sim[o + p] = g.sim[o + p - 1]!;
    g.idx[o + p] = g.idx[o + p - 1]!;
    p--;
  }
  g.sim[o + p] = s;
  g.idx[o + p] = j;
}

/** Drops neighbours below minSim (kept sorted, so a suffix). */
function cut(g: KnnGraph, minSim: number): KnnGraph {
  for (let t = 0; t < g.idx.length; t++) {
    if (g.sim[t]! < minSim) {
      g.idx[t] = -1;
      g.sim[t] = -Infinity;
    }
  }
  return g;
}

/** Exact k-NN in JavaScript, each pair computed once. O(n² d): for small sets and tests. */
export function exactKnn(m: Float32Array, n: number, d: number, k: number, minSim = -1): KnnGraph {
  const g = emptyGraph(n, k);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = dotRows(m, i, m, j, d);
      if (s < minSim) continue;
      offer(g, i, j, s);
      offer(g, j, i, s);
    }
  }
  return g;
}

/** Copies the listed rows into one contiguous matrix. */
function gather(m: Float32Array, d: number, rows: ArrayLike<number>, out?: Float32Array): Float32Array {
  const g = out && out.length >= rows.length * d ? out : new Float32Array(rows.length * d);
  for (let t = 0; t < rows.length; t++) g.set(m.subarray(rows[t]! * d, rows[t]! * d + d), t * d);
  return g;
}

/**
 * For each row listed in `queries`, the best k+1 among `base` rows (global ids in `baseRows`),
 * offered to the graph (self excluded). Query batches keep the score matrix within budget.
 */
async function searchInto(
  eng: SimilarityEngine,
  g: KnnGraph,
  m: Float32Array,
  d: number,
  queries: ArrayLike<number>,
  baseRows: ArrayLike<number>,
  base: Float32Array,
): Promise<void> {
  const nb = baseRows.length;
  const batch = Math.max(1, Math.floor(SCORE_BUDGET / Math.max(1, nb)));
  const qbuf = new Float32Array(Math.min(batch, queries.length) * d);
  for (let start = 0; start < queries.length; start += batch) {
    const end = Math.min(queries.length, start + batch);
    const qrows = Array.prototype.slice.call(queries, start, end) as number[];
    const Q = gather(m, d, qrows, qbuf);
    const r = await eng.topK(Q, qrows.length, base, nb, d, g.k + 1);
    for (let a = 0; a < qrows.length; a++) {
      const i = qrows[a]!;
      for (let p = 0; p < r.k; p++) {
        const j = baseRows[r.idx[a * r.k + p]!]!;
        if (j !== i) offerUnique(g, i, j, r.sim[a * r.k + p]!);
      }
    }
  }
}

/** Like offer, but skips j if row i already lists it (a pair can be found through two cells). */
function offerUnique(g: KnnGraph, i: number, j: number, s: number): void {
  const o = i * g.k;
  if (s <= g.sim[o + g.k - 1]!) return;
  for (let p = 0; p < g.k; p++) if (g.idx[o + p] === j) return;
  offer(g, i, j, s);
}

/** Spherical k-means (normalised centroids) trained on `sample` rows; returns c x d centroids. */
async function sphericalKMeans(eng: SimilarityEngine, m: Float32Array, d: number, sample: Int32Array, c: number, iters: number, rand: () => number): Promise<Float32Array> {
  const S = gather(m, d, sample);
  const cent = new Float32Array(c * d);
  const order = Array.from(sample.keys());
  for (let a = 0; a < c; a++) {
    const r = a + Math.floor(rand() * (order.length - a));
    [order[a], order[r]] = [order[r]!, order[a]!];
    cent.set(S.subarray(order[a]! * d, order[a]! * d + d), a * d);
  }
  for (let it = 0; it < iters; it++) {
    const assign = new Int32Array(sample.length);
    const batch = Math.max(1, Math.floor(SCORE_BUDGET / c));
    for (let start = 0; start < sample.length; start += batch) {
      const q = Math.min(batch, sample.length - start);
      const r = await eng.topK(S.subarray(start * d, (start + q) * d), q, cent, c, d, 1);
      for (let t = 0; t < q; t++) assign[start + t] = r.idx[t]!;
    }
    const sums = new Float32Array(c * d);
    const counts = new Int32Array(c);
    for (let t = 0; t < sample.length; t++) {
      const a = assign[t]!;
      counts[a]!++;
      const o = t * d;
      const so = a * d;
      for (let x = 0; x < d; x++) sums[so + x]! += S[o + x]!;
    }
    for (let a = 0; a < c; a++) {
      const so = a * d;
      if (counts[a] === 0) {
        const r = Math.floor(rand() * sample.length);
        cent.set(S.subarray(r * d, r * d + d), so);
        continue;
      }
      let norm = 0;
      for (let x = 0; x < d; x++) norm += sums[so + x]! * sums[so + x]!;
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let x = 0; x < d; x++) cent[so + x] = sums[so + x]! * inv;
    }
  }
  return cent;
}

function sampleRows(n: number, max: number, rand: () => number): Int32Array {
  const out = new Int32Array(Math.min(n, max));
  for (let i = 0; i < n; i++) {
    if (i < out.length) out[i] = i;
    else {
      const r = Math.floor(rand() * (i + 1));
      if (r < out.length) out[r] = i;
    }
  }
  return out;
}

/** The k-NN graph of the rows of m (n x d, normalised), exact or approximate by size. */
export async function knnGraph(m: Float32Array, n: number, d: number, opts: KnnOptions, engine?: SimilarityEngine): Promise<KnnGraph> {
  const o = { ...DefaultKnnOptions, ...opts };
  if (n <= o.jsBelow) return exactKnn(m, n, d, o.k, o.minSim);
  const eng = engine ?? (await SimilarityEngine.create(o.threads));
  try {
    const g = emptyGraph(n, o.k);
    const all = Int32Array.from({ length: n }, (_, i) => i);
    if (n <= o.exactBelow) {
      await searchInto(eng, g, m, d, all, all, m.subarray(0, n * d));
      return cut(g, o.minSim);
    }
    const rand = rng(o.seed);
    const c = Math.max(2, Math.round(n / o.cellSize));
    const cent = await sphericalKMeans(eng, m, d, sampleRows(n, c * 24, rand), c, 6, rand);
    // Each vector's nprobe nearest cells; it lives in the first.
    const nprobe = Math.min(o.nprobe, c);
    const probes = new Int32Array(n * nprobe);
    const batch = Math.max(1, Math.floor(SCORE_BUDGET / c));
    for (let start = 0; start < n; start += batch) {
      const q = Math.min(batch, n - start);
      const r = await eng.topK(m.subarray(start * d, (start + q) * d), q, cent, c, d, nprobe);
      probes.set(r.idx.subarray(0, q * nprobe), start * nprobe);
    }
    const cellMembers: number[][] = Array.from({ length: c }, () => []);
    for (let i = 0; i < n; i++) cellMembers[probes[i * nprobe]!]!.push(i);
    // Per cell: its members against every cell any of them probes.
    let baseBuf = new Float32Array(0);
    const maxCells = 3 * nprobe;
    for (let cell = 0; cell < c; cell++) {
      const members = cellMembers[cell]!;
      if (members.length === 0) continue;
      // The cells its members probe most often (its own first): boundary members' rare extra
      // probes would multiply the work for little recall.
      const freq = new Map<number, number>([[cell, Infinity]]);
      for (const i of members) for (let p = 1; p < nprobe; p++) freq.set(probes[i * nprobe + p]!, (freq.get(probes[i * nprobe + p]!) ?? 0) + 1);
      const probed = [...freq].sort((a, b) => b[1] - a[1]).slice(0, maxCells).map(([pc]) => pc);
      const baseRows: number[] = [];
      for (const pc of probed) for (const j of cellMembers[pc]!) baseRows.push(j);
      if (baseBuf.length < baseRows.length * d) baseBuf = new Float32Array(baseRows.length * d * 2);
      const base = gather(m, d, baseRows, baseBuf);
      await searchInto(eng, g, m, d, members, baseRows, base);
    }
    return cut(g, o.minSim);
  } finally {
    if (!engine) await eng.close();
  }
}
