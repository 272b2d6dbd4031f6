import type { ChannelNorm, RgbImage } from './image.js';
import { levelFor } from './pyramid.js';

/** Where the model input comes from: the image resized to width x height, a window of it cut out. */
export interface ResampleGeometry {
  /** Size the whole image is resized to. */
  width: number;
  height: number;
  /** The window of that resized image written to the tensor (default: all of it, from 0,0). */
  left?: number;
  top?: number;
  cropWidth?: number;
  cropHeight?: number;
  /**
   * Shrinking, `linear` is a triangle filter as wide as the shrink (libvips' linear kernel, which
   * the classifier was fed before); `bilinear` samples between the two nearest pixel centres
   * (YuNet: what OpenCV's cv.resize gives it, and far cheaper on its 640 px input). Enlarging is
   * bilinear either way. Default `linear`.
   */
  filter?: 'linear' | 'bilinear';
}

/**
 * Sample positions and weights along one axis: output i of `count` (starting at `offset` in the
 * resized image, `k` level pixels per output pixel), pixel centres aligned. `linear`: a triangle
 * as wide as the shrink (libvips' linear kernel; at most 5 taps under 2x); otherwise, and always
 * when enlarging, bilinear between the two nearest pixel centres. Indices clamped at the edges,
 * weights summing to 1, `taps` entries per output (unused ones weigh 0).
 */
function axisTaps(count: number, offset: number, k: number, size: number, linear: boolean): { idx: Int32Array; w: Float32Array; taps: number } {
  const f = linear ? Math.max(1, k) : 1;
  const taps = f > 1 ? Math.ceil(2 * f) + 1 : 2;
  const idx = new Int32Array(count * taps);
  const w = new Float32Array(count * taps);
  for (let u = 0; u < count; u++) {
    const at = u * taps;
    if (f > 1) {
      const centre = (u + offset + 0.5) * k - 0.5;
      const first = Math.floor(centre - f) + 1;
      let sum = 0;
      for (let t = 0; t < taps; t++) {
        const i = first + t;
        const wt = Math.max(0, 1 - Math.abs(i - centre) / f);
        idx[at + t] = Math.min(Math.max(i, 0), size - 1);
        w[at + t] = wt;
        sum += wt;
      }
      for (let t = 0; t < taps; t++) w[at + t]! /= sum;
    } else {
      const c = Math.min(Math.max((u + offset + 0.5) * k - 0.5, 0), size - 1);
      const i = Math.floor(c);
      idx[at] = i;
      idx[at + 1] = Math.min(i + 1, size - 1);
      w[at] = 1 - (c - i);
      w[at + 1] = c - i;
    }
  }
  return { idx, w, taps };
}

/**
 * Resizes, crops and normalises an image straight into a planar NCHW float tensor of dstW x dstH,
 * window at 0,0, the rest (letterbox padding) `pad`. One pass in JS, no intermediate RGB image and
 * no round trip through libvips: from the pyramid level just above the target size (pyramid.ts),
 * the remaining shrink (under 2x) filtered as `g.filter` says, separably.
 * Values are (v * scale - mean) / std per channel, in the norm's channel order. `into` reuses a
 * buffer of exactly 3*dstW*dstH floats.
 */
export function resampleToNchw(img: RgbImage, g: ResampleGeometry, dstW: number, dstH: number, norm: ChannelNorm, pad = 0, into?: Float32Array): Float32Array {
  const plane = dstW * dstH;
  if (into && into.length !== 3 * plane) throw new Error(`resampleToNchw: buffer has ${into.length} floats, need ${3 * plane}`);
  const out = into ?? new Float32Array(3 * plane);
  const left = g.left ?? 0, top = g.top ?? 0;
  const cw = Math.min(g.cropWidth ?? g.width - left, dstW);
  const ch = Math.min(g.cropHeight ?? g.height - top, dstH);
  const { image: src, step } = levelFor(img, g.width, g.height);
  const sw = src.width, data = src.data;
  // Level pixels per output pixel (each level pixel spans `step` full-image pixels).
  const linear = (g.filter ?? 'linear') === 'linear';
  const X = axisTaps(cw, left, img.width / g.width / step, sw, linear);
  const Y = axisTaps(ch, top, img.height / g.height / step, src.height, linear);
  // The level columns the window reads, blended down each output row's taps first.
  let xlo = sw, xhi = 0;
  for (let i = 0; i < X.idx.length; i++) {
    xlo = Math.min(xlo, X.idx[i]!);
    xhi = Math.max(xhi, X.idx[i]!);
  }
  if (cw <= 0) xlo = xhi = 0;
  const span = (xhi - xlo + 1) * 3;
  const row = new Float32Array(span);
  // Plane of each source channel (R, G, B) and its multiply-add.
  const rgbPlane = norm.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const k = [0, 1, 2].map((c) => norm.scale / norm.std[c]!);
  const m = [0, 1, 2].map((c) => norm.mean[c]! / norm.std[c]!);
  const pr = rgbPlane[0]! * plane, pg = rgbPlane[1]! * plane, pb = rgbPlane[2]! * plane;
  const kr = k[rgbPlane[0]!]!, kg = k[rgbPlane[1]!]!, kb = k[rgbPlane[2]!]!;
  const mr = m[rgbPlane[0]!]!, mg = m[rgbPlane[1]!]!, mb = m[rgbPlane[2]!]!;
  const fill = pad !== 0 || into !== undefined; // a fresh buffer is zeros already
  const tx = X.taps, ty = Y.taps, xi = X.idx, xw = X.w;
  for (let v = 0; v < ch; v++) {
    row.fill(0);
    for (let t = 0; t < ty; t++) {
      const wt = Y.w[v * ty + t]!;
      if (wt === 0) continue;
      const base = (Y.idx[v * ty + t]! * sw + xlo) * 3;
      for (let i = 0; i < span; i++) row[i]! += data[base + i]! * wt;
    }
    const o = v * dstW;
    for (let u = 0; u < cw; u++) {
      let r = 0, gr = 0, b = 0;
      for (let t = u * tx, end = t + tx; t < end; t++) {
        const wt = xw[t]!;
        const j = (xi[t]! - xlo) * 3;
        r += row[j]! * wt;
        gr += row[j + 1]! * wt;
        b += row[j + 2]! * wt;
      }
      out[pr + o + u] = r * kr - mr;
      out[pg + o + u] = gr * kg - mg;
      out[pb + o + u] = b * kb - mb;
    }
    if (fill && cw < dstW) for (let c = 0; c < 3; c++) out.fill(pad, c * plane + o + cw, c * plane + o + dstW);
  }
  if (fill && ch < dstH) for (let c = 0; c < 3; c++) out.fill(pad, c * plane + ch * dstW, (c + 1) * plane);
  return out;
}
