import Bree from 'bree';
import { createRequire } from 'node:module';
import type { Logger } from 'pino';

/**
 * bree is used only as the scheduler (cron parsing, timers that survive long intervals, its
 * one-worker-per-job rule), through its documented API. Our jobs need the daemon's one writable
 * SQLite handle (better-sqlite3 handles cannot cross threads, and a second writer would contend
 * with the queue), the reconcile walker and the people clustering, which all live in the main
 * thread. So each job's bree worker is a stand-in (TRIGGER, a few lines run with bree's `eval`
 * workers) that asks the main thread to run the job ('run', through `workerMessageHandler`), passes
 * on bree's 'cancel' ('abort') and ends with 'done' once the main thread says the run finished. The
 * jobs are I/O-bound or short (backup steps asynchronously), so the event loop stays responsive.
 */
function TRIGGER(): void {
  // Runs inside bree's eval worker (CommonJS): only node built-ins here.
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  parentPort!.on('message', (m: unknown) => {
    if (m === 'cancel') parentPort!.postMessage('abort');
    else if (m === 'finished') parentPort!.postMessage('done');
  });
  parentPort!.postMessage('run');
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
  const aborts = new Map<string, AbortController>();
  const bree: Bree = new Bree({
    root: false,
    doRootCheck: false,
    logger: {
      info: (msg: unknown) => log.debug({ bree: true }, String(msg)),
      warn: (msg: unknown) => log.warn({ bree: true }, msg instanceof Error ? msg.message : String(msg)),
      error: (msg: unknown) => log.error({ bree: true }, msg instanceof Error ? msg.message : String(msg)),
    },
    errorHandler: (err, data) => log.error({ job: data.name, err }, 'upkeep job crashed'),
    workerMessageHandler: ({ name, message }: { name: string; message: unknown }) => {
      if (message === 'abort') aborts.get(name)?.abort();
      if (message !== 'run') return;
      const ac = new AbortController();
      aborts.set(name, ac);
      void opts
        .run(name, ac.signal)
        .catch((err: unknown) => log.error({ job: name, err }, 'upkeep job crashed'))
        .finally(() => {
          aborts.delete(name);
          bree.workers.get(name)?.postMessage('finished');
        });
    },
    jobs: opts.jobs.map((j) => ({ name: j.name, cron: j.cron, hasSeconds: hasSeconds(j.cron), path: TRIGGER })),
  });
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
