import type { BigIntStats, Stats } from 'node:fs';
import type { ReadableDb, WritableDb } from '../store/db.js';
import { stmt } from '../store/statements.js';

export interface JournalRow {
  path: string;
  file_id: number | null;
  phase: 'writing' | 'written';
  pre_size: number | null;
  pre_mtime_ns: string | null;
  size: number | null;
  mtime_ns: string | null;
  sha256: string | null;
  started_at: number;
  finished_at: number | null;
  /** Sidecar writes: the temp file in the same folder, renamed over the sidecar when complete. */
  temp_path: string | null;
  /** Embedded writes: the copy of the original and its SHA-256, restored at start if the write never finished. */
  backup_path: string | null;
  backup_sha256: string | null;
}

/** What a write leaves behind should it be killed midway (see recover-writes.ts). */
export interface WriteLeftovers {
  tempPath?: string;
  backupPath?: string;
  backupSha256?: string;
}

/** size + mtime (ns) of a file, as the journal keeps them. */
export interface FileSig {
  size: number;
  mtimeNs: string;
}

export function sigOf(st: Stats | BigIntStats): FileSig {
  if (typeof st.size === 'bigint') {
    const b = st as BigIntStats;
    return { size: Number(b.size), mtimeNs: b.mtimeNs.toString() };
  }
  const s = st as Stats;
  return { size: s.size, mtimeNs: BigInt(Math.round(s.mtimeMs * 1e6)).toString() };
}

export function getJournal(db: ReadableDb, p: string): JournalRow | undefined {
  return stmt(db, 'SELECT * FROM xmp_journal WHERE path = ?').get(p) as JournalRow | undefined;
}

/** Before a write: the path is about to change because of rawlight. */
export function journalBegin(db: WritableDb, p: string, fileId: number | null, pre: FileSig | null, now = Date.now(), left: WriteLeftovers = {}): void {
  stmt(
    db,
    `INSERT INTO xmp_journal (path, file_id, phase, pre_size, pre_mtime_ns, size, mtime_ns, sha256, started_at, finished_at, temp_path, backup_path, backup_sha256)
     VALUES (?, ?, 'writing', ?, ?, NULL, NULL, NULL, ?, NULL, ?, ?, ?)
     ON CONFLICT (path) DO UPDATE SET file_id = excluded.file_id, phase = 'writing', pre_size = excluded.pre_size,
       pre_mtime_ns = excluded.pre_mtime_ns, size = NULL, mtime_ns = NULL, sha256 = NULL,
       started_at = excluded.started_at, finished_at = NULL, temp_path = excluded.temp_path,
       backup_path = excluded.backup_path, backup_sha256 = excluded.backup_sha256`,
  ).run(p, fileId, pre?.size ?? null, pre?.mtimeNs ?? null, now, left.tempPath ?? null, left.backupPath ?? null, left.backupSha256 ?? null);
}

/** After a write: the exact state rawlight left the file in. */
export function journalFinish(db: WritableDb, p: string, post: FileSig & { sha256: string }, now = Date.now()): void {
  stmt(db, `UPDATE xmp_journal SET phase = 'written', size = ?, mtime_ns = ?, sha256 = ?, finished_at = ?, temp_path = NULL, backup_path = NULL, backup_sha256 = NULL WHERE path = ?`).run(
    post.size,
    post.mtimeNs,
    post.sha256,
    now,
    p,
  );
}

export function journalDelete(db: WritableDb, p: string): void {
  stmt(db, 'DELETE FROM xmp_journal WHERE path = ?').run(p);
}

/** Writes still in their writing phase (killed mid-way): through their partial index, never the whole journal. */
export function listWritingJournal(db: ReadableDb): JournalRow[] {
  return db.prepare(`SELECT * FROM xmp_journal WHERE phase = 'writing' ORDER BY path`).all() as JournalRow[];
}

/** Up to `limit` entries after `afterPath` (path order) begun before `startedBefore`: a page of the journal. */
export function journalPage(db: ReadableDb, afterPath: string, startedBefore: number, limit: number): JournalRow[] {
  return stmt(db, `SELECT * FROM xmp_journal WHERE path > ? AND started_at < ? ORDER BY path LIMIT ?`).all(afterPath, startedBefore, limit) as JournalRow[];
}
