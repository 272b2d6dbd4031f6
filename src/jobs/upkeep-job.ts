import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Places } from '../platform/places.js';
import type { WritableDb } from '../store/db.js';

/** The upkeep jobs; each name is also its key in `config.schedule`. */
export const UPKEEP_JOBS = ['reconcile', 'regroup', 'backup', 'optimize', 'prune', 'retryDead', 'repair'] as const;
export type UpkeepJobName = (typeof UPKEEP_JOBS)[number];

export function isUpkeepJobName(s: string): s is UpkeepJobName {
  return (UPKEEP_JOBS as readonly string[]).includes(s);
}

/** What upkeep needs from the rest of the daemon (given by main.ts). */
export interface UpkeepDeps {
  /** Walks every library and queues what the watcher missed; its summary is recorded. */
  reconcile: () => Promise<unknown>;
  /** Face regrouping; leave out until the people feature exists (the job is then disabled). */
  regroup?: () => Promise<unknown>;
  /** Writeback repair through the daemon's one writer; leave out where there is no writer (the job is then disabled). */
  repair?: () => Promise<unknown>;
}

/** `queue.runHistoryDays` bounds the run history the optimize job prunes (default 30 days). */
export type UpkeepConfig = Pick<Config, 'schedule'> & { queue?: Pick<Config['queue'], 'runHistoryDays'> };

export interface UpkeepContext {
  db: WritableDb;
  dbPath: string;
  places: Places;
  config: UpkeepConfig;
  log: Logger;
  deps: UpkeepDeps;
  /** Aborted when upkeep stops: long jobs should end early. */
  signal: AbortSignal;
  now: () => number;
}

/** A job's summary, stored as JSON and shown in `status`. */
export type UpkeepSummary = Record<string, unknown>;

export interface UpkeepJob {
  name: UpkeepJobName;
  /** False when the job has nothing to work with (regroup without the people feature). */
  enabled(deps: UpkeepDeps): boolean;
  run(ctx: UpkeepContext): Promise<UpkeepSummary>;
}

/** Turns whatever a dependency returned into a small JSON-safe summary. */
export function summarize(v: unknown): UpkeepSummary {
  if (v === undefined || v === null) return {};
  if (typeof v === 'object' && !Array.isArray(v)) {
    try {
      return JSON.parse(JSON.stringify(v)) as UpkeepSummary;
    } catch {
      return { result: String(v) };
    }
  }
  return { result: v as unknown };
}
