import { resizeRgb, type RgbImage } from './image.js';

/**
 * Reduced copies of a decoded image, made by libvips once per image and size and kept as long as
 * the image itself (a WeakMap on the pixels object). The decoded preview is shared by the faces,
 * tags and OCR passes (DecodedPreviews), so its reduced copies are too: the analysis copy (long
 * side 640, YuNet's input) is made from the 2048 px preview once, and the classifier's 224 px crop
 * is then made from it instead of reducing the whole preview again. libvips for the resizing: a
 * 2x2 box pyramid and a bilinear pass in JS cost 2-3x libvips' SIMD resize of a 2048 px preview here.
 */
const made = new WeakMap<RgbImage, Map<string, Promise<RgbImage>>>();

/** The image resized by libvips (linear kernel) to exactly width x height, made once per image and size. */
export function reduced(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (img.width === width && img.height === height) return Promise.resolve(img);
  let sizes = made.get(img);
  if (!sizes) made.set(img, (sizes = new Map()));
  const key = `${width}x${height}`;
  let p = sizes.get(key);
  if (!p) {
    p = resizeRgb(img, width, height);
    sizes.set(key, p);
    p.catch(() => sizes.delete(key));
  }
  return p;
}

/** Long side of the analysis copy: YuNet's 640 px input, which the faces pass reduces a preview to. */
export const ANALYSIS_SIDE = 640;

/** The size of an image's analysis copy (long side ANALYSIS_SIDE), or null when the image is no larger. */
export function analysisSize(img: { width: number; height: number }): { width: number; height: number } | null {
  const long = Math.max(img.width, img.height);
  if (long <= ANALYSIS_SIDE) return null;
  const s = ANALYSIS_SIDE / long;
  return { width: Math.max(1, Math.round(img.width * s)), height: Math.max(1, Math.round(img.height * s)) };
}

/**
 * What to resize to width x height from: the analysis copy when it is at least that big and under
 * twice it (so the resize still sees every pixel it averages), else the image itself. The copy is
 * made here when no pass has made it yet: a model's input must not depend on which pass happened
 * to run first on a photo. It did, when only a copy already made was used: the classifier's tags
 * then changed from one import to the next (horses.jpg: "sheep" 0.31 on one, under 0.3 on another).
 */
export async function sourceFor(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  const a = analysisSize(img);
  if (!a || a.width < width || a.height < height || a.width >= 2 * width || a.height >= 2 * height) return img;
  return reduced(img, a.width, a.height);
}
