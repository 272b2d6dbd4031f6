import type { ReadableDb, WritableDb } from '../db.js';
import { stmt } from '../statements.js';

export interface PassResultRow {
  file_id: number;
  pass: string;
  version: number;
  input_key: string;
  status: 'ok' | 'failed';
  output: string | null;
  error_code: string | null;
  error: string | null;
  completed_at: number;
  duration_ms: number | null;
}

export function getResult(db: ReadableDb, fileId: number, pass: string): PassResultRow | undefined {
  return stmt(db, 'SELECT * FROM pass_results WHERE file_id = ? AND pass = ?').get(fileId, pass) as PassResultRow | undefined;
}

/** True when a result (ok or final failure) exists for exactly this version and input. */
export function hasResult(db: ReadableDb, fileId: number, pass: string, version: number, inputKey: string): boolean {
  return (
    stmt(db, 'SELECT 1 FROM pass_results WHERE file_id = ? AND pass = ? AND version = ? AND input_key = ?').get(fileId, pass, version, inputKey) !==
    undefined
  );
}

/** Forgets a pass's result for a file, so the pass runs again for the same input. */
export function deleteResult(db: WritableDb, fileId: number, pass: string): void {
  stmt(db, 'DELETE FROM pass_results WHERE file_id = ? AND pass = ?').run(fileId, pass);
}

export function saveResult(db: WritableDb, r: PassResultRow): void {
  stmt(db, `INSERT INTO pass_results (file_id, pass, version, input_key, status, output, error_code, error, completed_at, duration_ms)
     VALUES (@file_id, @pass, @version, @input_key, @status, @output, @error_code, @error, @completed_at, @duration_ms)
     ON CONFLICT (file_id, pass) DO UPDATE SET version = excluded.version, input_key = excluded.input_key,
       status = excluded.status, output = excluded.output, error_code = excluded.error_code, error = excluded.error,
       completed_at = excluded.completed_at, duration_ms = excluded.duration_ms`).run(r);
}

export interface PassRunInsert {
  file_id: number;
  pass: string;
  version: number;
  input_key: string;
  status: 'ok' | 'failed' | 'retry';
  error_code: string | null;
  error: string | null;
  started_at: number;
  duration_ms: number;
}

export const DEFAULT_RUN_HISTORY_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * Records a run and keeps the history of this (file, pass) bounded in the same statement set: older
 * successful runs of another (version, input key) and failures past `historyDays` go. Earlier
 * runs of the same input stay, so a pass that ran twice for one input is still visible.
 */
export function recordRun(db: WritableDb, r: PassRunInsert, historyDays = DEFAULT_RUN_HISTORY_DAYS): void {
  const id = stmt(db, `INSERT INTO pass_runs (file_id, pass, version, input_key, status, error_code, error, started_at, duration_ms)
       VALUES (@file_id, @pass, @version, @input_key, @status, @error_code, @error, @started_at, @duration_ms)`).run(r).lastInsertRowid;
  stmt(db, `DELETE FROM pass_runs WHERE file_id = ? AND pass = ? AND id < ?
       AND ((status = 'ok' AND NOT (version = ? AND input_key = ?)) OR (status <> 'ok' AND started_at < ?))`).run(r.file_id, r.pass, id, r.version, r.input_key, r.started_at - historyDays * DAY_MS);
}

/**
 * The daily part of the bound: failures older than `historyDays` that are not the latest run of
 * their (file, pass). Walks only failures (the partial index pass_runs_failures).
 */
export function pruneRunHistory(db: WritableDb, historyDays = DEFAULT_RUN_HISTORY_DAYS, now = Date.now()): number {
  return stmt(db, `DELETE FROM pass_runs WHERE status <> 'ok' AND started_at < ?
         AND EXISTS (SELECT 1 FROM pass_runs n WHERE n.file_id = pass_runs.file_id AND n.pass = pass_runs.pass AND n.id > pass_runs.id)`).run(now - historyDays * DAY_MS).changes;
}

export function resultsForFile(db: ReadableDb, fileId: number): PassResultRow[] {
  return stmt(db, 'SELECT * FROM pass_results WHERE file_id = ? ORDER BY completed_at').all(fileId) as PassResultRow[];
}

/** The error code of the latest run of this (file, pass), or null (none, or it succeeded). */
export function lastRunErrorCode(db: ReadableDb, fileId: number, pass: string): string | null {
  const r = stmt(db, 'SELECT error_code FROM pass_runs WHERE file_id = ? AND pass = ? ORDER BY id DESC LIMIT 1').get(fileId, pass) as { error_code: string | null } | undefined;
  return r?.error_code ?? null;
}

export function runsForFile(db: ReadableDb, fileId: number, limit = 50): PassRunInsert[] {
  return stmt(db, 'SELECT * FROM pass_runs WHERE file_id = ? ORDER BY id DESC LIMIT ?').all(fileId, limit) as PassRunInsert[];
}
