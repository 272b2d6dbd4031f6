// A preview renderer thread that dies when asked to render the path "crash" (as a libvips abort or
// an out-of-memory would end it) and renders everything else with the real renderer thread's code.
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', (m: { input: unknown }) => {
  if (m.input === 'crash') process.exit(3);
});
await import('../../src/image/render.worker.js');
