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
  const labels = new Int32Array(width * height);
  const parent: number[] = [0];
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      if (prob[i]! <= opts.threshold) continue;
      let l = 0;
      const take = (j: number) => {
        const m = labels[j]!;
        if (!m) return;
        if (!l) l = m;
        else if (m !== l) union(l, m);
      };
      if (x > 0) take(i - 1);
      if (y > 0) {
        if (x > 0) take(i - width - 1);
        take(i - width);
        if (x < width - 1) take(i - width + 1);
      }
      if (!l) {
        l = parent.length;
        parent.push(l);
      }
      labels[i] = l;
    }
  }
  interface Acc { x0: number; y0: number; x1: number; y1: number; sum: number; n: number }
  const acc = new Map<number, Acc>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const l = labels[i]!;
      if (!l) continue;
      const r = find(l);
      const a = acc.get(r);
      if (!a) acc.set(r, { x0: x, y0: y, x1: x, y1: y, sum: prob[i]!, n: 1 });
      else {
        if (x < a.x0) a.x0 = x;
        if (x > a.x1) a.x1 = x;
        if (y < a.y0) a.y0 = y;
        if (y > a.y1) a.y1 = y;
        a.sum += prob[i]!;
        a.n++;
      }
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
