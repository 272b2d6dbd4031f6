import { Worker } from 'node:worker_threads';
import { DaemonError, ErrorCodes, type ErrorCode } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { Rendered, RenderOptions } from './render.js';
import { workerModule } from '../platform/worker-module.js';

export interface RenderRequest {
  id: number;
  input: Buffer | string;
  orientation: number | null;
  options: RenderOptions;
}

export type RenderReply = { id: number; ok: true; rendered: Rendered } | { id: number; ok: false; code: string; message: string };

/** renderPreview's signature: in-process (render.ts) or on the renderer threads (here). */
export type RenderFn = (input: Buffer | string, orientation: number | null, o: RenderOptions) => Promise<Rendered>;

export interface ThreadedRenderer {
  render: RenderFn;
  /** Renderer threads started now (0 once parked or before the first render). */
  running(): number;
  /** Ends the threads that have nothing pending (the next render starts them again); true if all ended. */
  park(): Promise<boolean>;
  close(): Promise<void>;
}

export interface ThreadedRendererArgs {
  /** Renderer threads: one per CPU worker of the pipeline, so no render waits for another's. */
  threads: number;
  log?: Logger;
  /** The thread's entry (default render.worker next to this file; tests give a misbehaving one). */
  workerUrl?: URL;
}

interface Slot {
  worker: Worker | null;
  pending: Map<number, { resolve: (r: Rendered) => void; reject: (e: Error) => void }>;
}

/** A reply's error as the DaemonError renderPreview would have thrown on this thread. */
function replyError(code: string, message: string): DaemonError {
  const c = (code in ErrorCodes ? code : 'INTERNAL') as ErrorCode;
  const prefix = `${ErrorCodes[c].message}: `;
  return new DaemonError(c, message.startsWith(prefix) ? message.slice(prefix.length) : message === ErrorCodes[c].message ? undefined : message);
}

/**
 * Preview rendering on worker threads. On the daemon's thread each preview cost ~6 ms of its time
 * besides the pixel work: sharp's synchronous set-up of three pipelines, the SHA-256 of the upright
 * pixels, and a major garbage collection every few photos, which ~10 MB of decoded pixels per photo
 * forced on the daemon's large heap. With two CPU workers that thread became the one both waited
 * on (issue 14: 2 workers took 0.69× one worker's time, 0.57 reachable). Here the pixels never
 * reach the daemon's heap; only paths and sizes come back. Threads start on the first render and
 * are parked after a dry spell with the rest of what only a busy queue needs.
 */
export function createThreadedRenderer(args: ThreadedRendererArgs): ThreadedRenderer {
  const slots: Slot[] = Array.from({ length: Math.max(1, args.threads) }, () => ({ worker: null, pending: new Map() }));
  let nextId = 1;
  let closed = false;

  const start = (slot: Slot): Worker => {
    const w = new Worker(args.workerUrl ?? workerModule(import.meta.url, 'render.worker'), { name: 'rawlight-render' });
    w.unref();
    w.on('message', (r: RenderReply) => {
      const p = slot.pending.get(r.id);
      if (!p) return;
      slot.pending.delete(r.id);
      if (slot.pending.size === 0) w.unref();
      if (r.ok) p.resolve(r.rendered);
      else p.reject(replyError(r.code, r.message));
    });
    const died = (why: string) => {
      if (slot.worker !== w) return;
      slot.worker = null;
      const all = [...slot.pending.values()];
      slot.pending.clear();
      if (all.length) args.log?.warn({ pending: all.length }, why);
      // INTERNAL is retryable: the pipeline runs these previews again on a fresh thread.
      for (const p of all) p.reject(new DaemonError('INTERNAL', why));
    };
    w.on('error', (e) => died(`a preview renderer thread failed: ${e.message}`));
    w.on('exit', (code) => died(`a preview renderer thread exited (code ${code})`));
    slot.worker = w;
    return w;
  };

  const render: RenderFn = (input, orientation, options) => {
    if (closed) return Promise.reject(new DaemonError('INTERNAL', 'the preview renderer is closed'));
    // The least busy thread (a started one first on a tie), so renders never queue behind each other.
    let slot = slots[0]!;
    for (const s of slots) {
      if (s.pending.size < slot.pending.size || (s.pending.size === slot.pending.size && s.worker && !slot.worker)) slot = s;
    }
    const w = slot.worker ?? start(slot);
    const id = nextId++;
    return new Promise<Rendered>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      if (slot.pending.size === 1) w.ref();
      // Copied, not transferred: the caller may still hold the buffer (an embedded image it falls
      // back from); a few MB at most, against the ~10 MB of pixels that stay on the thread.
      w.postMessage({ id, input, orientation, options } satisfies RenderRequest);
    });
  };

  return {
    render,
    running: () => slots.filter((s) => s.worker).length,
    async park() {
      const idle = slots.filter((s) => s.worker && s.pending.size === 0);
      await Promise.all(
        idle.map((s) => {
          const w = s.worker!;
          s.worker = null; // before terminate: its exit is not a failure
          return w.terminate();
        }),
      );
      return slots.every((s) => !s.worker);
    },
    async close() {
      closed = true;
      await Promise.all(
        slots.map((s) => {
          const w = s.worker;
          if (!w) return undefined;
          s.worker = null;
          const all = [...s.pending.values()];
          s.pending.clear();
          for (const p of all) p.reject(new DaemonError('INTERNAL', 'the preview renderer was closed'));
          return w.terminate();
        }),
      );
    },
  };
}
