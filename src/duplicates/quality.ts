import sharp from 'sharp';
import type { Box } from '../geometry/box.js';

/** What `keep` compares, measured on the upright preview. */
export interface ImageQuality {
  /** Variance of the 4-neighbour Laplacian of the grey preview scaled to 512 px (higher = sharper). */
  sharpness: number;
  /** The same on the face boxes (mean over faces), null without faces. */
  faceSharpness: number | null;
  /** 0..1: share of pixels neither crushed (≤ 2) nor blown (≥ 253), times closeness of the mean to mid-grey. */
  exposure: number;
}

const SIDE = 512;

function laplacianVariance(px: Uint8Array | Buffer, w: number, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (let y = Math.max(1, y0); y < Math.min(y1, px.length / w - 1); y++) {
    for (let x = Math.max(1, x0); x < Math.min(x1, w - 1); x++) {
      const i = y * w + x;
      const l = px[i - 1]! + px[i + 1]! + px[i - w]! + px[i + w]! - 4 * px[i]!;
      sum += l;
      sq += l * l;
      n++;
    }
  }
  return n ? sq / n - (sum / n) ** 2 : 0;
}

/**
 * Sharpness and exposure of a preview at a common scale (512 px long side), so a downscaled copy
 * is blurrier than its original, not sharper for being small.
 */
export async function measureQuality(previewFile: string, faces: readonly Box[] = []): Promise<ImageQuality> {
  const { data, info } = await sharp(previewFile, { failOn: 'error' }).greyscale().resize(SIDE, SIDE, { fit: 'inside', kernel: 'linear' }).raw().toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  const sharpness = laplacianVariance(data, w, 0, 0, w, h);
  const faceVars = faces
    .map((f) => laplacianVariance(data, w, Math.floor(f.x * w), Math.floor(f.y * h), Math.ceil((f.x + f.w) * w), Math.ceil((f.y + f.h) * h)))
    .filter((v) => v > 0);
  let ok = 0;
  let total = 0;
  for (const v of data) {
    if (v > 2 && v < 253) ok++;
    total += v;
  }
  const mean = total / data.length / 255;
  return { sharpness, faceSharpness: faceVars.length ? faceVars.reduce((a, b) => a + b, 0) / faceVars.length : null, exposure: (ok / data.length) * (1 - Math.abs(mean - 0.5)) };
}
