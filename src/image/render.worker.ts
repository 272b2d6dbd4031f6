/**
 * Worker-thread entry for preview rendering: decode, orient, hash, encode and store happen here,
 * so the daemon's thread only hands over an input and records the answer. Started by
 * createThreadedRenderer (threaded-render.ts); the protocol types live there.
 */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { toDaemonError } from '../errors/index.js';
import { renderPreview } from './render.js';
import type { RenderReply, RenderRequest } from './threaded-render.js';

const port = parentPort;
if (!port) throw new Error('render.worker.ts must run in a worker thread');
// The same libvips settings as the daemon's thread (main.ts): one libvips thread per operation,
// no operation cache (the process's libvips is shared; set again here for a worker started alone).
sharp.cache(false);
sharp.concurrency(1);

port.on('message', (m: RenderRequest) => {
  // A Buffer arrives as a plain Uint8Array (structured clone): a Buffer view of the same bytes.
  const input = typeof m.input === 'string' ? m.input : Buffer.from(m.input.buffer, m.input.byteOffset, m.input.byteLength);
  renderPreview(input, m.orientation, m.options).then(
    (rendered) => port.postMessage({ id: m.id, ok: true, rendered } satisfies RenderReply),
    (e: unknown) => {
      // Sorted here as the pipeline would sort it on the daemon's thread (a full or read-only cache
      // folder keeps its code); the daemon's side rebuilds the same DaemonError.
      const err = toDaemonError(e);
      port.postMessage({ id: m.id, ok: false, code: err.code, message: err.message } satisfies RenderReply);
    },
  );
});
