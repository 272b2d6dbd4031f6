/**
 * Worker-thread entry that owns the onnxruntime sessions. onnxruntime-node's `run()` (and session
 * creation) execute synchronously on the calling thread, so on the daemon's thread one CLIP or
 * YuNet inference blocks the API for tens to hundreds of ms; here they block only this thread.
 * Started by OrtWorkerHost (ort-host.ts); the protocol types live there.
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { HostRequest, HostReply, WireTensor } from './ort-host.js';

const port = parentPort;
if (!port) throw new Error('ort-worker.ts must run in a worker thread');
const sessions = new Map<number, ort.InferenceSession>();

function reply(msg: HostReply, transfer: ArrayBuffer[] = []): void {
  try {
    port!.postMessage(msg, transfer);
  } catch {
    port!.postMessage(msg); // a buffer that cannot be moved is copied instead
  }
}

function toWire(t: ort.Tensor): { wire: WireTensor; buffer: ArrayBuffer | null } {
  const data = t.data as WireTensor['data'];
  const buf = ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data.buffer : null;
  return { wire: { type: t.type, data, dims: [...t.dims] }, buffer: buf };
}

async function handle(m: HostRequest): Promise<void> {
  if (m.op === 'load') {
    let bytes: Uint8Array;
    try {
      bytes = typeof m.source === 'string' ? readFileSync(m.source) : m.source;
    } catch (e) {
      reply({ id: m.id, ok: false, kind: 'read', message: (e as Error).message });
      return;
    }
    try {
      const s = await ort.InferenceSession.create(bytes, m.options);
      sessions.set(m.sid, s);
      reply({ id: m.id, ok: true, meta: { inputNames: [...s.inputNames], outputNames: [...s.outputNames], inputMetadata: [...s.inputMetadata], outputMetadata: [...s.outputMetadata] } });
    } catch (e) {
      reply({ id: m.id, ok: false, kind: 'load', message: (e as Error).message });
    }
    return;
  }
  const s = sessions.get(m.sid);
  if (m.op === 'release') {
    sessions.delete(m.sid);
    await s?.release().catch(() => undefined);
    reply({ id: m.id, ok: true });
    return;
  }
  if (!s) {
    reply({ id: m.id, ok: false, kind: 'run', message: `session ${m.sid} is not loaded` });
    return;
  }
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(m.feeds)) feeds[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
    const out = m.fetches ? await s.run(feeds, m.fetches) : await s.run(feeds);
    const outputs: Record<string, WireTensor> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, t] of Object.entries(out)) {
      const { wire, buffer } = toWire(t as ort.Tensor);
      outputs[name] = wire;
      if (buffer && !transfer.includes(buffer)) transfer.push(buffer);
    }
    reply({ id: m.id, ok: true, outputs }, transfer);
  } catch (e) {
    reply({ id: m.id, ok: false, kind: 'run', message: (e as Error).message });
  }
}

// Requests are handled one at a time, in order: inference is CPU-bound, and one at a time keeps
// its thread count bounded (intraOpNumThreads) whatever the callers do.
let chain: Promise<void> = Promise.resolve();
port.on('message', (m: HostRequest) => {
  chain = chain.then(() => handle(m));
});
