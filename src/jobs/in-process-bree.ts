import Bree from 'bree';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/**
 * bree is used only as the scheduler (cron parsing, timers that survive long intervals, its
 * one-worker-per-job rule). It would normally run each job in a worker thread, but our jobs need
 * the daemon's one writable SQLite handle (better-sqlite3 handles cannot cross threads, and a
 * second writer connection would contend with the queue), the reconcile walker and the people
 * clustering, which all live in the main thread. So `createWorker` is replaced by a worker-shaped
 * object that runs the job in-process and speaks bree's worker protocol ('online', 'done',
 * 'cancel'). The jobs are I/O-bound or short (backup steps asynchronously), so the event loop
 * stays responsive.
 */
class InProcessWorker extends EventEmitter {
  readonly isMainThread = true;
  readonly threadId = 0;
  readonly resourceLimits = {};
  private readonly abort = new AbortController();

  constructor(run: (signal: AbortSignal) => Promise<void>) {
    super();
    setImmediate(() => {
      this.emit('online');
      run(this.abort.signal).then(
        () => this.emit('message', 'done'),
        (err: unknown) => {
          this.emit('error', err);
          this.emit('exit', 1);
        },
      );
    });
  }

  /** bree posts 'cancel' on stop(): the job sees its signal aborted and ends early. */
  postMessage(msg: unknown): void {
    if (msg === 'cancel') this.abort.abort();
  }

  terminate(): Promise<number> {
    this.abort.abort();
    return Promise.resolve(0);
  }
}

export interface SchedulerJob {
  name: string;
  cron: string;
}

export interface SchedulerOptions {
  jobs: SchedulerJob[];
  log: Logger;
  /** Runs one scheduled occurrence; must not throw (failures are recorded by the caller). */
  run: (name: string, signal: AbortSignal) => Promise<void>;
}

/** Creates the bree instance (not started). init() validates the cron strings. */
export function createScheduler(opts: SchedulerOptions): Bree {
  const log = opts.log;
  const bree = new Bree({
    root: false,
    doRootCheck: false,
    logger: {
      info: (msg: unknown) => log.debug({ bree: true }, String(msg)),
      warn: (msg: unknown) => log.warn({ bree: true }, msg instanceof Error ? msg.message : String(msg)),
      error: (msg: unknown) => log.error({ bree: true }, msg instanceof Error ? msg.message : String(msg)),
    },
    errorHandler: (err, data) => log.error({ job: data.name, err }, 'upkeep job crashed'),
    // The path is never loaded (createWorker below ignores it); bree only needs a valid job shape.
    jobs: opts.jobs.map((j) => ({ name: j.name, cron: j.cron, hasSeconds: hasSeconds(j.cron), path: function upkeepJob() {} })),
  });
  bree.createWorker = (_filename, options) => {
    const name = (options.workerData as { job: { name: string } }).job.name;
    return new InProcessWorker((signal) => opts.run(name, signal)) as unknown as Worker;
  };
  return bree;
}

/** Six fields = a leading seconds field (used by tests; config crons normally have five). */
export function hasSeconds(cron: string): boolean {
  return cron.trim().split(/\s+/).length === 6;
}

interface Later {
  parse: { cron(expr: string, hasSeconds?: boolean): unknown };
  schedule(s: unknown): { next(count: number, start?: Date): Date | Date[] | 0 };
  date: { localTime(): void };
}

let laterModule: Later | undefined;

/** bree's own copy of @breejs/later (resolved through bree, which depends on it). */
function later(): Later {
  if (!laterModule) {
    const req = createRequire(import.meta.url);
    laterModule = createRequire(req.resolve('bree'))('@breejs/later') as Later;
    laterModule.date.localTime(); // as bree does: crons are in local time
  }
  return laterModule;
}

/** Next time a cron string fires after `from` (epoch ms), or null. */
export function nextCronRun(cron: string, from: number): number | null {
  const l = later();
  const next = l.schedule(l.parse.cron(cron, hasSeconds(cron))).next(1, new Date(from + 1000));
  const d = Array.isArray(next) ? next[0] : next;
  return d instanceof Date ? d.getTime() : null;
}
