/** A detected face in pixel coordinates of the image it was found in. */
export interface Detection {
  /** [x, y, w, h], top-left + size, pixels. */
  box: [number, number, number, number];
  score: number;
  /** 5 points [x0,y0,...,x4,y4], pixels, ArcFace order. */
  landmarks: number[];
}

export function iou(a: readonly number[], b: readonly number[]): number {
  const x1 = Math.max(a[0]!, b[0]!);
  const y1 = Math.max(a[1]!, b[1]!);
  const x2 = Math.min(a[0]! + a[2]!, b[0]! + b[2]!);
  const y2 = Math.min(a[1]! + a[3]!, b[1]! + b[3]!);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a[2]! * a[3]! + b[2]! * b[3]! - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy non-maximum suppression: best score first, dropping boxes overlapping a kept one by > threshold. */
export function nms<T extends { box: readonly number[]; score: number }>(dets: T[], iouThreshold: number): T[] {
  const sorted = [...dets].sort((p, q) => q.score - p.score);
  const kept: T[] = [];
  for (const d of sorted) if (kept.every((k) => iou(k.box, d.box) <= iouThreshold)) kept.push(d);
  return kept;
}
