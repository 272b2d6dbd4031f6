import type { PipelineBus } from '../pipeline/events.js';
import { queueCounts } from '../queue/queue.js';
import type { ReadableDb } from '../store/db.js';

/**
 * A one-line progress bar on a TTY (nothing otherwise): files done per pass and what is left.
 * Returns a stop function.
 */
export function showProgress(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, db: ReadableDb, bus: PipelineBus): () => void {
  if (!stream.isTTY) return () => {};
  let done = 0;
  let failed = 0;
  const onDone = (e: { status: string }) => {
    done++;
    if (e.status === 'failed') failed++;
  };
  bus.on('pass-done', onDone);
  const started = Date.now();
  const draw = () => {
    // O(passes) from the trigger-kept counts: a first import queues millions of jobs.
    const q = queueCounts(db);
    const left = q.pending + q.leased;
    const total = done + left;
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
    const filled = total ? Math.round((done / total) * width) : 0;
    const rate = done / Math.max(1, (Date.now() - started) / 1000);
    const eta = rate > 0 ? Math.round(left / rate) : 0;
    stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} steps, ${failed} failed, ${rate.toFixed(1)}/s, ETA ${eta}s  `);
  };
  const t = setInterval(draw, 250);
  return () => {
    clearInterval(t);
    bus.off('pass-done', onDone);
    draw();
    stream.write('\n');
  };
}
