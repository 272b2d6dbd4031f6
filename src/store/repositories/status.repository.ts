import type { ReadableDb } from '../db.js';

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
  queue: { pending: number; leased: number; dead: number; waiting: number };
  throughput: { windowSeconds: number; runsPerMinute: number; filesPerMinute: number; lastRunAt: number | null };
  eta: { seconds: number | null; at: number | null };
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

  const byState: Record<string, number> = {};
  for (const r of db.prepare('SELECT state, count(*) AS n FROM files GROUP BY state').all() as { state: string; n: number }[]) byState[r.state] = r.n;

  const passes: Record<string, PassStatus> = {};
  const pass = (name: string): PassStatus => (passes[name] ??= emptyPass());
  for (const name of opts.passNames ?? []) pass(name);

  const results = db
    .prepare(
      `SELECT r.pass, r.status, count(*) AS n FROM pass_results r JOIN files f ON f.id = r.file_id
       WHERE f.state = 'present' GROUP BY r.pass, r.status`,
    )
    .all() as { pass: string; status: string; n: number }[];
  for (const r of results) {
    if (r.status === 'ok') pass(r.pass).done += r.n;
    else if (r.status === 'failed') pass(r.pass).failed += r.n;
  }

  const jobs = db.prepare('SELECT pass, state, count(*) AS n FROM jobs GROUP BY pass, state').all() as { pass: string; state: string; n: number }[];
  for (const j of jobs) {
    const p = pass(j.pass);
    if (j.state === 'pending') p.pending += j.n;
    else if (j.state === 'leased') {
      p.pending += j.n;
      p.running += j.n;
    } else if (j.state === 'dead') p.dead += j.n;
  }

  const queue = db
    .prepare(
      `SELECT coalesce(sum(state = 'pending'), 0) AS pending, coalesce(sum(state = 'leased'), 0) AS leased,
              coalesce(sum(state = 'dead'), 0) AS dead, coalesce(sum(state = 'pending' AND run_after > ?), 0) AS waiting
       FROM jobs`,
    )
    .get(now) as StatusJson['queue'];

  const since = now - windowMs;
  const runs = db
    .prepare('SELECT pass, count(*) AS n, count(DISTINCT file_id) AS files, min(started_at) AS first FROM pass_runs WHERE started_at >= ? GROUP BY pass')
    .all(since) as { pass: string; n: number; files: number; first: number }[];
  const overall = db
    .prepare('SELECT count(*) AS n, count(DISTINCT file_id) AS files, min(started_at) AS first, max(started_at + duration_ms) AS last FROM pass_runs WHERE started_at >= ?')
    .get(since) as { n: number; files: number; first: number | null; last: number | null };
  const lastRun = (db.prepare('SELECT max(started_at + duration_ms) AS t FROM pass_runs').get() as { t: number | null }).t;

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
  const etaSeconds = totalPending === 0 ? 0 : runsPerMinute > 0 ? Math.round((totalPending / runsPerMinute) * 60) : null;

  const recentErrors = (
    db
      .prepare(
        `SELECT r.file_id AS fileId, f.path AS path, r.pass, r.error_code AS code, r.error, r.started_at AS at, r.status
         FROM pass_runs r LEFT JOIN files f ON f.id = r.file_id
         WHERE r.status <> 'ok' ORDER BY r.id DESC LIMIT ?`,
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
    eta: { seconds: etaSeconds, at: etaSeconds === null ? null : now + etaSeconds * 1000 },
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
       FROM jobs j LEFT JOIN files f ON f.id = j.file_id
       WHERE j.state = 'dead' ORDER BY j.updated_at DESC, j.id DESC LIMIT ? OFFSET ?`,
    )
    .all(opts.limit ?? 100, opts.offset ?? 0) as DeadJob[];
}

export function countDeadJobs(db: ReadableDb): number {
  return (db.prepare(`SELECT count(*) AS n FROM jobs WHERE state = 'dead'`).get() as { n: number }).n;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
