import { DaemonError } from '../../errors/index.js';
import type { RgbImage } from '../image.js';
import { CLIP_PREPROCESS, imageToTensor, type ImagePreprocess } from './image-tensor.js';
import { inputInfo, ort, outputInfo, type OrtSession, type TensorInfo } from './onnx-session.js';
import { EOT_ID, type ClipTokenizer } from './tokenizer.js';

/** Largest batch sent to a dynamic-batch export (memory stays small, throughput is near its peak). */
export const MAX_BATCH = 16;

const IMAGE_INPUTS = ['pixel_values', 'image', 'IMAGE', 'input'];
const IMAGE_OUTPUTS = ['image_embeds', 'embedding', 'image_embedding', 'IMAGE_EMBEDDING'];
const TEXT_INPUTS = ['input_ids', 'text', 'TEXT'];
const TEXT_OUTPUTS = ['text_embeds', 'embedding', 'text_embedding', 'TEXT_EMBEDDING'];

/** What the runner learned from a pair of sessions (shown by `status`/doctor). */
export interface ClipSignature {
  image: { input: string; output: string; batch: number | 'dynamic'; size: number };
  text: { input: string; output: string; dtype: 'int64' | 'int32'; mask: string | null; batch: number | 'dynamic'; length: number | 'longest' };
  dim: number | null;
}

export interface ClipModelOptions {
  /** Model id (config `models.clip` / manifest id): keys stored embeddings. */
  id: string;
  visual: OrtSession;
  textual: OrtSession;
  tokenizer: ClipTokenizer;
  /** Pad id for text rows; default: 0 for fixed-length (open_clip/Immich) exports, 49407 otherwise (HF). */
  padId?: number;
  preprocess?: ImagePreprocess;
}

function pick(infos: TensorInfo[], names: readonly string[], accept: (t: TensorInfo) => boolean, what: string): TensorInfo {
  const byName = names.map((n) => infos.find((i) => i.name === n)).find((i) => i !== undefined && accept(i));
  const found = byName ?? infos.find(accept);
  if (!found) throw new DaemonError('MODEL_INVALID', `CLIP ${what}: no suitable tensor among ${infos.map((i) => `${i.name}:${i.type}`).join(', ')}`);
  return found;
}

const fixedDim = (d: number | string | undefined): number | null => (typeof d === 'number' && d > 0 ? d : null);

/** L2-normalises rows in place (exports differ: Immich normalises in the graph, HF does not). */
export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

/**
 * A CLIP image+text encoder pair. Reads the sessions' tensor names, dtypes and shapes and adapts
 * to the common exports (Hugging Face / Xenova, Immich / open_clip, Lakera), batching where the
 * graph has a dynamic batch dimension. All embeddings come out L2-normalised.
 */
export class ClipModel {
  readonly id: string;
  readonly signature: ClipSignature;
  private readonly visual: OrtSession;
  private readonly textual: OrtSession;
  private readonly tokenizer: ClipTokenizer;
  private readonly padId: number;
  private readonly preprocess: ImagePreprocess;
  private dimension: number | null;

  constructor(o: ClipModelOptions) {
    this.id = o.id;
    this.visual = o.visual;
    this.textual = o.textual;
    this.tokenizer = o.tokenizer;
    const vin = pick(inputInfo(o.visual), IMAGE_INPUTS, (t) => t.type === 'float32', 'image input');
    const vout = pick(outputInfo(o.visual), IMAGE_OUTPUTS, (t) => t.type === 'float32', 'image output');
    const tin = pick(inputInfo(o.textual), TEXT_INPUTS, (t) => t.type === 'int64' || t.type === 'int32', 'text input');
    const tout = pick(outputInfo(o.textual), TEXT_OUTPUTS, (t) => t.type === 'float32', 'text output');
    const mask = inputInfo(o.textual).find((t) => t.name === 'attention_mask');
    const vb = fixedDim(vin.shape[0]);
    const tb = fixedDim(tin.shape[0]);
    const tlen = fixedDim(tin.shape[1]);
    const size = fixedDim(vin.shape[2]) ?? o.preprocess?.size ?? CLIP_PREPROCESS.size;
    if (vin.shape.length === 4 && fixedDim(vin.shape[1]) !== null && fixedDim(vin.shape[1]) !== 3) {
      throw new DaemonError('MODEL_INVALID', `CLIP image input ${vin.name} is not NCHW RGB: [${vin.shape.join(',')}]`);
    }
    this.preprocess = { ...(o.preprocess ?? CLIP_PREPROCESS), size, resizeShortest: o.preprocess?.resizeShortest ?? size };
    // open_clip-style exports (fixed [1,77]) pad with 0; HF tokenizers pad with <|endoftext|>.
    this.padId = o.padId ?? (tlen !== null ? 0 : EOT_ID);
    const outDim = fixedDim(vout.shape[1]) ?? fixedDim(tout.shape[1]);
    this.dimension = outDim;
    this.signature = {
      image: { input: vin.name, output: vout.name, batch: vb ?? 'dynamic', size },
      text: { input: tin.name, output: tout.name, dtype: tin.type as 'int64' | 'int32', mask: mask?.name ?? null, batch: tb ?? 'dynamic', length: tlen ?? 'longest' },
      dim: outDim,
    };
  }

  /** Embedding size; known from the graph or after the first inference. */
  get dim(): number | null {
    return this.dimension;
  }

  async embedImages(inputs: readonly (string | Buffer | RgbImage)[]): Promise<Float32Array[]> {
    const tensors: Float32Array[] = [];
    for (const i of inputs) tensors.push(await imageToTensor(i, this.preprocess));
    return this.embedImageTensors(tensors);
  }

  /** Embeds preprocessed NCHW rows (each 3*size*size floats). */
  async embedImageTensors(rows: readonly Float32Array[]): Promise<Float32Array[]> {
    const { input, output, batch, size } = this.signature.image;
    const per = 3 * size * size;
    const step = batch === 'dynamic' ? MAX_BATCH : batch;
    const out: Float32Array[] = [];
    for (let at = 0; at < rows.length; at += step) {
      const chunk = rows.slice(at, at + step);
      const n = batch === 'dynamic' ? chunk.length : batch;
      const data = new Float32Array(n * per);
      chunk.forEach((r, i) => {
        if (r.length !== per) throw new DaemonError('INFERENCE_FAILED', `CLIP image row has ${r.length} values, expected ${per}`);
        data.set(r, i * per);
      });
      const res = await this.runSession(this.visual, { [input]: new ort.Tensor('float32', data, [n, 3, size, size]) }, output);
      out.push(...this.rows(res, chunk.length));
    }
    return out;
  }

  async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    const { input, output, dtype, mask, batch, length } = this.signature.text;
    const step = batch === 'dynamic' ? MAX_BATCH * 4 : batch;
    const out: Float32Array[] = [];
    for (let at = 0; at < texts.length; at += step) {
      const chunk = texts.slice(at, at + step);
      const rowsWanted = batch === 'dynamic' ? chunk.length : batch;
      const padded = [...chunk, ...new Array<string>(rowsWanted - chunk.length).fill('')];
      const enc = this.tokenizer.encodeBatch(padded, { length, padId: this.padId });
      const dims = [enc.rows, enc.length];
      const feeds: Record<string, ort.Tensor> = {
        [input]: dtype === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(enc.ids, (x) => BigInt(x)), dims) : new ort.Tensor('int32', Int32Array.from(enc.ids), dims),
      };
      if (mask) {
        const m = new Array<number>(enc.ids.length).fill(0);
        enc.lengths.forEach((len, r) => {
          for (let j = 0; j < len; j++) m[r * enc.length + j] = 1;
        });
        feeds[mask] = dtype === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(m, (x) => BigInt(x)), dims) : new ort.Tensor('int32', Int32Array.from(m), dims);
      }
      const res = await this.runSession(this.textual, feeds, output);
      out.push(...this.rows(res, chunk.length));
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([this.visual.release(), this.textual.release()]);
  }

  private async runSession(s: OrtSession, feeds: Record<string, ort.Tensor>, output: string): Promise<ort.Tensor> {
    try {
      const r = await s.run(feeds);
      const t = r[output] ?? Object.values(r)[0];
      if (!t) throw new Error(`no output ${output}`);
      return t;
    } catch (e) {
      throw new DaemonError('INFERENCE_FAILED', `CLIP ${this.id}: ${(e as Error).message.split('\n')[0]}`, { cause: e });
    }
  }

  private rows(t: ort.Tensor, count: number): Float32Array[] {
    const data = t.data as Float32Array;
    const d = Number(t.dims[t.dims.length - 1]);
    if (!(d > 0) || data.length < count * d) throw new DaemonError('INFERENCE_FAILED', `CLIP ${this.id}: unexpected output shape [${t.dims.join(',')}]`);
    if (this.dimension === null) this.dimension = d;
    const out: Float32Array[] = [];
    for (let i = 0; i < count; i++) out.push(l2normalize(data.slice(i * d, (i + 1) * d)));
    return out;
  }
}
