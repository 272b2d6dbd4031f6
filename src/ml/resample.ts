import { channelAffine, padLetterbox, type ChannelNorm, type RgbImage } from './image.js';

/** Whether enlargeToNchw is the way to this size: larger along one axis, smaller along neither. */
export function isEnlargement(img: { width: number; height: number }, width: number, height: number): boolean {
  return width >= img.width && height >= img.height && (width > img.width || height > img.height);
}

/**
 * Bilinear enlargement of 8-bit RGB pixels to width × height, written straight into a model's
 * NCHW float tensor of dstW × dstH at 0,0: channel order, (v·scale − mean) / std and the letterbox
 * padding in the same pass. For the photos smaller than a model's input (YuNet's 640 px from a
 * 331 × 497 scan: ~2.8 ms here against ~8 for libvips' resize and the tensor after it); a
 * reduction stays with libvips (pyramid.ts), whose SIMD wins once a pixel needs more than 2 taps.
 * Pixel centres line up, (x + ½)·(source / target) − ½, edges repeat.
 *
 * `into`: a buffer of exactly 3·dstW·dstH floats to reuse; its padding is written only where
 * `padded` (the size of the last image written into it) says an older image may show.
 */
export function enlargeToNchw(img: RgbImage, width: number, height: number, dstW: number, dstH: number, norm: ChannelNorm, pad = 0, into?: Float32Array, padded?: { width: number; height: number }): Float32Array {
  if (width < img.width || height < img.height) throw new Error(`enlargeToNchw: ${img.width}x${img.height} -> ${width}x${height} is a reduction`);
  const plane = dstW * dstH;
  if (into && into.length !== 3 * plane) throw new Error(`enlargeToNchw: buffer has ${into.length} floats, need ${3 * plane}`);
  const out = into ?? new Float32Array(3 * plane);
  const w = Math.min(width, dstW), h = Math.min(height, dstH);
  const sw = img.width, sh = img.height, data = img.data;
  // Per output column: its two source pixels (byte offsets in a row) and the second one's weight.
  const x0 = new Int32Array(w), x1 = new Int32Array(w), fx = new Float32Array(w);
  const sx = sw / width;
  for (let x = 0; x < w; x++) {
    const s = Math.min(sw - 1, Math.max(0, (x + 0.5) * sx - 0.5));
    const i = Math.floor(s);
    x0[x] = 3 * i;
    x1[x] = 3 * Math.min(i + 1, sw - 1);
    fx[x] = s - i;
  }
  // The two source rows the current output row lies between, interpolated across.
  let a = new Float32Array(3 * w), b = new Float32Array(3 * w);
  let ya = -1, yb = -1;
  const across = (y: number, r: Float32Array) => {
    const base = y * 3 * sw;
    for (let x = 0, k = 0; x < w; x++, k += 3) {
      const i = base + x0[x]!, j = base + x1[x]!, f = fx[x]!;
      const r0 = data[i]!, g0 = data[i + 1]!, b0 = data[i + 2]!;
      r[k] = r0 + (data[j]! - r0) * f;
      r[k + 1] = g0 + (data[j + 1]! - g0) * f;
      r[k + 2] = b0 + (data[j + 2]! - b0) * f;
    }
  };
  const [r, g, bl] = channelAffine(norm);
  const [pr, pg, pb] = [r, g, bl].map((c) => out.subarray(c.plane * plane, (c.plane + 1) * plane)) as [Float32Array, Float32Array, Float32Array];
  const [mr, mg, mb, ar, ag, ab] = [r.mul, g.mul, bl.mul, r.add, g.add, bl.add];
  const sy = sh / height;
  for (let y = 0; y < h; y++) {
    const s = Math.min(sh - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const i = Math.floor(s), j = Math.min(i + 1, sh - 1), f = s - i;
    // The two source rows, interpolated across once each: the next output rows mostly reuse them.
    if (ya !== i) {
      if (yb === i) [a, b, ya, yb] = [b, a, i, -1];
      else (across(i, a), (ya = i));
    }
    if (yb !== j) (across(j, b), (yb = j));
    for (let x = 0, k = 0, o = y * dstW; x < w; x++, k += 3, o++) {
      pr[o] = (a[k]! + (b[k]! - a[k]!) * f) * mr + ar;
      pg[o] = (a[k + 1]! + (b[k + 1]! - a[k + 1]!) * f) * mg + ag;
      pb[o] = (a[k + 2]! + (b[k + 2]! - a[k + 2]!) * f) * mb + ab;
    }
  }
  padLetterbox(out, dstW, dstH, w, h, pad, into, padded);
  return out;
}
