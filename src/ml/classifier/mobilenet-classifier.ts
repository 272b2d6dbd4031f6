import { readFileSync } from 'node:fs';
import { DaemonError } from '../../errors/index.js';
import type { RgbImage } from '../image.js';
import { IMAGENET_PREPROCESS, imageToTensor, type ImagePreprocess } from '../clip/image-tensor.js';
import { inputInfo, ort, outputInfo, type OrtSession } from '../clip/onnx-session.js';
import { InputBuffers } from '../input-buffers.js';
import { ModelSessions } from '../session.js';

export interface ClassScore {
  index: number;
  label: string;
  prob: number;
}

export interface ClassifierFiles {
  id: string;
  model: string;
  /** JSON array of class names in index order (imagenet-simple-labels.json). */
  labels: string;
}

export function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/**
 * Indices of the k largest probabilities, best first (ties: lower index first). A native numeric
 * sort of packed keys (probability to 2^-42, then the index) rather than a comparator sort of 1000
 * indices: the tags pass asks for every class of every photo.
 */
export function topClasses(p: Float32Array, k: number): number[] {
  const n = p.length;
  if (n > 1024) return [...p.keys()].sort((a, b) => p[b]! - p[a]! || a - b).slice(0, k);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = Math.round(Math.min(1, Math.max(0, p[i]!)) * 2 ** 42) * 1024 + (1023 - i);
  keys.sort();
  const out: number[] = [];
  for (let j = n - 1; j >= 0 && out.length < k; j--) out.push(1023 - (keys[j]! % 1024));
  return out;
}

function readLabels(file: string): string[] {
  let labels: unknown;
  try {
    labels = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DaemonError(missing ? 'MODEL_MISSING' : 'MODEL_INVALID', `classifier labels ${file}`, { cause: e });
  }
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) throw new DaemonError('MODEL_INVALID', `classifier labels ${file}: not a string array`);
  return labels as string[];
}

/** An ImageNet-1k classifier (MobileNetV2 int8 by default): image in, softmax over 1000 classes out. */
export class ImageClassifier {
  readonly id: string;
  private readonly input: string;
  private readonly output: string;
  private readonly dynamicBatch: boolean;

  /** One-image inputs, reused (the tags pass classifies one photo at a time). */
  private readonly buffers = new InputBuffers();

  /** The sessions owner when load() made one (closed with the classifier). */
  private own: ModelSessions | null = null;

  constructor(
    id: string,
    private readonly session: OrtSession,
    private readonly labels: readonly string[],
    private readonly preprocess: ImagePreprocess = IMAGENET_PREPROCESS,
  ) {
    this.id = id;
    const ins = inputInfo(session).filter((t) => t.type === 'float32');
    const outs = outputInfo(session).filter((t) => t.type === 'float32');
    if (ins.length !== 1 || outs.length < 1) throw new DaemonError('MODEL_INVALID', `classifier ${id}: expected one float input and a float output`);
    this.input = ins[0]!.name;
    this.output = outs[0]!.name;
    this.dynamicBatch = typeof ins[0]!.shape[0] !== 'number';
    const classes = outs[0]!.shape[1];
    if (typeof classes === 'number' && classes !== labels.length) {
      throw new DaemonError('MODEL_INVALID', `classifier ${id}: ${classes} outputs but ${labels.length} labels`);
    }
  }

  /** With its own ModelSessions (the one factory), released by close(): for tests and one-shot use. */
  static async load(files: ClassifierFiles): Promise<ImageClassifier> {
    const labels = readLabels(files.labels);
    const own = new ModelSessions();
    try {
      const c = new ImageClassifier(files.id, await own.open(files.model), labels);
      c.own = own;
      return c;
    } catch (e) {
      await own.close();
      throw e;
    }
  }

  /** Over a session opened elsewhere (the daemon's shared ModelSessions). */
  static fromSession(id: string, session: OrtSession, labelsFile: string): ImageClassifier {
    return new ImageClassifier(id, session, readLabels(labelsFile));
  }


  /** Class probabilities for each image, top `k` per image, best first. */
  async classify(inputs: readonly (string | Buffer | RgbImage)[], k = 10): Promise<ClassScore[][]> {
    const per = 3 * this.preprocess.size * this.preprocess.size;
    const out: ClassScore[][] = [];
    const step = this.dynamicBatch ? 8 : 1;
    for (let at = 0; at < inputs.length; at += step) {
      const chunk = inputs.slice(at, at + step);
      // One image (the tags pass) is written straight into a reused shared buffer: no batch copy,
      // no fresh 600 KB per photo, no copy on the way to the ML worker.
      const one = chunk.length === 1 ? this.buffers.take(per) : null;
      let t: ort.Tensor;
      try {
        const data = one ? await imageToTensor(chunk[0]!, this.preprocess, one) : new Float32Array(chunk.length * per);
        if (!one) for (let i = 0; i < chunk.length; i++) data.set(await imageToTensor(chunk[i]!, this.preprocess), i * per);
        try {
          const r = await this.session.run({ [this.input]: new ort.Tensor('float32', data, [chunk.length, 3, this.preprocess.size, this.preprocess.size]) });
          t = r[this.output]!;
        } catch (e) {
          throw new DaemonError('INFERENCE_FAILED', `classifier ${this.id}: ${(e as Error).message.split('\n')[0]}`, { cause: e });
        }
      } finally {
        if (one) this.buffers.give(one);
      }
      const all = t.data as Float32Array;
      const n = this.labels.length;
      for (let i = 0; i < chunk.length; i++) {
        const p = softmax(all.subarray(i * n, (i + 1) * n));
        out.push(topClasses(p, k).map((j) => ({ index: j, label: this.labels[j]!, prob: p[j]! })));
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
    await this.own?.close();
  }
}
