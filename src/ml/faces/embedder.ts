import * as ort from 'onnxruntime-node';
import { DaemonError } from '../../errors/index.js';
import { toNchw, type RgbImage } from '../image.js';
import type { ResolvedModel } from '../registry.js';
import { InputBuffers } from '../input-buffers.js';
import type { ModelSessions } from '../session.js';

/** Turns an aligned 112x112 face into an L2-normalised embedding (channel order and scaling per the manifest). */
export class FaceEmbedder {
  readonly dim: number;

  constructor(
    private readonly sessions: ModelSessions,
    readonly model: ResolvedModel,
  ) {
    if (!model.entry.embedding) throw new DaemonError('MODEL_INVALID', `${model.id}: the manifest gives no embedding dim`);
    this.dim = model.entry.embedding.dim;
  }

  /** The NCHW tensor the network is fed for an aligned face. */
  tensorFor(face: RgbImage): Float32Array {
    return toNchw(face, face.width, face.height, this.model.entry.preprocess);
  }

  /** Each face's input, reused (several faces of a photo are embedded at once). */
  private readonly buffers = new InputBuffers(4);

  async embed(face: RgbImage): Promise<Float32Array> {
    const into = this.buffers.take(3 * face.width * face.height);
    try {
      return await this.run(toNchw(face, face.width, face.height, this.model.entry.preprocess, 0, into, face), face.width, face.height);
    } finally {
      this.buffers.give(into);
    }
  }

  async run(tensor: Float32Array, width = 112, height = 112): Promise<Float32Array> {
    const { session } = await this.sessions.get(this.model.entry, this.model.onnxPath);
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', tensor, [1, 3, height, width]) });
    } catch (e) {
      throw new DaemonError('INFERENCE_FAILED', `${this.model.id}: ${(e as Error).message}`, { cause: e });
    }
    // Single-output models are read by position: some exports' output names are not confirmed.
    const raw = out[session.outputNames[0]!]?.data as Float32Array | undefined;
    if (!raw || raw.length !== this.dim) throw new DaemonError('MODEL_INVALID', `${this.model.id}: embedding has ${raw?.length ?? 0} values, expected ${this.dim}`);
    return l2normalise(raw);
  }
}

export function l2normalise(v: ArrayLike<number>): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  n = Math.sqrt(n) || 1;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / n;
  return out;
}

/** Cosine similarity of two L2-normalised vectors (their dot product). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
