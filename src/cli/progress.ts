import type { PipelineBus } from '../pipeline/events.js';
import { jobsLeft, queueCounts } from '../queue/queue.js';
import type { ReadableDb } from '../store/db.js';

export interface ProgressOptions {
  /**
   * Passes that run after every other (Pass.runsLast: OCR). Their steps cost tens of times the
   * others', so one rate over all steps would promise the end of the import long before it: the
   * ETA covers the other steps while they remain, and these are counted apart until then.
   */
  last?: readonly string[];
  now?: () => number;
}

/**
 * A one-line progress bar on a TTY (nothing otherwise): files done per pass and what is left.
 * Returns a stop function.
 */
export function showProgress(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, db: ReadableDb, bus: PipelineBus, o: ProgressOptions = {}): () => void {
  if (!stream.isTTY) return () => {};
  const now = o.now ?? Date.now;
  const lastNames = o.last ?? [];
  const last = new Set(lastNames);
  const lastLabel = lastNames.join('/');
  let done = 0;
  let failed = 0;
  /** Steps done of the passes that run last, and when the first of them started (their rate starts there). */
  let lastDone = 0;
  let lastSince: number | null = null;
  const onDone = (e: { status: string; pass: string; durationMs: number }) => {
    done++;
    if (e.status === 'failed') failed++;
    if (last.has(e.pass)) {
      lastDone++;
      lastSince ??= now() - e.durationMs;
    }
  };
  bus.on('pass-done', onDone);
  const started = now();
  const draw = () => {
    // O(passes) from the trigger-kept counts: a first import queues millions of jobs.
    const q = queueCounts(db);
    const left = q.pending + q.leased;
    const total = done + left;
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
    const filled = total ? Math.round((done / total) * width) : 0;
    const t = now();
    const secs = (since: number) => Math.max(1, (t - since) / 1000);
    const rate = done / secs(started);
    const lastLeft = jobsLeft(db, lastNames);
    let eta: string;
    if (lastLeft > 0 && lastLeft < left) {
      // The other steps first: their own rate, and the slow ones after them, not yet timed.
      const otherRate = (done - lastDone) / secs(started);
      eta = `ETA ${otherRate > 0 ? Math.round((left - lastLeft) / otherRate) : 0}s, then ${lastLeft} ${lastLabel} steps`;
    } else if (lastLeft > 0) {
      eta = lastSince === null ? `timing the ${lastLabel} steps` : `ETA ${Math.round(lastLeft / (lastDone / secs(lastSince)))}s`;
    } else {
      eta = `ETA ${rate > 0 ? Math.round(left / rate) : 0}s`;
    }
    stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} steps, ${failed} failed, ${rate.toFixed(1)}/s, ${eta}  `);
  };
  const timer = setInterval(draw, 250);
  return () => {
    clearInterval(timer);
    bus.off('pass-done', onDone);
    draw();
    stream.write('\n');
  };
}
