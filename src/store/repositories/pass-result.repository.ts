import type { ReadableDb, WritableDb } from '../db.js';

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
  return db.prepare('SELECT * FROM pass_results WHERE file_id = ? AND pass = ?').get(fileId, pass) as PassResultRow | undefined;
}

/** True when a result (ok or final failure) exists for exactly this version and input. */
export function hasResult(db: ReadableDb, fileId: number, pass: string, version: number, inputKey: string): boolean {
  return (
    db.prepare('SELECT 1 FROM pass_results WHERE file_id = ? AND pass = ? AND version = ? AND input_key = ?').get(fileId, pass, version, inputKey) !==
    undefined
  );
}

export function saveResult(db: WritableDb, r: PassResultRow): void {
  db.prepare(
    `INSERT INTO pass_results (file_id, pass, version, input_key, status, output, error_code, error, completed_at, duration_ms)
     VALUES (@file_id, @pass, @version, @input_key, @status, @output, @error_code, @error, @completed_at, @duration_ms)
     ON CONFLICT (file_id, pass) DO UPDATE SET version = excluded.version, input_key = excluded.input_key,
       status = excluded.status, output = excluded.output, error_code = excluded.error_code, error = excluded.error,
       completed_at = excluded.completed_at, duration_ms = excluded.duration_ms`,
  ).run(r);
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

export function recordRun(db: WritableDb, r: PassRunInsert): void {
  db.prepare(
    `INSERT INTO pass_runs (file_id, pass, version, input_key, status, error_code, error, started_at, duration_ms)
     VALUES (@file_id, @pass, @version, @input_key, @status, @error_code, @error, @started_at, @duration_ms)`,
  ).run(r);
}

export function resultsForFile(db: ReadableDb, fileId: number): PassResultRow[] {
  return db.prepare('SELECT * FROM pass_results WHERE file_id = ? ORDER BY completed_at').all(fileId) as PassResultRow[];
}

export function runsForFile(db: ReadableDb, fileId: number, limit = 50): PassRunInsert[] {
  return db.prepare('SELECT * FROM pass_runs WHERE file_id = ? ORDER BY id DESC LIMIT ?').all(fileId, limit) as PassRunInsert[];
}
