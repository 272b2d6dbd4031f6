import sharp from 'sharp';
import { DaemonError } from '../../errors/index.js';
import { toNchw, type ChannelNorm, type RgbImage } from '../image.js';
import { sourceFor } from '../pyramid.js';

/** How one image model wants its pixels (from the model's manifest entry). */
export interface ImagePreprocess {
  /** Square crop fed to the model. */
  size: number;
  /** Shortest side is resized to this before the centre crop (CLIP: = size; ImageNet: 256). */
  resizeShortest: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  kernel: 'cubic' | 'lanczos3' | 'linear';
}

export const CLIP_PREPROCESS: ImagePreprocess = Object.freeze({
  size: 224,
  resizeShortest: 224,
  mean: [0.48145466, 0.4578275, 0.40821073] as const,
  std: [0.26862954, 0.26130258, 0.27577711] as const,
  kernel: 'cubic' as const,
});

export const IMAGENET_PREPROCESS: ImagePreprocess = Object.freeze({
  size: 224,
  resizeShortest: 256,
  mean: [0.485, 0.456, 0.406] as const,
  std: [0.229, 0.224, 0.225] as const,
  kernel: 'linear' as const,
});

/**
 * Decodes an (already upright) image and returns RGB NCHW floats for one batch row: shortest side
 * to `resizeShortest`, centre crop `size`, x/255, (x - mean) / std.
 */
/** The preprocessing as toNchw's channel norm (one object per preprocess: its lookup table is kept with it). */
const norms = new WeakMap<ImagePreprocess, ChannelNorm>();
function normOf(p: ImagePreprocess): ChannelNorm {
  let n = norms.get(p);
  if (!n) norms.set(p, (n = { channels: 'RGB', scale: 1 / 255, mean: p.mean, std: p.std }));
  return n;
}

/**
 * `into`: a buffer of exactly 3·size² floats to write the tensor into (reused across photos, see
 * InputBuffers); a new one otherwise.
 */
export async function imageToTensor(input: string | Buffer | RgbImage, p: ImagePreprocess, into?: Float32Array): Promise<Float32Array> {
  let rgb: Buffer;
  try {
    // Decoded pixels (shared between passes, see DecodedPreviews) go in as raw RGB: same resampling.
    const px = Buffer.isBuffer(input) || typeof input === 'string' ? null : input;
    const file = px ? null : sharp(input as string | Buffer, { failOn: 'error' });
    // Decoded pixels know their size: no round trip through libvips' thread pool to ask.
    const { width: w, height: h } = px ?? (await file!.metadata());
    if (!w || !h) throw new Error('no image size');
    const scale = p.resizeShortest / Math.min(w, h);
    const rw = Math.max(p.size, Math.round(w * scale));
    const rh = Math.max(p.size, Math.round(h * scale));
    // The classifier (linear kernel) starts from the preview's 640 px analysis copy, the one the
    // faces pass reduces it to (pyramid.ts): a 1.7x reduction of 640 px instead of 5x of the
    // 2048 px preview, and the same input whichever of the two passes runs first.
    // CLIP (cubic) keeps the full preview: its stored embeddings came from it.
    const src = px && p.kernel === 'linear' ? await sourceFor(px, rw, rh) : px;
    const img = src ? sharp(src.data, { raw: { width: src.width, height: src.height, channels: 3 } }) : file!;
    // fastShrinkOnLoad off: JPEG shrink-on-load would change the resampling the model expects.
    rgb = await img
      .removeAlpha()
      .toColourspace('srgb')
      .resize(rw, rh, { fit: 'fill', kernel: p.kernel, fastShrinkOnLoad: false })
      .extract({ left: Math.floor((rw - p.size) / 2), top: Math.floor((rh - p.size) / 2), width: p.size, height: p.size })
      .raw()
      .toBuffer();
  } catch (e) {
    throw new DaemonError('PREVIEW_DECODE_FAILED', `${typeof input === 'string' ? input : Buffer.isBuffer(input) ? 'buffer' : 'pixels'}: ${(e as Error).message}`, { cause: e });
  }
  const n = p.size * p.size;
  if (rgb.length !== n * 3) throw new DaemonError('PREVIEW_DECODE_FAILED', `expected ${n * 3} RGB bytes, got ${rgb.length}`);
  // (v / 255 - mean) / std per value, by table (image.ts); the crop covers the whole tensor.
  return toNchw({ data: rgb, width: p.size, height: p.size }, p.size, p.size, normOf(p), 0, into, { width: p.size, height: p.size });
}
