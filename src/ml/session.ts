import os from 'node:os';
import type * as ort from 'onnxruntime-node';
import { DaemonError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { ModelEntry, TensorSpecT } from './manifest.js';
import { OrtWorkerError, OrtWorkerHost, type OrtSessionLike } from './ort-host.js';

export type ExecutionProvider = 'coreml' | 'cpu';

export interface LoadedSession {
  modelId: string;
  path: string;
  /** Runs on the ML worker thread (see ort-host.ts), never on the daemon's event loop. */
  session: OrtSessionLike;
  /** The provider the session was created with (CoreML may still run some nodes on CPU). */
  provider: ExecutionProvider;
  loadMs: number;
}

export interface SessionInfo {
  modelId: string;
  path: string;
  provider: ExecutionProvider;
  loadMs: number;
  /** In memory now; false once the idle release parked the ML worker (it loads again on next use). */
  loaded: boolean;
}

export interface ModelSessionsOptions {
  platform?: NodeJS.Platform;
  arch?: string;
  /** Default max(1, cpus/2): inference must not starve the daemon's own loop and I/O. */
  intraOpNumThreads?: number;
  /**
   * Let onnxruntime's intra-op threads spin between parallel sections (its default, true). The
   * daemon turns it off: a spinning thread burns a core another worker (a preview decode) could
   * use, and at background priority it would take that core from the user's apps too.
   */
  intraOpSpinning?: boolean;
  log?: Logger;
}

/**
 * Owns every onnxruntime session: created lazily on first use, one per model file, shared by all
 * passes; `close()` releases them (late in the shutdown order, after the workers drained). The
 * sessions live on one ML worker thread: onnxruntime-node runs inference synchronously on the
 * calling thread, which on the daemon's thread stalled the API for the length of each inference.
 */
export class ModelSessions {
  private readonly sessions = new Map<string, Promise<LoadedSession>>();
  private readonly loaded = new Map<string, LoadedSession>();
  private readonly opts: Required<Omit<ModelSessionsOptions, 'log'>> & { log: Logger | undefined };
  private readonly host = new OrtWorkerHost();
  private closed = false;

  constructor(opts: ModelSessionsOptions = {}) {
    this.opts = {
      platform: opts.platform ?? process.platform,
      arch: opts.arch ?? process.arch,
      intraOpNumThreads: opts.intraOpNumThreads ?? Math.max(1, Math.floor(os.availableParallelism() / 2)),
      intraOpSpinning: opts.intraOpSpinning ?? true,
      log: opts.log,
    };
    // A crashed worker took every session with it: the next get() loads them again.
    this.host.onExit(() => {
      this.sessions.clear();
      this.loaded.clear();
      this.opts.log?.warn('the ML worker thread exited; models load again on next use');
    });
  }

  /**
   * The session for a model file, loading it on first use. A file that onnxruntime cannot load,
   * or whose tensors differ from the manifest signature, is MODEL_INVALID (the file is not cached,
   * so a reinstalled model is picked up on the next call).
   */
  get(entry: ModelEntry, file: string, signature: { inputs: TensorSpecT[]; outputs: TensorSpecT[] } = entry.signature): Promise<LoadedSession> {
    if (this.closed) return Promise.reject(new DaemonError('MODEL_INVALID', 'model sessions are closed (shutting down)'));
    let p = this.sessions.get(file);
    if (!p) {
      p = this.load(entry, file, signature);
      this.sessions.set(file, p);
      p.then(
        (s) => this.loaded.set(file, s),
        () => this.sessions.delete(file),
      );
    }
    return p;
  }

  /**
   * A session for a graph outside the model manifest (a file the caller names, or bytes built in
   * code): the same worker thread and provider choice as get(), no signature check, not shared.
   * The caller releases it (close() ends the worker, and with it anything left open).
   */
  async open(source: string | Uint8Array, opts: { intraOpNumThreads?: number } = {}): Promise<OrtSessionLike> {
    if (this.closed) throw new DaemonError('MODEL_INVALID', 'model sessions are closed (shutting down)');
    const what = typeof source === 'string' ? source : 'built-in graph';
    let lastErr: unknown;
    for (const provider of this.providers()) {
      try {
        return await this.host.load(source, {
          executionProviders: [provider],
          intraOpNumThreads: opts.intraOpNumThreads ?? this.opts.intraOpNumThreads,
          interOpNumThreads: 1,
          graphOptimizationLevel: 'all',
          ...this.spinning(),
        });
      } catch (e) {
        if (e instanceof OrtWorkerError && e.kind === 'read') throw new DaemonError('MODEL_MISSING', `${what} (${e.message})`, { cause: e });
        lastErr = e;
        this.opts.log?.warn({ model: what, provider, err: (e as Error).message }, 'model load failed on this provider');
      }
    }
    const msg = lastErr instanceof Error ? lastErr.message.split('\n')[0] : String(lastErr);
    throw new DaemonError('MODEL_INVALID', `${what}: ${msg}`, { cause: lastErr });
  }

  /** What is loaded and on which provider (for `status` and `rawlight models`). */
  info(): SessionInfo[] {
    const loaded = this.host.running;
    return [...this.loaded.values()].map(({ modelId, path, provider, loadMs }) => ({ modelId, path, provider, loadMs, loaded }));
  }

  /** The providers this platform tries, best first. */
  providers(): ExecutionProvider[] {
    return this.opts.platform === 'darwin' && this.opts.arch === 'arm64' ? ['coreml', 'cpu'] : ['cpu'];
  }

  /**
   * Unloads every model while the queue is dry (the ML worker thread ends; see OrtWorkerHost.park).
   * Sessions handed out stay valid and load again on their next run. False while inference is pending.
   */
  park(): Promise<boolean> {
    return this.host.park();
  }

  /** Session options for intraOpSpinning (onnxruntime's config entry session.intra_op.allow_spinning). */
  private spinning(): Pick<ort.InferenceSession.SessionOptions, 'extra'> {
    return this.opts.intraOpSpinning ? {} : { extra: { session: { intra_op: { allow_spinning: '0' } } } };
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.loaded.clear();
    for (const p of all) {
      try {
        await (await p).session.release();
      } catch {
        // A session that failed to load has nothing to release.
      }
    }
    await this.host.close();
  }

  private async load(entry: ModelEntry, file: string, signature: { inputs: TensorSpecT[]; outputs: TensorSpecT[] }): Promise<LoadedSession> {
    const started = performance.now();
    let lastErr: unknown;
    for (const provider of this.providers()) {
      let session: OrtSessionLike;
      try {
        session = await this.host.load(file, {
          executionProviders: [provider],
          intraOpNumThreads: this.opts.intraOpNumThreads,
          interOpNumThreads: 1,
          graphOptimizationLevel: 'all',
          ...memoryOptions(signature),
          ...this.spinning(),
        });
      } catch (e) {
        if (e instanceof OrtWorkerError && e.kind === 'read') {
          throw new DaemonError('MODEL_MISSING', `${entry.id}: cannot read ${file} (${e.message})`, { cause: e });
        }
        lastErr = e;
        this.opts.log?.warn({ model: entry.id, provider, err: (e as Error).message }, 'model load failed on this provider');
        continue;
      }
      try {
        checkSignature(entry, file, session, signature);
      } catch (e) {
        await session.release().catch(() => undefined);
        throw e;
      }
      const loadMs = Math.round(performance.now() - started);
      this.opts.log?.info({ model: entry.id, provider, loadMs }, 'model loaded');
      return { modelId: entry.id, path: file, session, provider, loadMs };
    }
    const msg = lastErr instanceof Error ? lastErr.message.split('\n')[0] : String(lastErr);
    throw new DaemonError('MODEL_INVALID', `${entry.id}: onnxruntime cannot load ${file} (corrupt or truncated? run \`rawlight models verify\`): ${msg}`, { cause: lastErr });
  }
}

/**
 * Session memory settings for a model's input shapes. onnxruntime plans a memory pattern per input
 * shape and keeps it: a model fed a new height and width per photo (the OCR detector at each
 * photo's aspect ratio, the recogniser at each line's width) runs without one. It keeps the CPU
 * arena, though. With the arena off too (until 2026-12-03), every run's intermediate tensors (tens
 * of MB for the OCR detector) came fresh from the C allocator and were page-faulted in again:
 * three quarters of an import's page faults were onnxruntime's, and under bin/rawlight's glibc
 * settings (allocator-env.ts: blocks of 128 KiB or more are mapped afresh each time) `rawlight
 * index` of the 110 photos in the shared fixtures took 78-89 s with 31M minor faults. With the
 * arena: 30 s and 1.3M faults (27-30 s under glibc's defaults, where it took 35). On bench index's
 * tree (393 files, every pass but CLIP): 4.0-4.2 -> 5.9 files/s, peak RSS 1541-1586 -> 1056 MiB,
 * page faults 28-32K -> 5.5K a file. What the arena holds goes when the idle release parks the ML
 * worker. Fixed-shape models (YuNet 640x640, the embedders, the classifier) keep both.
 */
export function memoryOptions(signature: { inputs: readonly TensorSpecT[] }): { enableCpuMemArena?: boolean; enableMemPattern?: boolean } {
  const dynamicImage = signature.inputs.some((t) => (t.shape ?? []).slice(1).some((d) => typeof d !== 'number'));
  return dynamicImage ? { enableMemPattern: false } : {};
}

/** Compares the loaded graph's tensors with the manifest (names only where the manifest is sure of them). */
export function checkSignature(entry: ModelEntry, file: string, session: OrtSessionLike, sig: { inputs: TensorSpecT[]; outputs: TensorSpecT[] }): void {
  const problems: string[] = [];
  const enforceNames = entry.signature.names === 'confirmed';
  if (session.inputNames.length !== sig.inputs.length) problems.push(`${session.inputNames.length} inputs, expected ${sig.inputs.length}`);
  sig.inputs.forEach((want, i) => {
    const got = session.inputMetadata[i];
    if (!got) return;
    if (enforceNames && got.name !== want.name) problems.push(`input ${i} is "${got.name}", expected "${want.name}"`);
    if (got.isTensor) {
      if (got.type !== want.type) problems.push(`input "${got.name}" is ${got.type}, expected ${want.type}`);
      if (want.shape && got.shape.length !== want.shape.length) problems.push(`input "${got.name}" has rank ${got.shape.length}, expected ${want.shape.length}`);
      else if (want.shape) {
        want.shape.forEach((d, k) => {
          const g = got.shape[k];
          if (typeof d === 'number' && typeof g === 'number' && d !== g) problems.push(`input "${got.name}" dim ${k} is ${g}, expected ${d}`);
        });
      }
    } else problems.push(`input "${got.name}" is not a tensor`);
  });
  if (enforceNames) {
    for (const o of sig.outputs) if (!session.outputNames.includes(o.name)) problems.push(`no output "${o.name}" (has ${session.outputNames.join(', ')})`);
  } else if (session.outputNames.length < Math.max(1, sig.outputs.length)) {
    problems.push(`${session.outputNames.length} outputs, expected ${sig.outputs.length}`);
  }
  // Output widths matter: an embedder of the wrong dim would poison the vector table.
  sig.outputs.forEach((want, i) => {
    const got = enforceNames ? session.outputMetadata.find((m) => m.name === want.name) : session.outputMetadata[i];
    if (!got || !got.isTensor || !want.shape) return;
    want.shape.forEach((d, k) => {
      const g = got.shape[k];
      if (typeof d === 'number' && typeof g === 'number' && d !== g) problems.push(`output "${got.name}" dim ${k} is ${g}, expected ${d}`);
    });
  });
  if (problems.length) throw new DaemonError('MODEL_INVALID', `${entry.id} (${file}) does not match the manifest signature: ${problems.join('; ')}`);
}
