import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { workerModule } from '../platform/worker-module.js';

/** A tensor as it crosses the thread boundary. */
export interface WireTensor {
  type: ort.Tensor.Type;
  data: ort.Tensor.DataType;
  dims: readonly number[];
}

export interface SessionMeta {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
}

export type HostRequest =
  | { op: 'load'; id: number; sid: number; source: string | Uint8Array; options: ort.InferenceSession.SessionOptions }
  | { op: 'run'; id: number; sid: number; feeds: Record<string, WireTensor>; fetches?: string[] }
  | { op: 'release'; id: number; sid: number };

export type HostReply =
  | { id: number; ok: true; meta?: SessionMeta; outputs?: Record<string, WireTensor> }
  | { id: number; ok: false; kind: 'read' | 'load' | 'run'; message: string };

/** Failure reported by the worker: `kind` says whether the file could not be read, loaded or run. */
export class OrtWorkerError extends Error {
  constructor(
    readonly kind: 'read' | 'load' | 'run' | 'exit',
    message: string,
  ) {
    super(message);
  }
}

/**
 * What callers use of an onnxruntime session. Both a real `ort.InferenceSession` and a
 * `WorkerSession` (inference on the ML worker thread) fit.
 */
export type OrtSessionLike = Pick<ort.InferenceSession, 'inputNames' | 'outputNames' | 'inputMetadata' | 'outputMetadata' | 'run' | 'release'>;

interface Pending {
  resolve: (r: HostReply & { ok: true }) => void;
  reject: (e: Error) => void;
}

/** Inputs at least this big cross the thread boundary through a reused shared buffer. */
const SHARED_MIN_BYTES = 64 * 1024;

/**
 * Reusable SharedArrayBuffers for large inputs: a structured clone (or a fresh buffer) of a 5 MB
 * detector tensor costs 3-12 ms of copying and page faults on the daemon's thread; a memcpy into
 * a buffer the worker already has mapped costs about 0.5 ms, and the caller's tensor stays intact.
 * Only for sizes seen before: a model fed a new shape per photo (OCR: each photo's aspect ratio,
 * each line's width) never reuses its buffers, and shared buffers are freed only when the worker's
 * garbage collector gets round to its views, which the worker's small heap rarely asks for (138 MB
 * of them after 30 OCR photos). A first-seen size goes as a copy the worker owns (transferred,
 * counted by its collector). Free buffers are bounded in bytes, oldest out first.
 */
export class SharedPool {
  /** Free buffers, oldest first. */
  private readonly free: SharedArrayBuffer[] = [];
  private bytes = 0;
  /** Input sizes of recent runs, oldest first. */
  private readonly seen: number[] = [];

  constructor(private readonly maxBytes = 32 * 2 ** 20) {}

  /** A shared buffer of this size, or null when the size is new (the caller sends a copy instead). */
  take(bytes: number): SharedArrayBuffer | null {
    const i = this.free.findLastIndex((b) => b.byteLength === bytes);
    if (i < 0) {
      const known = this.seen.includes(bytes);
      if (!known) {
        this.seen.push(bytes);
        if (this.seen.length > 16) this.seen.shift();
      }
      return known ? new SharedArrayBuffer(bytes) : null;
    }
    const [b] = this.free.splice(i, 1);
    this.bytes -= bytes;
    return b!;
  }

  /** Drops every buffer kept (they go with the next GC): inputs vary in size, and an idle daemon needs none. */
  clear(): void {
    this.free.length = 0;
    this.bytes = 0;
  }

  give(b: SharedArrayBuffer): void {
    if (b.byteLength > this.maxBytes) return;
    this.free.push(b);
    this.bytes += b.byteLength;
    while (this.bytes > this.maxBytes) this.bytes -= this.free.shift()!.byteLength;
  }

  /** Bytes held in free buffers. */
  get heldBytes(): number {
    return this.bytes;
  }
}

/**
 * One worker thread that owns onnxruntime sessions and runs them one request at a time, so that
 * inference never blocks the daemon's event loop (onnxruntime-node runs synchronously on the thread
 * that calls it). Started on first use; holds the process open only while a request is pending.
 * If the worker dies, pending requests fail and the next load starts a new worker.
 */
export class OrtWorkerHost {
  /** Shared input buffers, reused across runs (see SharedPool). */
  readonly pool = new SharedPool();
  private worker: Worker | null = null;
  private generation = 0;
  private nextId = 1;
  private nextSid = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly exitListeners = new Set<() => void>();
  /** Generations whose worker was parked (ended on purpose while idle), not crashed. */
  private readonly parked = new Set<number>();
  private closed = false;

  /** Called when the worker exits unexpectedly: every session it held is gone. */
  onExit(fn: () => void): void {
    this.exitListeners.add(fn);
  }

  /** A model file, or a graph's bytes (built in code, e.g. people's similarity graph). */
  async load(source: string | Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<WorkerSession> {
    const sid = this.nextSid++;
    const gen = this.ensure();
    const r = await this.request({ op: 'load', id: 0, sid, source, options });
    return new WorkerSession(this, sid, gen, r.meta!, source, options);
  }

  /** Loads a parked session again in the current (or a new) worker: its new id and generation. */
  async reopen(source: string | Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<{ sid: number; generation: number }> {
    const sid = this.nextSid++;
    const generation = this.ensure();
    await this.request({ op: 'load', id: 0, sid, source, options });
    return { sid, generation };
  }

  /**
   * Ends the worker while nothing is pending, and with it every loaded model (hundreds of MB an
   * idle daemon has no use for). Sessions stay valid: each loads itself again on its next run.
   * Returns false (and does nothing) while a request is pending or no worker runs.
   */
  async park(): Promise<boolean> {
    const w = this.worker;
    if (!w || this.pending.size > 0 || this.closed) return false;
    this.parked.add(this.generation);
    this.worker = null; // before terminate: its exit is not a crash
    this.pool.clear();
    await w.terminate();
    return true;
  }

  /** True while a worker runs (models are in memory); false before first use and once parked. */
  get running(): boolean {
    return this.worker !== null;
  }

  wasParked(generation: number): boolean {
    return this.parked.has(generation);
  }

  /** Sends a request; resolves with the worker's reply. */
  request(msg: HostRequest, transfer: ArrayBuffer[] = []): Promise<HostReply & { ok: true }> {
    if (this.closed) return Promise.reject(new OrtWorkerError('exit', 'the ML worker is closed'));
    const w = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) w.ref();
      w.postMessage({ ...msg, id }, transfer);
    });
  }

  isCurrent(generation: number): boolean {
    return this.worker !== null && generation === this.generation;
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
    this.failAll('the ML worker was closed');
  }

  private ensure(): number {
    if (!this.worker) this.start();
    return this.generation;
  }

  private start(): Worker {
    // Compiled (dist, .js) or run from source under tsx (.ts): the worker is the sibling file.
    const w = new Worker(workerModule(import.meta.url, 'ort-worker'), { name: 'rawlight-ml' });
    this.generation++;
    this.worker = w;
    w.unref();
    w.on('message', (r: HostReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (this.pending.size === 0) w.unref();
      if (r.ok) p.resolve(r);
      else p.reject(new OrtWorkerError(r.kind, r.message));
    });
    const died = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.failAll(why);
      for (const fn of this.exitListeners) fn();
    };
    w.on('error', (e) => died(`the ML worker failed: ${e.message}`));
    w.on('exit', (code) => died(`the ML worker exited (code ${code})`));
    return w;
  }

  private failAll(why: string): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(new OrtWorkerError('exit', why));
  }
}

type TypedArrayCtor = new (buffer: SharedArrayBuffer, byteOffset: number, length: number) => ArrayBufferView & { set(a: ArrayLike<unknown>): void };

function toWire(t: ort.Tensor, pool: SharedPool, lent: SharedArrayBuffer[], transfer: ArrayBuffer[]): WireTensor {
  let data = t.data;
  if (ArrayBuffer.isView(data) && !(data.buffer instanceof SharedArrayBuffer) && data.byteLength >= SHARED_MIN_BYTES) {
    const sab = pool.take(data.byteLength);
    if (sab) {
      const view = new (data.constructor as TypedArrayCtor)(sab, 0, (data as unknown as ArrayLike<unknown>).length);
      view.set(data as unknown as ArrayLike<unknown>);
      lent.push(sab);
      data = view as unknown as typeof data;
    } else {
      // A copy handed over (not cloned again): the caller's tensor stays intact.
      data = data.slice() as typeof data;
      transfer.push((data as unknown as ArrayBufferView).buffer as ArrayBuffer);
    }
  } else if (ArrayBuffer.isView(data) && (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength)) {
    // A view into a larger buffer would be cloned whole: send just its bytes.
    data = data.slice() as typeof data;
  }
  return { type: t.type, data, dims: t.dims };
}

/** A session living on the ML worker; `run()` takes and returns ort.Tensors like the real one. */
export class WorkerSession implements OrtSessionLike {
  readonly inputNames: readonly string[];
  private reviving: Promise<void> | null = null;
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  private released = false;

  constructor(
    private readonly host: OrtWorkerHost,
    private sid: number,
    private generation: number,
    meta: SessionMeta,
    private readonly source: string | Uint8Array,
    private readonly options: ort.InferenceSession.SessionOptions,
  ) {
    this.inputNames = meta.inputNames;
    this.outputNames = meta.outputNames;
    this.inputMetadata = meta.inputMetadata;
    this.outputMetadata = meta.outputMetadata;
  }

  readonly run = (async (feeds: ort.InferenceSession.FeedsType, fetchesOrOptions?: unknown): Promise<ort.InferenceSession.ReturnType> => {
    if (!this.released && !this.host.isCurrent(this.generation) && this.host.wasParked(this.generation)) await this.revive();
    if (this.released || !this.host.isCurrent(this.generation)) throw new OrtWorkerError('exit', 'the session is no longer loaded (ML worker restarted or session released)');
    const wireFeeds: Record<string, WireTensor> = {};
    const lent: SharedArrayBuffer[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const [name, t] of Object.entries(feeds)) wireFeeds[name] = toWire(t, this.host.pool, lent, transfer);
    const fetches = Array.isArray(fetchesOrOptions) ? (fetchesOrOptions as string[]) : undefined;
    let r: HostReply & { ok: true };
    try {
      r = await this.host.request({ op: 'run', id: 0, sid: this.sid, feeds: wireFeeds, ...(fetches ? { fetches } : {}) }, transfer);
    } finally {
      // The worker has finished with the shared inputs once it replied (or died).
      for (const b of lent) this.host.pool.give(b);
    }
    const out: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(r.outputs ?? {})) out[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
    return out;
  }) as ort.InferenceSession['run'];

  /** Loads this session again after its worker was parked (once, however many runs wait). */
  private revive(): Promise<void> {
    this.reviving ??= this.host
      .reopen(this.source, this.options)
      .then((r) => {
        this.sid = r.sid;
        this.generation = r.generation;
      })
      .finally(() => {
        this.reviving = null;
      });
    return this.reviving;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.host.isCurrent(this.generation)) await this.host.request({ op: 'release', id: 0, sid: this.sid }).catch(() => undefined);
  }
}
