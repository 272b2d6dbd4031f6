import type { ReadableDb, WritableDb } from '../db.js';

export type FileKind = 'raw' | 'image';
export type FileState = 'present' | 'gone' | 'cloud' | 'offline';

export interface FileRow {
  id: number;
  path: string;
  root: string;
  ext: string;
  kind: FileKind;
  dev: number | null;
  ino: number | null;
  size: number | null;
  mtime_ns: string | null;
  state: FileState;
  content_hash: string | null;
  hash_algo: string | null;
  scanned_sig: string | null;
  sidecar_path: string | null;
  sidecar_sig: string | null;
  sidecar_hash: string | null;
  first_seen_at: number;
  last_seen_at: number;
  gone_at: number | null;
}

export function getFile(db: ReadableDb, id: number): FileRow | undefined {
  return db.prepare('SELECT * FROM files WHERE id = ?').get(id) as FileRow | undefined;
}

export function getFileByPath(db: ReadableDb, p: string): FileRow | undefined {
  return db.prepare('SELECT * FROM files WHERE path = ?').get(p) as FileRow | undefined;
}

/** The file is no longer at its path (deleted, or vanished between discovery and a pass). */
export function markFileGone(db: WritableDb, id: number, now = Date.now()): void {
  db.prepare(`UPDATE files SET state = 'gone', gone_at = ? WHERE id = ?`).run(now, id);
}
