import sharp from 'sharp';
import { DaemonError } from '../errors/index.js';

/** Interleaved 8-bit RGB pixels, row-major. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * Decodes an image file (the cached upright preview) to raw RGB. No rotation: previews are upright
 * already. A missing file is PREVIEW_MISSING, never FILE_NOT_FOUND: the cache losing a preview
 * is not the photo gone (the pipeline renders the preview again).
 */
export async function decodeRgb(file: string): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(file, { failOn: 'error' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return { data, width: info.width, height: info.height };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || /Input file is missing/.test((e as Error).message)) {
      throw new DaemonError('PREVIEW_MISSING', file, { cause: e });
    }
    throw new DaemonError('PREVIEW_DECODE_FAILED', `${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** Resizes raw RGB (bilinear-ish via sharp) to exactly width x height. */
export async function resizeRgb(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (img.width === width && img.height === height) return img;
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export interface ChannelNorm {
  channels: 'RGB' | 'BGR';
  scale: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/**
 * Writes an RGB image into a planar NCHW float32 tensor of size (dstW x dstH) at offset 0,0; the
 * rest (letterbox padding) stays as `pad`. Channel order, scale and mean/std come from the manifest.
 * `into` reuses a buffer of exactly 3*dstW*dstH floats (it is cleared to `pad` first).
 */
export function toNchw(img: RgbImage, dstW: number, dstH: number, norm: ChannelNorm, pad = 0, into?: Float32Array): Float32Array {
  const plane = dstW * dstH;
  if (into && into.length !== 3 * plane) throw new Error(`toNchw: buffer has ${into.length} floats, need ${3 * plane}`);
  const out = into ?? new Float32Array(3 * plane);
  const w = Math.min(img.width, dstW);
  const h = Math.min(img.height, dstH);
  // Only the padding is filled (a fresh buffer is zeros already): the image covers the rest.
  const fill = pad !== 0 || into !== undefined;
  const data = img.data;
  // One sequential read of the pixels writing all three planes (not one strided read per plane):
  // plane of the source's R, G and B, and each one's multiply-add.
  const planeOf = norm.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const kOf = (c: number) => norm.scale / norm.std[c]!;
  const mOf = (c: number) => norm.mean[c]! / norm.std[c]!;
  const [cr, cg, cb] = planeOf as [number, number, number];
  const kr = kOf(cr), kg = kOf(cg), kb = kOf(cb);
  const mr = mOf(cr), mg = mOf(cg), mb = mOf(cb);
  const pr = cr * plane, pg = cg * plane, pb = cb * plane;
  for (let y = 0; y < h; y++) {
    const o = y * dstW;
    for (let x = 0, i = y * img.width * 3; x < w; x++, i += 3) {
      out[pr + o + x] = data[i]! * kr - mr;
      out[pg + o + x] = data[i + 1]! * kg - mg;
      out[pb + o + x] = data[i + 2]! * kb - mb;
    }
    if (fill && w < dstW) for (let c = 0; c < 3; c++) out.fill(pad, c * plane + o + w, c * plane + o + dstW);
  }
  if (fill && h < dstH) for (let c = 0; c < 3; c++) out.fill(pad, c * plane + h * dstW, (c + 1) * plane);
  return out;
}
