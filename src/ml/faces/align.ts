import type { RgbImage } from '../image.js';

/** The standard ArcFace 5-point template for a 112x112 crop (eyes, nose, mouth corners). */
export const ARCFACE_TEMPLATE_112: readonly number[] = [
  38.2946, 51.6963, 73.5318, 51.5014, 56.0252, 71.7366, 41.5493, 92.3655, 70.7299, 92.2041,
];

/**
 * A 2-D similarity transform (rotation + uniform scale + translation, no reflection):
 * x' = a*x - b*y + tx,  y' = b*x + a*y + ty.
 */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export function applySimilarity(t: Similarity, x: number, y: number): [number, number] {
  return [t.a * x - t.b * y + t.tx, t.b * x + t.a * y + t.ty];
}

export function invertSimilarity(t: Similarity): Similarity {
  const d = t.a * t.a + t.b * t.b;
  if (d === 0) throw new Error('degenerate similarity transform');
  const a = t.a / d;
  const b = -t.b / d;
  // Inverse maps p' back: p = R^-1 (p' - t).
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

/**
 * Least-squares similarity from src points to dst points (flat [x0,y0,x1,y1,...]). This is the
 * closed form of Umeyama's estimate restricted to proper rotations, which is what face alignment
 * needs (a mirrored face is not the same face).
 */
export function estimateSimilarity(src: readonly number[], dst: readonly number[]): Similarity {
  const n = src.length / 2;
  if (n < 2 || src.length !== dst.length) throw new Error('need at least two point pairs of equal count');
  let msx = 0, msy = 0, mdx = 0, mdy = 0;
  for (let i = 0; i < n; i++) {
    msx += src[2 * i]!; msy += src[2 * i + 1]!;
    mdx += dst[2 * i]!; mdy += dst[2 * i + 1]!;
  }
  msx /= n; msy /= n; mdx /= n; mdy /= n;
  let dot = 0, cross = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const px = src[2 * i]! - msx, py = src[2 * i + 1]! - msy;
    const qx = dst[2 * i]! - mdx, qy = dst[2 * i + 1]! - mdy;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm === 0) throw new Error('source points coincide');
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: mdx - (a * msx - b * msy), ty: mdy - (b * msx + a * msy) };
}

/**
 * Warps `img` by the similarity `t` (source -> destination) into a size x size RGB image with
 * bilinear sampling; outside the source is black (like OpenCV's warpAffine default border).
 */
export function warpSimilarity(img: RgbImage, t: Similarity, size: number): RgbImage {
  const inv = invertSimilarity(t);
  const out = Buffer.alloc(size * size * 3);
  const { width: W, height: H, data } = img;
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const sx = inv.a * u - inv.b * v + inv.tx;
      const sy = inv.b * u + inv.a * v + inv.ty;
      const x0 = Math.floor(sx), y0 = Math.floor(sy);
      const fx = sx - x0, fy = sy - y0;
      const o = (v * size + u) * 3;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < W && y0 + 1 < H) {
        // All four taps inside (nearly every pixel of a face): no per-tap bounds checks. Same
        // arithmetic, in the same order, as the general case below.
        const a = (y0 * W + x0) * 3, b = a + W * 3;
        const wy0 = 1 - fy, wx0 = 1 - fx;
        for (let c = 0; c < 3; c++) {
          let acc = 0;
          acc += data[a + c]! * wy0 * wx0;
          acc += data[a + 3 + c]! * wy0 * fx;
          acc += data[b + c]! * fy * wx0;
          acc += data[b + 3 + c]! * fy * fx;
          out[o + c] = Math.round(acc);
        }
        continue;
      }
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let j = 0; j < 2; j++) {
          const yy = y0 + j;
          if (yy < 0 || yy >= H) continue;
          const wy = j ? fy : 1 - fy;
          for (let i = 0; i < 2; i++) {
            const xx = x0 + i;
            if (xx < 0 || xx >= W) continue;
            acc += data[(yy * W + xx) * 3 + c]! * wy * (i ? fx : 1 - fx);
          }
        }
        out[o + c] = Math.round(acc);
      }
    }
  }
  return { data: out, width: size, height: size };
}

/** Aligns a face by its 5 landmarks (pixels, ArcFace order) to the 112x112 template. */
export function alignFace(img: RgbImage, landmarks: readonly number[], size = 112): RgbImage {
  const k = size / 112;
  const dst = ARCFACE_TEMPLATE_112.map((v) => v * k);
  return warpSimilarity(img, estimateSimilarity(landmarks, dst), size);
}
