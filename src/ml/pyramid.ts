import type { RgbImage } from './image.js';

/**
 * Half-size copies of decoded images (2x2 box averages), made once per image and kept as long as
 * the image itself (a WeakMap on the pixels object): the decoded preview is shared by the faces,
 * tags and OCR passes (DecodedPreviews), so its levels are too. The model inputs are small (YuNet
 * 640 px, the classifier 224 px) next to a 2048 px preview: sampling them from the level just
 * above their size reads a quarter or a sixteenth of the pixels, and a 2x2 box level is what keeps
 * that sampling from aliasing (each level is low-passed before it is sampled).
 */
const halves = new WeakMap<RgbImage, RgbImage>();

/** A pyramid level and how many full-image pixels one of its pixels spans (1, 2, 4...). */
export interface PyramidLevel {
  image: RgbImage;
  step: number;
}

/** The 2x2 box average of an image (odd last row/column dropped), made once per image. */
export function halfOf(img: RgbImage): RgbImage {
  const known = halves.get(img);
  if (known) return known;
  const w = img.width >> 1, h = img.height >> 1;
  const sw = img.width * 3;
  const d = img.data;
  const out = Buffer.allocUnsafe(w * h * 3);
  for (let y = 0; y < h; y++) {
    let a = 2 * y * sw, b = a + sw, o = y * w * 3;
    for (let x = 0; x < w; x++, a += 6, b += 6, o += 3) {
      out[o] = (d[a]! + d[a + 3]! + d[b]! + d[b + 3]! + 2) >> 2;
      out[o + 1] = (d[a + 1]! + d[a + 4]! + d[b + 1]! + d[b + 4]! + 2) >> 2;
      out[o + 2] = (d[a + 2]! + d[a + 5]! + d[b + 2]! + d[b + 5]! + 2) >> 2;
    }
  }
  const half = { data: out, width: w, height: h };
  halves.set(img, half);
  return half;
}

/**
 * The smallest level still at least `width` x `height` (the image itself when it is no bigger):
 * resampling from it shrinks by less than 2, where bilinear sampling sees every pixel.
 */
export function levelFor(img: RgbImage, width: number, height: number): PyramidLevel {
  let image = img, step = 1;
  while (image.width >> 1 >= Math.max(1, width) && image.height >> 1 >= Math.max(1, height)) {
    image = halfOf(image);
    step *= 2;
  }
  return { image, step };
}
