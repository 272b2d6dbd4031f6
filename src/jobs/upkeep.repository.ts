import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ReadableDb, WritableDb } from '../store/db.js';

export interface UpkeepJobStatus {
  name: string;
  schedule: string | null;
  enabled: boolean;
  running: boolean;
  lastStartedAt: number | null;
  lastFinishedAt: number | null;
  lastStatus: 'ok' | 'failed' | 'interrupted' | null;
  lastResult: Record<string, unknown> | null;
  lastErrorCode: string | null;
  lastError: string | null;
  lastDurationMs: number | null;
  nextRunAt: number | null;
  runs: number;
  failures: number;
}

interface Row {
  name: string;
  schedule: string | null;
  enabled: number;
  running: number;
  last_started_at: number | null;
  last_finished_at: number | null;
  last_status: UpkeepJobStatus['lastStatus'];
  last_result: string | null;
  last_error_code: string | null;
  last_error: string | null;
  last_duration_ms: number | null;
  next_run_at: number | null;
  runs: number;
  failures: number;
}

function parseJson(s: string | null): Record<string, unknown> | null {
  if (s === null) return null;
  try {
    return JSON.parse(s) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Every upkeep job's last run, result and next run (for `status` and the page). */
export function upkeepStatus(db: ReadableDb): UpkeepJobStatus[] {
  const rows = db.prepare('SELECT * FROM upkeep_jobs ORDER BY name').all() as Row[];
  return rows.map((r) => ({
    name: r.name,
    schedule: r.schedule,
    enabled: r.enabled === 1,
    running: r.running === 1,
    lastStartedAt: r.last_started_at,
    lastFinishedAt: r.last_finished_at,
    lastStatus: r.last_status,
    lastResult: parseJson(r.last_result),
    lastErrorCode: r.last_error_code,
    lastError: r.last_error,
    lastDurationMs: r.last_duration_ms,
    nextRunAt: r.next_run_at,
    runs: r.runs,
    failures: r.failures,
  }));
}

export function upsertSchedule(db: WritableDb, name: string, schedule: string | null, enabled: boolean, nextRunAt: number | null): void {
  db.prepare(
    `INSERT INTO upkeep_jobs (name, schedule, enabled, next_run_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET schedule = excluded.schedule, enabled = excluded.enabled, next_run_at = excluded.next_run_at`,
  ).run(name, schedule, enabled ? 1 : 0, nextRunAt);
}

/** At start: a run still marked running belonged to a process that died mid-job. */
export function markInterrupted(db: WritableDb): number {
  return db
    .prepare(
      `UPDATE upkeep_jobs SET running = 0, last_status = 'interrupted', last_error_code = NULL,
         last_error = 'the daemon stopped during this run', failures = failures + 1 WHERE running = 1`,
    )
    .run().changes;
}

export function recordStart(db: WritableDb, name: string, now: number): void {
  db.prepare(
    `INSERT INTO upkeep_jobs (name, running, last_started_at) VALUES (?, 1, ?)
     ON CONFLICT (name) DO UPDATE SET running = 1, last_started_at = excluded.last_started_at`,
  ).run(name, now);
}

export interface FinishRecord {
  status: 'ok' | 'failed';
  result: Record<string, unknown> | null;
  errorCode: string | null;
  error: string | null;
  durationMs: number;
  finishedAt: number;
  nextRunAt: number | null;
}

export function recordFinish(db: WritableDb, name: string, f: FinishRecord): void {
  db.prepare(
    `UPDATE upkeep_jobs SET running = 0, last_finished_at = ?, last_status = ?, last_result = ?, last_error_code = ?,
       last_error = ?, last_duration_ms = ?, next_run_at = coalesce(?, next_run_at), runs = runs + 1,
       failures = failures + ? WHERE name = ?`,
  ).run(
    f.finishedAt,
    f.status,
    f.result === null ? null : JSON.stringify(f.result),
    f.errorCode,
    f.error,
    f.durationMs,
    f.nextRunAt,
    f.status === 'failed' ? 1 : 0,
    name,
  );
}

/**
 * Every cache path (relative to the cache folder) a row still points at: previews, thumbnails, face
 * crops. Read in windows of the primary key, the event loop free between two: in one read, 480K
 * previews held the daemon's loop 0.7 s (measured on the scale bench's database). Windows of ids,
 * not pages of matches: a page of 5K face crops walked all 1M faces where none had a crop (90 ms).
 */
export async function referencedCachePaths(db: ReadableDb, window = 5_000): Promise<Set<string>> {
  const out = new Set<string>();
  const tables = [
    { last: 'SELECT max(file_id) FROM previews', rows: 'SELECT path AS a, thumb_path AS b FROM previews WHERE file_id > ? AND file_id <= ?' },
    { last: 'SELECT max(id) FROM faces', rows: 'SELECT crop_path AS a, NULL AS b FROM faces WHERE id > ? AND id <= ? AND crop_path IS NOT NULL' },
  ];
  for (const t of tables) {
    const last = (db.prepare(t.last).pluck().get() as number | null) ?? 0;
    const rows = db.prepare(t.rows);
    for (let after = 0; after < last; after += window) {
      for (const r of rows.all(after, after + window) as { a: string; b: string | null }[]) {
        out.add(r.a);
        if (r.b !== null) out.add(r.b);
      }
      await nextTurn();
    }
  }
  return out;
}

/**
 * Dead jobs whose error may have gone away (a drive mounted, a permission granted, a model
 * installed) go back to pending with fresh attempts, but only for files that are present now:
 * a file on an unmounted drive would only die again.
 */
export function retryDeadJobs(db: WritableDb, codes: readonly string[], now: number): Record<string, number> {
  if (codes.length === 0) return {};
  const marks = codes.map(() => '?').join(',');
  const where = `state = 'dead' AND last_error_code IN (${marks}) AND file_id IN (SELECT id FROM files WHERE state = 'present')`;
  const byCode = db.prepare(`SELECT last_error_code AS code, count(*) AS n FROM jobs WHERE ${where} GROUP BY last_error_code`).all(...codes) as {
    code: string;
    n: number;
  }[];
  db.prepare(`UPDATE jobs SET state = 'pending', attempts = 0, run_after = 0, updated_at = ? WHERE ${where}`).run(now, ...codes);
  return Object.fromEntries(byCode.map((r) => [r.code, r.n]));
}
