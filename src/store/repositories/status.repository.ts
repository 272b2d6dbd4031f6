import type { ReadableDb } from '../db.js';
import { keptCounts } from './status-counts.repository.js';

/** Counts for one pass over live files. `pending` includes running (leased) jobs, never dead ones. */
export interface PassStatus {
  done: number;
  failed: number;
  pending: number;
  running: number;
  dead: number;
  /** Runs finished per minute over the throughput window. */
  perMinute: number;
  /** Seconds until this pass's queue is empty at the current rate; null when idle or unknown. */
  etaSeconds: number | null;
}

export interface RecentError {
  fileId: number;
  /** Path of the file (always inside a library). */
  path: string | null;
  pass: string;
  code: string | null;
  error: string | null;
  at: number;
  /** 'failed' = final failure, 'retry' = will be retried. */
  status: string;
}

export interface DeadJob {
  jobId: number;
  fileId: number;
  path: string | null;
  pass: string;
  attempts: number;
  code: string | null;
  error: string | null;
  at: number;
}

/**
 * The status contract shared by `rawlight status --json` and `GET /api/status`: extend, never
 * rename. `files`, `passes.<name>.{done,failed,pending}` and `queue.{pending,leased,dead}` are
 * the agreed core.
 */
export interface StatusJson {
  files: number;
  filesByState: Record<string, number>;
  passes: Record<string, PassStatus>;
  /** `away`: of the `waiting`, those put aside until their photo's drive is plugged back in. */
  queue: { pending: number; leased: number; dead: number; waiting: number; away: number };
  throughput: { windowSeconds: number; runsPerMinute: number; filesPerMinute: number; lastRunAt: number | null };
  /**
   * `untimed`: passes with work left but no run in the window, and how much (text recognition waits
   * for every other pass: Pass.runsLast). `seconds` then covers the other passes' work only.
   */
  eta: { seconds: number | null; at: number | null; untimed: Record<string, number> };
  recentErrors: RecentError[];
  deadJobs: DeadJob[];
  generatedAt: number;
}

export interface StatusOptions {
  /** Passes to list even when they have no rows yet (e.g. every registered pass). */
  passNames?: readonly string[];
  now?: number;
  /** Throughput window; the rate uses the part of it that actually saw runs. */
  windowMs?: number;
  errorLimit?: number;
}

const DEFAULT_WINDOW_MS = 5 * 60_000;
/** A rate measured over less than this is too noisy to promise an ETA from. */
const MIN_SPAN_MS = 10_000;

function emptyPass(): PassStatus {
  return { done: 0, failed: 0, pending: 0, running: 0, dead: 0, perMinute: 0, etaSeconds: null };
}

/** One consistent snapshot of the pipeline's progress, read in a single transaction. */
export function readStatus(db: ReadableDb, opts: StatusOptions = {}): StatusJson {
  const read = db.transaction(() => readStatusNow(db, opts));
  return read.deferred();
}

function readStatusNow(db: ReadableDb, opts: StatusOptions): StatusJson {
  const now = opts.now ?? Date.now();
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  const errorLimit = opts.errorLimit ?? 20;

  // Every count below is O(passes): kept by triggers (migrations/0060-status-counts.sql) in the
  // transaction that changes the rows, never a scan of files, results or jobs.
  const kept = keptCounts(db);
  const byState: Record<string, number> = { ...kept.files };

  const passes: Record<string, PassStatus> = {};
  const pass = (name: string): PassStatus => (passes[name] ??= emptyPass());
  for (const name of opts.passNames ?? []) pass(name);

  for (const [name, byStatus] of Object.entries(kept.results)) {
    const p = pass(name);
    p.done += byStatus.ok ?? 0;
    p.failed += byStatus.failed ?? 0;
  }

  const queue = { pending: 0, leased: 0, dead: 0, waiting: 0, away: 0 };
  for (const [name, byJobState] of Object.entries(kept.jobs)) {
    const p = pass(name);
    const pending = byJobState.pending ?? 0;
    const leased = byJobState.leased ?? 0;
    const dead = byJobState.dead ?? 0;
    p.pending += pending + leased;
    p.running += leased;
    p.dead += dead;
    queue.pending += pending;
    queue.leased += leased;
    queue.dead += dead;
  }
  queue.waiting = countWaiting(db, now);
  queue.away = queue.waiting ? countAway(db, now) : 0;

  const since = now - windowMs;
  const runs = db
    .prepare('SELECT pass, count(*) AS n, count(DISTINCT file_id) AS files, min(started_at) AS first FROM pass_runs WHERE started_at >= ? GROUP BY pass')
    .all(since) as { pass: string; n: number; files: number; first: number }[];
  const overall = db
    .prepare('SELECT count(*) AS n, count(DISTINCT file_id) AS files, min(started_at) AS first, max(started_at + duration_ms) AS last FROM pass_runs WHERE started_at >= ?')
    .get(since) as { n: number; files: number; first: number | null; last: number | null };
  // The newest run by start (one step down the started_at index); its end is the last activity.
  const lastRun = (db.prepare('SELECT started_at + duration_ms AS t FROM pass_runs ORDER BY started_at DESC LIMIT 1').get() as { t: number } | undefined)?.t ?? null;

  // The rate is measured over the part of the window that saw work, so a burst that began
  // 30 s ago is not diluted by 4.5 idle minutes.
  const perMinute = (n: number, first: number | null): number => {
    if (!n || first === null) return 0;
    const span = Math.max(MIN_SPAN_MS, now - first);
    return (n * 60_000) / span;
  };
  for (const r of runs) pass(r.pass).perMinute = round1(perMinute(r.n, r.first));
  for (const p of Object.values(passes)) {
    p.etaSeconds = p.pending > 0 && p.perMinute > 0 ? Math.round((p.pending / p.perMinute) * 60) : p.pending === 0 ? 0 : null;
  }
  const runsPerMinute = perMinute(overall.n, overall.first);
  const totalPending = queue.pending + queue.leased;
  // The window's rate is the rate of the passes that ran in it: a pass that has not run yet (OCR
  // while the faces and tags of a first import go first) costs tens of times their steps, and
  // counting its work at their rate promised minutes for what takes hours. It is listed apart.
  const untimed: Record<string, number> = {};
  let timedPending = 0;
  for (const [name, p] of Object.entries(passes)) {
    if (p.pending > 0 && p.perMinute === 0) untimed[name] = p.pending;
    else timedPending += p.pending;
  }
  const counted = timedPending > 0 ? timedPending : totalPending;
  const etaSeconds = totalPending === 0 ? 0 : runsPerMinute > 0 ? Math.round((counted / runsPerMinute) * 60) : null;

  const recentErrors = (
    db
      .prepare(
        `SELECT r.file_id AS fileId, f.path AS path, r.pass, r.error_code AS code, r.error, r.started_at AS at, r.status
         FROM pass_runs r LEFT JOIN files f ON f.id = r.file_id
         WHERE r.status <> 'ok' ORDER BY r.id DESC LIMIT ?`, // the partial index pass_runs_failures
      )
      .all(errorLimit) as RecentError[]
  );

  return {
    files: byState.present ?? 0,
    filesByState: byState,
    passes,
    queue,
    throughput: {
      windowSeconds: Math.round(windowMs / 1000),
      runsPerMinute: round1(runsPerMinute),
      filesPerMinute: round1(perMinute(overall.files, overall.first)),
      lastRunAt: lastRun,
    },
    eta: { seconds: etaSeconds, at: etaSeconds === null ? null : now + etaSeconds * 1000, untimed: timedPending > 0 ? untimed : {} },
    recentErrors,
    deadJobs: listDeadJobs(db, { limit: errorLimit }),
    generatedAt: now,
  };
}

/** Dead jobs, newest first (the status page lists them with a retry button). */
export function listDeadJobs(db: ReadableDb, opts: { limit?: number; offset?: number } = {}): DeadJob[] {
  return db
    .prepare(
      `SELECT j.id AS jobId, j.file_id AS fileId, f.path AS path, j.pass, j.attempts, j.last_error_code AS code,
              j.last_error AS error, j.updated_at AS at
       FROM jobs j INDEXED BY jobs_dead LEFT JOIN files f ON f.id = j.file_id
       WHERE j.state = 'dead' ORDER BY j.updated_at DESC, j.id DESC LIMIT ? OFFSET ?`, // the partial index jobs_dead
    )
    .all(opts.limit ?? 100, opts.offset ?? 0) as DeadJob[];
}

export function countDeadJobs(db: ReadableDb): number {
  return (db.prepare(`SELECT coalesce(sum(n), 0) AS n FROM job_counts WHERE state = 'dead'`).get() as { n: number }).n;
}

/** Pending jobs still in their retry backoff (a range of the partial index jobs_waiting); of `passes` only when given. */
export function countWaiting(db: ReadableDb, now: number, passes?: readonly string[]): number {
  const only = passes ? ` AND pass IN (${passes.map(() => '?').join(',')})` : '';
  return (db.prepare(`SELECT count(*) AS n FROM jobs INDEXED BY jobs_waiting WHERE state = 'pending' AND run_after > ?${only}`).get(now, ...(passes ?? [])) as { n: number }).n;
}

/**
 * Of the waiting jobs, those put aside because their photo is away (queue.park, Priority.away): on
 * a drive that is unplugged, or an iCloud placeholder; they run when it is back, not when a backoff
 * ends. The parked steps not due yet but those waiting for a read-only folder to be writable, from
 * the covering partial index jobs_parked alone (200K parked steps, an unplugged archive: 8 ms, where
 * reading each job's photo took 36 ms a refresh). `priority < 0`: the index's own condition, as the
 * queue parks (queue.ts, Priority.away). No `state`: a parked step being looked at (leased) is due,
 * so its run_after is past.
 */
export function countAway(db: ReadableDb, now: number): number {
  return (
    db
      .prepare(`SELECT count(*) AS n FROM jobs INDEXED BY jobs_parked WHERE priority < 0 AND run_after > ? AND last_error_code IS NOT 'FOLDER_READ_ONLY'`)
      .get(now) as { n: number }
  ).n;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
