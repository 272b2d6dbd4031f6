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

/** Per-norm tables: source byte value -> network value for each of the source's R, G and B. */
const tables = new WeakMap<ChannelNorm, Float32Array>();

export interface ChannelAffine {
  plane: number;
  mul: number;
  add: number;
}

/**
 * Per source channel (R, G, B): the plane it lands in and the affine map v -> v·mul + add its
 * values take there (the manifest's channel order, scale, mean and std).
 */
export function channelAffine(norm: ChannelNorm): [ChannelAffine, ChannelAffine, ChannelAffine] {
  const planeOf = norm.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  return planeOf.map((c) => ({ plane: c, mul: norm.scale / norm.std[c]!, add: -norm.mean[c]! / norm.std[c]! })) as [ChannelAffine, ChannelAffine, ChannelAffine];
}

/**
 * 768 floats: for each source channel (R, G, B) the 256 values it maps to. A table lookup replaces
 * the multiply-add per value on the daemon's thread: YuNet's 640x640 input from a 640x480 image
 * 3.7 -> 2.8 ms CPU here, 2.1 with a reused buffer's padding left alone (microbenchmark, load ~8).
 */
function tableFor(norm: ChannelNorm): Float32Array {
  let t = tables.get(norm);
  if (!t) {
    t = new Float32Array(768);
    for (const [s, { mul, add }] of channelAffine(norm).entries()) for (let v = 0; v < 256; v++) t[s * 256 + v] = v * mul + add;
    tables.set(norm, t);
  }
  return t;
}

/**
 * Fills the letterbox of a planar tensor whose image covers w x h at 0,0 with `pad`. Only what
 * needs it: a fresh buffer (no `into`) is zeros already; a reused one whose last image (`padded`)
 * was no bigger than this one has its padding already.
 */
export function padLetterbox(out: Float32Array, dstW: number, dstH: number, w: number, h: number, pad: number, into?: Float32Array, padded?: { width: number; height: number }): void {
  const clean = into === undefined ? pad === 0 : padded !== undefined && padded.width <= w && padded.height <= h;
  if (clean) return;
  const plane = dstW * dstH;
  for (let c = 0; c < 3; c++) {
    if (w < dstW) for (let y = 0; y < h; y++) out.fill(pad, c * plane + y * dstW + w, c * plane + (y + 1) * dstW);
    if (h < dstH) out.fill(pad, c * plane + h * dstW, (c + 1) * plane);
  }
}

/**
 * Writes an RGB image into a planar NCHW float32 tensor of size (dstW x dstH) at offset 0,0; the
 * rest (letterbox padding) stays as `pad`. Channel order, scale and mean/std come from the manifest.
 * `into` reuses a buffer of exactly 3*dstW*dstH floats: its padding is filled with `pad` first,
 * unless `padded` says it already is: the size of the last image written into it, no bigger than this one
 * (a fresh buffer of zeros is `{ width: 0, height: 0 }` for a pad of 0).
 */
export function toNchw(img: RgbImage, dstW: number, dstH: number, norm: ChannelNorm, pad = 0, into?: Float32Array, padded?: { width: number; height: number }): Float32Array {
  const plane = dstW * dstH;
  if (into && into.length !== 3 * plane) throw new Error(`toNchw: buffer has ${into.length} floats, need ${3 * plane}`);
  const out = into ?? new Float32Array(3 * plane);
  const w = Math.min(img.width, dstW);
  const h = Math.min(img.height, dstH);
  const data = img.data;
  const t = tableFor(norm);
  const planeOf = norm.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  // One sequential read of the pixels writing all three planes (not one strided read per plane).
  const pr = out.subarray(planeOf[0]! * plane, (planeOf[0]! + 1) * plane);
  const pg = out.subarray(planeOf[1]! * plane, (planeOf[1]! + 1) * plane);
  const pb = out.subarray(planeOf[2]! * plane, (planeOf[2]! + 1) * plane);
  const stride = img.width * 3;
  for (let y = 0; y < h; y++) {
    let o = y * dstW;
    const end = o + w;
    for (let i = y * stride; o < end; o++, i += 3) {
      pr[o] = t[data[i]!]!;
      pg[o] = t[256 + data[i + 1]!]!;
      pb[o] = t[512 + data[i + 2]!]!;
    }
  }
  // Only the padding: the image covers the rest.
  padLetterbox(out, dstW, dstH, w, h, pad, into, padded);
  return out;
}
