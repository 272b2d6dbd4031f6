import { resizeRgb, type RgbImage } from './image.js';

/**
 * Reduced copies of a decoded image, made by libvips once per image and size and kept as long as
 * the image itself (a WeakMap on the pixels object). The decoded preview is shared by the faces,
 * tags and OCR passes (DecodedPreviews), so its reduced copies are too: the detector's 640 px
 * input is made from the 2048 px preview once, and the classifier's 224 px crop is then made from
 * it instead of reducing the whole preview again. libvips for the resizing: a 2x2 box pyramid and
 * a bilinear pass in JS cost 2-3x libvips' SIMD resize of a 2048 px preview here.
 */
const made = new WeakMap<RgbImage, Map<string, Promise<RgbImage>>>();
const ready = new WeakMap<RgbImage, RgbImage[]>();

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
    p.then(
      (r) => ready.set(img, [...(ready.get(img) ?? []), r]),
      () => sizes.delete(key),
    );
  }
  return p;
}

/**
 * What to resize to width x height from: the smallest reduced copy already made that is at least
 * that big, under twice it (so the resize still sees every pixel it averages) and smaller than the
 * image; else the image itself. Never makes a copy: only a model that needs one pays for it.
 */
export function levelFor(img: RgbImage, width: number, height: number): RgbImage {
  const fits = (l: RgbImage) => l.width >= width && l.height >= height && l.width < 2 * width && l.height < 2 * height && l.width < img.width;
  return (ready.get(img) ?? []).filter(fits).sort((a, b) => a.width - b.width)[0] ?? img;
}
