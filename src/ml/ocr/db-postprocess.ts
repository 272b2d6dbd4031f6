/** A text region in detection-map pixels (axis-aligned), with the mean probability inside it. */
export interface TextRegion {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

export interface DbPostprocessOptions {
  /** Pixels whose text probability is above this form the text mask (PaddleOCR det_db_thresh). */
  threshold: number;
  /** Regions whose mean probability is below this are dropped (det_db_box_thresh). */
  boxThreshold: number;
  /** DB shrinks text by this ratio at training: grow each region back by area * ratio / perimeter. */
  unclipRatio: number;
  /** Regions thinner than this (map pixels, before growing) are noise. */
  minSize: number;
}

export const DefaultDbPostprocessOptions: Readonly<DbPostprocessOptions> = Object.freeze({ threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 3 });

/**
 * Turns the DB detector's probability map into text regions: threshold, 8-connected components
 * (one pass with union-find over run labels), per component its bounding box and mean probability,
 * then the unclip that undoes the training-time shrink. Boxes are axis-aligned: text turned by a
 * quarter or half turn stays a clean rectangle, and the recogniser's crop is rotated upright after.
 */
export function regionsFromProbMap(prob: Float32Array, width: number, height: number, opts: DbPostprocessOptions = DefaultDbPostprocessOptions): TextRegion[] {
  // One pass: provisional labels with their statistics, merged through union-find at the end
  // (no second sweep over the map, no closures per pixel: the map is 1.5 M pixels at 1536 px).
  const labels = new Int32Array(width * height);
  let cap = 1024;
  let parent = new Int32Array(cap);
  let st = new Float64Array(cap * 6); // x0, y0, x1, y1, sum, n per provisional label
  let next = 1;
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  const union = (a: number, b: number): number => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return ra;
    const [lo, hi] = ra < rb ? [ra, rb] : [rb, ra];
    parent[hi] = lo;
    return lo;
  };
  const thr = opts.threshold;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      const v = prob[i]!;
      if (v <= thr) continue;
      let l = x > 0 ? labels[i - 1]! : 0;
      if (y > 0) {
        const up = i - width;
        const m0 = x > 0 ? labels[up - 1]! : 0;
        const m1 = labels[up]!;
        const m2 = x < width - 1 ? labels[up + 1]! : 0;
        if (m0) l = l ? (l === m0 ? l : union(l, m0)) : m0;
        if (m1) l = l ? (l === m1 ? l : union(l, m1)) : m1;
        if (m2) l = l ? (l === m2 ? l : union(l, m2)) : m2;
      }
      if (!l) {
        if (next >= cap) {
          cap *= 2;
          const p2 = new Int32Array(cap);
          p2.set(parent);
          parent = p2;
          const s2 = new Float64Array(cap * 6);
          s2.set(st);
          st = s2;
        }
        l = next++;
        parent[l] = l;
        st.set([x, y, x, y, 0, 0], l * 6);
      }
      labels[i] = l;
      const b = l * 6;
      if (x < st[b]!) st[b] = x;
      if (x > st[b + 2]!) st[b + 2] = x;
      if (y > st[b + 3]!) st[b + 3] = y;
      st[b + 4]! += v;
      st[b + 5]! += 1;
    }
  }
  interface Acc { x0: number; y0: number; x1: number; y1: number; sum: number; n: number }
  const acc = new Map<number, Acc>();
  for (let l = 1; l < next; l++) {
    const r = find(l);
    const b = l * 6;
    const a = acc.get(r);
    if (!a) acc.set(r, { x0: st[b]!, y0: st[b + 1]!, x1: st[b + 2]!, y1: st[b + 3]!, sum: st[b + 4]!, n: st[b + 5]! });
    else {
      a.x0 = Math.min(a.x0, st[b]!);
      a.y0 = Math.min(a.y0, st[b + 1]!);
      a.x1 = Math.max(a.x1, st[b + 2]!);
      a.y1 = Math.max(a.y1, st[b + 3]!);
      a.sum += st[b + 4]!;
      a.n += st[b + 5]!;
    }
  }
  const out: TextRegion[] = [];
  for (const a of acc.values()) {
    const w = a.x1 - a.x0 + 1;
    const h = a.y1 - a.y0 + 1;
    if (Math.min(w, h) < opts.minSize) continue;
    const score = a.sum / a.n;
    if (score < opts.boxThreshold) continue;
    const d = (w * h * opts.unclipRatio) / (2 * (w + h));
    const x0 = Math.max(0, a.x0 - d);
    const y0 = Math.max(0, a.y0 - d);
    const x1 = Math.min(width, a.x1 + 1 + d);
    const y1 = Math.min(height, a.y1 + 1 + d);
    out.push({ x: x0, y: y0, w: x1 - x0, h: y1 - y0, score });
  }
  // Reading order: top to bottom, then left to right (lines within half a line height are one row).
  out.sort((p, q) => (Math.abs(p.y - q.y) < Math.min(p.h, q.h) / 2 ? p.x - q.x : p.y - q.y));
  return out;
}
