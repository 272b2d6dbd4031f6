import * as ort from 'onnxruntime-node';
import { DaemonError } from '../../errors/index.js';
import { toNchw, type RgbImage } from '../image.js';
import { InputBuffers } from '../input-buffers.js';
import { reduced } from '../pyramid.js';
import { enlargeToNchw, isEnlargement } from '../resample.js';
import type { ResolvedModel } from '../registry.js';
import type { ModelSessions } from '../session.js';
import { nms, type Detection } from './nms.js';

export interface DetectOptions {
  /** Overrides the manifest's score threshold (config faces.minScore). */
  scoreThreshold?: number | undefined;
}

export interface DetectorInput {
  tensor: Float32Array;
  inputW: number;
  inputH: number;
  /** Image pixels per input pixel is 1 / scale. */
  scale: number;
}

/** YuNet (OpenCV Zoo 2023mar): boxes + 5 landmarks; decoding per the manifest entry. */
export class YunetDetector {
  private readonly strides: number[];
  private readonly scoreThreshold: number;
  private readonly nmsIoU: number;

  constructor(
    private readonly sessions: ModelSessions,
    readonly model: ResolvedModel,
  ) {
    if (model.entry.family !== 'yunet') throw new DaemonError('MODEL_INVALID', `${model.id} is a ${model.entry.family} detector; the faces pass decodes yunet only`);
    const d = model.entry.decode ?? {};
    this.strides = (d.strides as number[] | undefined) ?? [8, 16, 32];
    this.scoreThreshold = (d.scoreThreshold as number | undefined) ?? 0.9;
    this.nmsIoU = (d.nmsIoU as number | undefined) ?? 0.3;
  }

  /**
   * Input tensors reused across detect() calls, in shared memory: a fresh 5 MB tensor per photo
   * cost page faults and GC pauses on the daemon's thread, and shared memory reaches the ML worker
   * thread without a copy. Two in all, whatever their sizes.
   */
  private readonly inputs = new InputBuffers(2, 2);
  /** The size of the image last written into each buffer: its padding is zeros already. */
  private readonly written = new WeakMap<Float32Array, { width: number; height: number }>();

  /** Letterboxes the image into the network input (top-left, zero padding), channels and scaling per the manifest. */
  async prepare(img: RgbImage, reuse = false): Promise<DetectorInput> {
    const loaded = await this.sessions.get(this.model.entry, this.model.onnxPath);
    const meta = loaded.session.inputMetadata[0];
    const shape = meta && meta.isTensor ? meta.shape : [];
    const pre = this.model.entry.preprocess;
    let inputW: number, inputH: number, scale: number;
    if (typeof shape[2] === 'number' && typeof shape[3] === 'number') {
      inputH = shape[2];
      inputW = shape[3];
      scale = Math.min(inputW / img.width, inputH / img.height);
    } else {
      // Dynamic file: long side to inputSize, each side rounded up to the stride multiple.
      const size = pre.inputSize ?? 640;
      const mult = pre.multipleOf ?? 32;
      scale = size / Math.max(img.width, img.height);
      inputW = Math.max(mult, Math.ceil((img.width * scale) / mult) * mult);
      inputH = Math.max(mult, Math.ceil((img.height * scale) / mult) * mult);
    }
    const rw = Math.max(1, Math.min(inputW, Math.round(img.width * scale)));
    const rh = Math.max(1, Math.min(inputH, Math.round(img.height * scale)));
    const size = 3 * inputW * inputH;
    let into: Float32Array | undefined;
    if (reuse) into = this.inputs.take(size);
    // A reused buffer's padding is rewritten only where its last image reached beyond this one.
    const padded = into ? (this.written.get(into) ?? { width: 0, height: 0 }) : undefined;
    let tensor: Float32Array;
    if (isEnlargement(img, rw, rh)) {
      // A photo smaller than the input: interpolated straight into the tensor (resample.ts).
      tensor = enlargeToNchw(img, rw, rh, inputW, inputH, pre, 0, into, padded);
    } else {
      // The reduced copy is kept with the decoded preview (pyramid.ts): the classifier cuts its input from it.
      const small = await reduced(img, rw, rh);
      tensor = toNchw(small, inputW, inputH, pre, 0, into, padded);
    }
    if (into) this.written.set(into, { width: Math.min(rw, inputW), height: Math.min(rh, inputH) });
    return { tensor, inputW, inputH, scale };
  }

  /** Runs the network on a prepared input and decodes faces in original-image pixels. */
  async run(input: DetectorInput, opts: DetectOptions = {}): Promise<Detection[]> {
    const loaded = await this.sessions.get(this.model.entry, this.model.onnxPath);
    const { session } = loaded;
    const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', input.tensor, [1, 3, input.inputH, input.inputW]) };
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await session.run(feeds);
    } catch (e) {
      throw new DaemonError('INFERENCE_FAILED', `${this.model.id}: ${(e as Error).message}`, { cause: e });
    }
    const get = (name: string): Float32Array => {
      const t = out[name];
      if (!t) throw new DaemonError('MODEL_INVALID', `${this.model.id}: no output ${name}`);
      return t.data as Float32Array;
    };
    const threshold = opts.scoreThreshold ?? this.scoreThreshold;
    const found: Detection[] = [];
    const s1 = 1 / input.scale;
    for (const s of this.strides) {
      const cls = get(`cls_${s}`), obj = get(`obj_${s}`), bbox = get(`bbox_${s}`), kps = get(`kps_${s}`);
      const cols = Math.floor(input.inputW / s);
      const rows = Math.floor(input.inputH / s);
      const n = Math.min(rows * cols, cls.length);
      for (let i = 0; i < n; i++) {
        const score = Math.sqrt(clamp01(cls[i]!) * clamp01(obj[i]!));
        if (score < threshold) continue;
        const row = Math.floor(i / cols), col = i % cols;
        const cx = (col + bbox[4 * i]!) * s, cy = (row + bbox[4 * i + 1]!) * s;
        const w = Math.exp(bbox[4 * i + 2]!) * s, h = Math.exp(bbox[4 * i + 3]!) * s;
        const landmarks: number[] = [];
        for (let k = 0; k < 5; k++) landmarks.push((kps[10 * i + 2 * k]! + col) * s * s1, (kps[10 * i + 2 * k + 1]! + row) * s * s1);
        found.push({ box: [(cx - w / 2) * s1, (cy - h / 2) * s1, w * s1, h * s1], score, landmarks });
      }
    }
    return nms(found, this.nmsIoU);
  }

  async detect(img: RgbImage, opts: DetectOptions = {}): Promise<Detection[]> {
    const input = await this.prepare(img, true);
    try {
      return await this.run(input, opts);
    } finally {
      this.recycle(input.tensor);
    }
  }

  /** Hands back a tensor prepare(img, true) gave, once its inference replied (a few are kept). */
  recycle(tensor: Float32Array): void {
    this.inputs.give(tensor);
  }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
