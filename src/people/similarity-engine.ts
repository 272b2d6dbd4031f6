import { ort } from '../ml/clip/onnx-session.js';
import type { OrtSessionLike } from '../ml/ort-host.js';
import { ModelSessions } from '../ml/session.js';

/**
 * Batched "top-k most similar rows" on onnxruntime's CPU kernels (Gemm + TopK, vectorised and
 * multi-threaded), which run ~50x faster than a JavaScript dot-product loop. This is what makes
 * grouping 100K faces fit in a minute: the graph is built here in memory, no model file involved.
 */

// ---- minimal protobuf writer for the few ONNX messages needed ----
function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n)); // negative int64 as two's complement
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, v: number) => [...key(field, 0), ...varint(v)];
const bytes = (field: number, b: number[]) => [...key(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string) => bytes(field, [...Buffer.from(s, 'utf8')]);

function tensorType(elemType: number, dims: (number | string)[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  return bytes(1, [...int(1, elemType), ...bytes(2, shape)]);
}
const valueInfo = (name: string, elemType: number, dims: (number | string)[]) => [...str(1, name), ...bytes(2, tensorType(elemType, dims))];
const attrInt = (name: string, v: number) => [...str(1, name), ...int(20, 2 /* INT */), ...int(3, v)];
function node(op: string, inputs: string[], outputs: string[], attrs: number[][] = []): number[] {
  return [...inputs.flatMap((i) => str(1, i)), ...outputs.flatMap((o) => str(2, o)), ...str(4, op), ...attrs.flatMap((a) => bytes(5, a))];
}

const FLOAT = 1;
const INT64 = 7;

/** ONNX model: V, I = TopK(Gemm(Q, B, transB=1), K) over the rows. */
export function topKSimilarityModel(): Uint8Array {
  const graph = [
    ...bytes(1, node('Gemm', ['Q', 'B'], ['S'], [attrInt('transB', 1)])),
    ...bytes(1, node('TopK', ['S', 'K'], ['V', 'I'], [attrInt('axis', 1), attrInt('largest', 1), attrInt('sorted', 1)])),
    ...str(2, 'topk_similarity'),
    ...bytes(11, valueInfo('Q', FLOAT, ['q', 'd'])),
    ...bytes(11, valueInfo('B', FLOAT, ['m', 'd'])),
    ...bytes(11, valueInfo('K', INT64, [1])),
    ...bytes(12, valueInfo('V', FLOAT, ['q', 'k'])),
    ...bytes(12, valueInfo('I', INT64, ['q', 'k'])),
  ];
  const opset = [...str(1, ''), ...int(2, 13)];
  return Uint8Array.from([...int(1, 8), ...str(2, 'rawlight'), ...bytes(8, opset), ...bytes(7, graph)]);
}

export interface TopK {
  /** q x k similarities, best first. */
  sim: Float32Array;
  /** q x k row indices into the base. */
  idx: Int32Array;
  k: number;
}

/**
 * One loaded session; create once per grouping run and close it after. It is opened through
 * ModelSessions (the one session factory): the nightly regroup's Gemm + TopK run on the ML worker
 * thread, not on the daemon's event loop (in-process they stalled the API for whole seconds).
 */
export class SimilarityEngine {
  private constructor(
    private readonly session: OrtSessionLike,
    /** Set when create() made its own ModelSessions (closed with the engine). */
    private readonly own: ModelSessions | null,
  ) {}

  static async create(threads = 2, sessions?: ModelSessions): Promise<SimilarityEngine> {
    const own = sessions ? null : new ModelSessions();
    try {
      return new SimilarityEngine(await (sessions ?? own!).open(topKSimilarityModel(), { intraOpNumThreads: threads }), own);
    } catch (e) {
      await own?.close();
      throw e;
    }
  }

  /** For each of the q query rows, the k base rows with the highest dot product. */
  async topK(queries: Float32Array, q: number, base: Float32Array, m: number, d: number, k: number): Promise<TopK> {
    const kk = Math.min(k, m);
    const out = await this.session.run({
      Q: new ort.Tensor('float32', queries.subarray(0, q * d), [q, d]),
      B: new ort.Tensor('float32', base.subarray(0, m * d), [m, d]),
      K: new ort.Tensor('int64', BigInt64Array.from([BigInt(kk)]), [1]),
    });
    const v = out.V!.data as Float32Array;
    const i = out.I!.data as BigInt64Array;
    const idx = new Int32Array(i.length);
    for (let t = 0; t < i.length; t++) idx[t] = Number(i[t]);
    return { sim: v, idx, k: kk };
  }

  async close(): Promise<void> {
    await this.session.release();
    await this.own?.close();
  }
}
