import type Bree from 'bree';
import type { Logger } from 'pino';
import { DaemonError, toDaemonError } from '../errors/index.js';
import type { Places } from '../platform/places.js';
import type { WritableDb } from '../store/db.js';
import { backupJob } from './backup.job.js';
import { createScheduler, nextCronRun } from './in-process-bree.js';
import { optimizeJob } from './optimize.job.js';
import { createPruneJob } from './prune.job.js';
import { reconcileJob } from './reconcile.job.js';
import { repairJob } from './repair.job.js';
import { regroupJob } from './regroup.job.js';
import { retryDeadJob } from './retry-dead.job.js';
import { isUpkeepJobName, UPKEEP_JOBS, type UpkeepConfig, type UpkeepDeps, type UpkeepJob, type UpkeepJobName, type UpkeepSummary } from './upkeep-job.js';
import { markInterrupted, recordFinish, recordStart, upkeepStatus, upsertSchedule, type UpkeepJobStatus } from './upkeep.repository.js';

export interface UpkeepOptions {
  db: WritableDb;
  /** The database file (for WAL sizes; backups never overwrite it). */
  dbPath: string;
  places: Places;
  config: UpkeepConfig;
  log: Logger;
  deps: UpkeepDeps;
  /** Replaces the built-in jobs (tests). */
  jobs?: UpkeepJob[];
  /** Cache files younger than this are never pruned (default 1 h). */
  pruneGraceMs?: number;
  /** How long stop() waits for running jobs before giving up on them (default 10 s). */
  stopTimeoutMs?: number;
  now?: () => number;
}

export interface UpkeepRunResult {
  name: UpkeepJobName;
  /** skipped: the same job was already running (a job never overlaps itself); disabled: nothing to run. */
  status: 'ok' | 'failed' | 'skipped' | 'disabled';
  result: UpkeepSummary | null;
  error: { code: string; message: string } | null;
  durationMs: number;
}

export interface Upkeep {
  /** Records the schedules and starts the timers. Throws CONFIG_INVALID for a bad cron string. */
  start(): Promise<void>;
  /** Stops the timers, asks running jobs to end and waits for them (bounded). */
  stop(): Promise<void>;
  /** Runs one job now (CLI, tests, the page). Waits for it; a run already in progress is not doubled. */
  runNow(name: string): Promise<UpkeepRunResult>;
  status(): UpkeepJobStatus[];
}

export function defaultUpkeepJobs(opts: { pruneGraceMs?: number } = {}): UpkeepJob[] {
  return [reconcileJob, regroupJob, backupJob, optimizeJob, createPruneJob(opts.pruneGraceMs !== undefined ? { graceMs: opts.pruneGraceMs } : {}), retryDeadJob, repairJob];
}

/**
 * Scheduled upkeep (bree for the timing, the jobs in-process; see in-process-bree.ts). Each run
 * is recorded in upkeep_jobs (last run, result, duration, next run); a failing job is logged and
 * recorded, never thrown: upkeep must not take the daemon down.
 */
export function createUpkeep(opts: UpkeepOptions): Upkeep {
  const { db, log } = opts;
  const now = opts.now ?? Date.now;
  const jobs = new Map<UpkeepJobName, UpkeepJob>((opts.jobs ?? defaultUpkeepJobs(opts.pruneGraceMs !== undefined ? { pruneGraceMs: opts.pruneGraceMs } : {})).map((j) => [j.name, j]));
  const running = new Map<UpkeepJobName, Promise<UpkeepRunResult>>();
  const aborts = new Set<AbortController>();
  let bree: Bree | null = null;
  let stopping = false;

  const cronOf = (name: UpkeepJobName) => opts.config.schedule[name];
  const enabled = (job: UpkeepJob) => job.enabled(opts.deps);
  const nextRun = (name: UpkeepJobName, from: number) => {
    const job = jobs.get(name);
    return job && enabled(job) && bree ? nextCronRun(cronOf(name), from) : null;
  };

  async function execute(name: UpkeepJobName, signal?: AbortSignal): Promise<UpkeepRunResult> {
    const job = jobs.get(name);
    if (!job) throw new DaemonError('UPKEEP_UNKNOWN_JOB', name);
    if (!enabled(job)) return { name, status: 'disabled', result: null, error: null, durationMs: 0 };
    const inFlight = running.get(name);
    if (inFlight) {
      log.debug({ job: name }, 'upkeep job already running; not starting it twice');
      return { ...(await inFlight), status: 'skipped' };
    }
    const ac = new AbortController();
    aborts.add(ac);
    const onAbort = () => ac.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const p = (async (): Promise<UpkeepRunResult> => {
      const started = now();
      recordStart(db, name, started);
      log.info({ job: name }, 'upkeep job started');
      let out: UpkeepRunResult;
      try {
        const result = await job.run({ db, dbPath: opts.dbPath, places: opts.places, config: opts.config, log: log.child({ job: name }), deps: opts.deps, signal: ac.signal, now });
        out = { name, status: 'ok', result, error: null, durationMs: now() - started };
        log.info({ job: name, ms: out.durationMs, result }, 'upkeep job done');
      } catch (e) {
        const err = toDaemonError(e);
        out = { name, status: 'failed', result: null, error: { code: err.code, message: err.message }, durationMs: now() - started };
        log.error({ job: name, code: err.code, err: e }, 'upkeep job failed');
      }
      try {
        recordFinish(db, name, {
          status: out.status === 'ok' ? 'ok' : 'failed',
          result: out.result,
          errorCode: out.error?.code ?? null,
          error: out.error?.message ?? null,
          durationMs: out.durationMs,
          finishedAt: now(),
          nextRunAt: nextRun(name, now()),
        });
      } catch (e) {
        log.error({ job: name, err: e }, 'could not record the upkeep run'); // e.g. the DB closed under us
      }
      return out;
    })();
    running.set(name, p);
    try {
      return await p;
    } finally {
      running.delete(name);
      aborts.delete(ac);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    async start() {
      if (bree) return;
      stopping = false;
      const scheduled = UPKEEP_JOBS.filter((n) => jobs.has(n) && enabled(jobs.get(n)!));
      const b = createScheduler({
        jobs: scheduled.map((name) => ({ name, cron: cronOf(name) })),
        log,
        run: async (name, signal) => {
          if (stopping || !isUpkeepJobName(name)) return;
          await execute(name, signal);
        },
      });
      try {
        // bree's typings omit init(); it validates every job (cron strings included).
        await (b as unknown as { init(): Promise<void> }).init();
      } catch (e) {
        throw new DaemonError('CONFIG_INVALID', `schedule: ${(e as Error).message}`, { cause: e });
      }
      bree = b;
      markInterrupted(db);
      const t = now();
      for (const name of UPKEEP_JOBS) {
        const job = jobs.get(name);
        if (!job) continue;
        const on = enabled(job);
        upsertSchedule(db, name, on ? cronOf(name) : null, on, on ? nextCronRun(cronOf(name), t) : null);
      }
      await b.start();
      log.info({ jobs: scheduled }, 'upkeep scheduled');
    },

    async stop() {
      stopping = true;
      for (const ac of aborts) ac.abort();
      const b = bree;
      bree = null;
      const bound = opts.stopTimeoutMs ?? 10_000;
      const wait = Promise.allSettled([...(b ? [b.stop()] : []), ...running.values()]);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        wait.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), bound);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) log.warn({ jobs: [...running.keys()] }, 'upkeep jobs still running at stop; leaving them');
    },

    async runNow(name) {
      if (!isUpkeepJobName(name) || !jobs.has(name)) throw new DaemonError('UPKEEP_UNKNOWN_JOB', `${name} (known: ${[...jobs.keys()].join(', ')})`);
      return execute(name);
    },

    status: () => upkeepStatus(db),
  };
}
