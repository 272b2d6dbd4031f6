import sharp from 'sharp';
import { DaemonError } from '../../errors/index.js';
import type { Box } from '../../geometry/box.js';
import { ort } from '../clip/onnx-session.js';
import { resizeRgb, toNchw, type ChannelNorm, type RgbImage } from '../image.js';
import type { OrtSessionLike } from '../ort-host.js';
import { ctcDecode } from './ctc-decode.js';
import { DefaultDbPostprocessOptions, regionsFromProbMap, type DbPostprocessOptions, type TextRegion } from './db-postprocess.js';

/** One line of text found in a photo. `box` is a fraction (0..1) of the upright preview. */
export interface OcrLine {
  text: string;
  box: Box;
  /** Recognition confidence: mean probability of the characters read (0..1). */
  score: number;
}

export interface OcrNetworks {
  det: OrtSessionLike;
  rec: OrtSessionLike;
  cls: OrtSessionLike;
}

export interface OcrOptions {
  /**
   * Longest side the detector sees. Small text needs resolution: a sign across the street is a
   * few pixels high at 960 (PaddleOCR's default) and lost; 1536 keeps 8-10 px letters (measured in
   * tests/medium/ml/ocr.test.ts), at about 2.5x the detector time of 960.
   */
  detMaxSide: number;
  db: DbPostprocessOptions;
  /** A crop at least this much taller than wide is vertical text: turned a quarter before reading. */
  verticalRatio: number;
  /** Below this the angle classifier's "upside down" is not trusted. */
  clsThreshold: number;
  /**
   * Lines read with less confidence are dropped. PaddleOCR's drop_score is 0.5; on the fixtures
   * every line between 0.5 and 0.6 was noise (". ", "seoe", "Ne") and every real word scored above 0.8.
   */
  dropScore: number;
  /** Crops per recognition run. */
  recBatch: number;
  /** At most this many regions per photo are read (a page of small print). */
  maxRegions: number;
}

export const DefaultOcrOptions: Readonly<OcrOptions> = Object.freeze({
  detMaxSide: 1536,
  db: DefaultDbPostprocessOptions,
  verticalRatio: 1.5,
  clsThreshold: 0.9,
  dropScore: 0.6,
  recBatch: 6,
  maxRegions: 200,
});

/** Detection: BGR, ImageNet mean/std (PaddleOCR det preprocessing on cv2's BGR images). */
const DET_NORM: ChannelNorm = { channels: 'BGR', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const REC_H = 48;
const CLS_W = 192;
const REC_MAX_W = REC_H * 40;

/** Every tensor fed to a network, in order (the benchmark replays them on bare sessions). */
export type OcrTrace = { net: keyof OcrNetworks; feeds: Record<string, ort.Tensor> }[];

interface Crop {
  /** 48 px high RGB, upright after the quarter turn (the classifier may still flip it). */
  img: RgbImage;
  region: TextRegion;
  /** Region in preview pixels. */
  px: { x: number; y: number; w: number; h: number };
}

/** The detector's input size: the image scaled so its long side is at most `maxSide`, sides multiples of 32. */
export function detSize(width: number, height: number, maxSide: number): { w: number; h: number } {
  const s = Math.min(1, maxSide / Math.max(width, height));
  const r = (v: number) => Math.max(32, Math.round((v * s) / 32) * 32);
  return { w: r(width), h: r(height) };
}

/**
 * PaddleOCR's three networks over one upright image: detect text regions (DB), cut each out
 * (quarter-turned when vertical), ask the angle classifier whether it is upside down, then read it
 * (CTC). Inference runs wherever the sessions live (the daemon's ML worker thread).
 */
export class OcrEngine {
  private readonly o: OcrOptions;

  constructor(
    readonly id: string,
    private readonly nets: OcrNetworks,
    private readonly charset: readonly string[],
    opts: Partial<OcrOptions> = {},
    private readonly trace?: OcrTrace,
  ) {
    this.o = { ...DefaultOcrOptions, ...opts };
  }

  async read(img: RgbImage, signal?: AbortSignal): Promise<OcrLine[]> {
    const regions = (await this.detect(img)).slice(0, this.o.maxRegions);
    if (!regions.length) return [];
    signal?.throwIfAborted();
    const crops = await this.crops(img, regions);
    await this.uprightCrops(crops);
    signal?.throwIfAborted();
    return this.recognise(img, crops, signal);
  }

  async detect(img: RgbImage): Promise<TextRegion[]> {
    const { w, h } = detSize(img.width, img.height, this.o.detMaxSide);
    const small = await resizeRgb(img, w, h);
    const data = toNchw(small, w, h, DET_NORM);
    const out = await this.run('det', new ort.Tensor('float32', data, [1, 3, h, w]));
    const sx = img.width / w;
    const sy = img.height / h;
    return regionsFromProbMap(out.data as Float32Array, w, h, this.o.db).map((r) => ({ ...r, x: r.x * sx, y: r.y * sy, w: r.w * sx, h: r.h * sy }));
  }

  private async crops(img: RgbImage, regions: TextRegion[]): Promise<Crop[]> {
    const out: Crop[] = [];
    for (const region of regions) {
      const x = Math.max(0, Math.floor(region.x));
      const y = Math.max(0, Math.floor(region.y));
      const w = Math.min(img.width - x, Math.ceil(region.x + region.w) - x);
      const h = Math.min(img.height - y, Math.ceil(region.y + region.h) - y);
      if (w < 2 || h < 2) continue;
      const vertical = h / w >= this.o.verticalRatio;
      // After a counter-clockwise quarter turn (PaddleOCR's np.rot90) the crop is (h x w).
      const [cw, ch] = vertical ? [h, w] : [w, h];
      const rw = Math.max(8, Math.min(REC_MAX_W, Math.round((REC_H * cw) / ch)));
      // Cut the rows out here: handing libvips the whole preview for every region costs more than the crop.
      const cut = Buffer.allocUnsafe(w * h * 3);
      for (let j = 0; j < h; j++) img.data.copy(cut, j * w * 3, ((y + j) * img.width + x) * 3, ((y + j) * img.width + x + w) * 3);
      let pipe = sharp(cut, { raw: { width: w, height: h, channels: 3 } });
      if (vertical) pipe = sharp(await pipe.rotate(270).raw().toBuffer(), { raw: { width: h, height: w, channels: 3 } });
      const { data, info } = await pipe.resize(rw, REC_H, { fit: 'fill', kernel: 'linear' }).raw().toBuffer({ resolveWithObject: true });
      out.push({ img: { data, width: info.width, height: info.height }, region, px: { x, y, w, h } });
    }
    return out;
  }

  /** Runs the angle classifier on every crop and turns those it is sure are upside down. */
  private async uprightCrops(crops: Crop[]): Promise<void> {
    for (let at = 0; at < crops.length; at += this.o.recBatch) {
      const batch = crops.slice(at, at + this.o.recBatch);
      const plane = REC_H * CLS_W;
      const data = new Float32Array(batch.length * 3 * plane);
      for (let i = 0; i < batch.length; i++) {
        const c = batch[i]!.img;
        const fit = c.width > CLS_W ? await resizeRgb(c, CLS_W, REC_H) : c;
        writeRecTensor(fit, data, i * 3 * plane, CLS_W);
      }
      const probs = (await this.run('cls', new ort.Tensor('float32', data, [batch.length, 3, REC_H, CLS_W]))).data as Float32Array;
      for (let i = 0; i < batch.length; i++) {
        const p180 = probs[i * 2 + 1]!;
        if (p180 > probs[i * 2]! && p180 >= this.o.clsThreshold) batch[i]!.img = rotate180(batch[i]!.img);
      }
    }
  }

  private async recognise(img: RgbImage, crops: Crop[], signal?: AbortSignal): Promise<OcrLine[]> {
    // Similar widths share a run (less padding); results go back in reading order.
    const order = crops.map((_, i) => i).sort((a, b) => crops[a]!.img.width - crops[b]!.img.width);
    const read = new Array<{ text: string; score: number } | undefined>(crops.length);
    for (let at = 0; at < order.length; at += this.o.recBatch) {
      signal?.throwIfAborted();
      const idx = order.slice(at, at + this.o.recBatch);
      const width = Math.max(...idx.map((i) => crops[i]!.img.width));
      const plane = REC_H * width;
      const data = new Float32Array(idx.length * 3 * plane);
      idx.forEach((ci, k) => writeRecTensor(crops[ci]!.img, data, k * 3 * plane, width));
      const out = await this.run('rec', new ort.Tensor('float32', data, [idx.length, 3, REC_H, width]));
      const [, steps, classes] = out.dims as [number, number, number];
      if (classes !== this.charset.length + 1) throw new DaemonError('MODEL_INVALID', `${this.id}: the recogniser has ${classes} classes, the dictionary ${this.charset.length + 1}`);
      const probs = out.data as Float32Array;
      idx.forEach((ci, k) => (read[ci] = ctcDecode(probs, steps, classes, this.charset, k * steps * classes)));
    }
    const lines: OcrLine[] = [];
    crops.forEach((c, i) => {
      const r = read[i];
      // A line without a letter or digit (".", "-") is texture, not text.
      if (!r || !/[\p{L}\p{N}]/u.test(r.text) || r.score < this.o.dropScore) return;
      lines.push({ text: r.text, score: round(r.score), box: { x: round(c.px.x / img.width), y: round(c.px.y / img.height), w: round(c.px.w / img.width), h: round(c.px.h / img.height) } });
    });
    return lines;
  }

  private async run(net: keyof OcrNetworks, input: ort.Tensor): Promise<ort.Tensor> {
    const s = this.nets[net];
    const feeds = { [s.inputNames[0]!]: input };
    this.trace?.push({ net, feeds });
    try {
      const r = await s.run(feeds);
      return r[s.outputNames[0]!]!;
    } catch (e) {
      throw new DaemonError('INFERENCE_FAILED', `${this.id} ${net}: ${(e as Error).message.split('\n')[0]}`, { cause: e });
    }
  }
}

const round = (v: number) => Math.round(v * 10000) / 10000;

/** Recognition and classifier input: BGR, (v/255 - 0.5) / 0.5, left-aligned in a `width` wide plane (zeros pad the right). */
function writeRecTensor(c: RgbImage, into: Float32Array, offset: number, width: number): void {
  const plane = REC_H * width;
  const w = Math.min(c.width, width);
  for (let ch = 0; ch < 3; ch++) {
    const src = 2 - ch; // BGR
    const base = offset + ch * plane;
    for (let y = 0; y < REC_H; y++) {
      const row = y * c.width * 3;
      const o = base + y * width;
      for (let x = 0; x < w; x++) into[o + x] = c.data[row + x * 3 + src]! / 127.5 - 1;
    }
  }
}

function rotate180(c: RgbImage): RgbImage {
  const n = c.width * c.height;
  const out = Buffer.allocUnsafe(n * 3);
  for (let i = 0; i < n; i++) {
    const s = i * 3;
    const d = (n - 1 - i) * 3;
    out[d] = c.data[s]!;
    out[d + 1] = c.data[s + 1]!;
    out[d + 2] = c.data[s + 2]!;
  }
  return { data: out, width: c.width, height: c.height };
}
