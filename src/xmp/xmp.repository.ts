import { recoveryCounts, type RecoveryCounts } from './recover-writes.js';
import type { ReadableDb, WritableDb } from '../store/db.js';
import type { FieldName } from './fields.js';
import type { RecordStatus, ValueRecord } from './plan.js';

export type TargetKind = 'sidecar' | 'embedded';
/** overwritten: another tool (Lightroom) rewrote the sidecar without rawlight's values; not fought. */
export type XmpStatus = 'ok' | 'pending' | 'failed' | 'overwritten';

export interface XmpStateRow {
  file_id: number;
  target: string;
  target_kind: TargetKind;
  status: XmpStatus;
  last_written_at: number | null;
  error_code: string | null;
  error: string | null;
  pending: string | null;
  spotlight: string | null;
  updated_at: number;
  written_metadata_date?: string | null;
}

export function getXmpState(db: ReadableDb, fileId: number): XmpStateRow | undefined {
  return db.prepare('SELECT * FROM xmp_state WHERE file_id = ?').get(fileId) as XmpStateRow | undefined;
}

export interface XmpStateUpdate {
  target: string;
  targetKind: TargetKind;
  status: XmpStatus;
  /** Set when this update follows a write that changed the target; otherwise kept. */
  writtenAt?: number;
  errorCode?: string | null;
  error?: string | null;
  pending?: string | null;
  /** Set to replace; omitted to keep. */
  spotlight?: string | null;
  /** xmp:MetadataDate as rawlight's write left it; omitted to keep. */
  writtenMetadataDate?: string | null;
}

export function upsertXmpState(db: WritableDb, fileId: number, u: XmpStateUpdate, now = Date.now()): void {
  db.prepare(
    `INSERT INTO xmp_state (file_id, target, target_kind, status, last_written_at, error_code, error, pending, spotlight, updated_at, written_metadata_date)
     VALUES (@fileId, @target, @kind, @status, @writtenAt, @errorCode, @error, @pending, @spotlight, @now, @md)
     ON CONFLICT (file_id) DO UPDATE SET
       target = excluded.target, target_kind = excluded.target_kind, status = excluded.status,
       last_written_at = coalesce(excluded.last_written_at, xmp_state.last_written_at),
       error_code = excluded.error_code, error = excluded.error, pending = excluded.pending,
       spotlight = CASE WHEN @keepSpotlight THEN xmp_state.spotlight ELSE excluded.spotlight END,
       written_metadata_date = CASE WHEN @keepMd THEN xmp_state.written_metadata_date ELSE @md END,
       updated_at = excluded.updated_at`,
  ).run({
    fileId,
    target: u.target,
    kind: u.targetKind,
    status: u.status,
    writtenAt: u.writtenAt ?? null,
    errorCode: u.errorCode ?? null,
    error: u.error ?? null,
    pending: u.pending ?? null,
    spotlight: u.spotlight ?? null,
    keepSpotlight: u.spotlight === undefined ? 1 : 0,
    keepMd: u.writtenMetadataDate === undefined ? 1 : 0,
    md: u.writtenMetadataDate ?? null,
    now,
  });
}

interface ValueRow {
  field: string;
  value: string;
  status: string;
  file_value: string | null;
}

export function loadValueRecords(db: ReadableDb, fileId: number): ValueRecord[] {
  const rows = db.prepare('SELECT field, value, status, file_value FROM xmp_values WHERE file_id = ? ORDER BY field, value').all(fileId) as ValueRow[];
  return rows.map((r) => ({ field: r.field as FieldName, value: r.value, status: r.status as RecordStatus, fileValue: r.file_value }));
}

/** Replaces the file's records with the set a plan produced (inside the caller's transaction). */
export function replaceValueRecords(db: WritableDb, fileId: number, records: readonly ValueRecord[], now = Date.now()): void {
  db.prepare('DELETE FROM xmp_values WHERE file_id = ?').run(fileId);
  const ins = db.prepare('INSERT OR REPLACE INTO xmp_values (file_id, field, value, status, file_value, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
  for (const r of records) ins.run(fileId, r.field, r.value, r.status, r.fileValue, now);
}

/** Files whose planned changes wait for `rawlight writeback` (review mode). */
export function pendingFileIds(db: ReadableDb): number[] {
  return (db.prepare(`SELECT file_id FROM xmp_state WHERE status = 'pending' ORDER BY file_id`).all() as { file_id: number }[]).map((r) => r.file_id);
}

/** Counts for `status`: files written, waiting for review, failed, and open conflicts. */
export function writebackCounts(db: ReadableDb): { ok: number; pending: number; failed: number; overwritten: number; conflicts: number; recoveries: RecoveryCounts } {
  const s = db
    .prepare(
      `SELECT coalesce(sum(status = 'ok'), 0) AS ok, coalesce(sum(status = 'pending'), 0) AS pending, coalesce(sum(status = 'failed'), 0) AS failed,
              coalesce(sum(status = 'overwritten'), 0) AS overwritten FROM xmp_state`,
    )
    .get() as { ok: number; pending: number; failed: number; overwritten: number };
  const c = db.prepare(`SELECT count(*) AS n FROM xmp_values WHERE status = 'conflict'`).get() as { n: number };
  return { ...s, conflicts: c.n, recoveries: recoveryCounts(db) };
}

/**
 * What needs the user's eye on the status page: sidecars another app overwrote, and interrupted
 * writes that could not be recovered. Index-backed counts (xmp_state_status), cheap at any size.
 */
export function writebackAttention(db: ReadableDb): { overwritten: number; unrecovered: number } {
  const o = db.prepare(`SELECT count(*) AS n FROM xmp_state WHERE status = 'overwritten'`).get() as { n: number };
  const r = db.prepare(`SELECT count(*) AS n FROM xmp_recoveries WHERE action IN ('restore-failed', 'temp-kept')`).get() as { n: number };
  return { overwritten: o.n, unrecovered: r.n };
}
