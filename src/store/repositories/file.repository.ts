import type { ReadableDb, WritableDb } from '../db.js';
import { prefixRange, underDir, type PathRange } from '../path-range.js';
import { stmt } from '../statements.js';

export type FileKind = 'raw' | 'image';
export type FileState = 'present' | 'gone' | 'cloud' | 'offline';

/**
 * The condition "the library holds this photo", for every read model (search, the timeline, the
 * map, people, places): present, or kept while it is away — on a drive that is not plugged in
 * (`offline`) or evicted to iCloud by "Optimize Mac Storage" (`cloud`). Lightroom shows such a
 * photo badged ("missing") rather than dropping it, and rawlight keeps its results and preview;
 * only the passes, which read its bytes, wait for it. `alias` is the query's name for `files`.
 */
export function inLibrary(alias: string): string {
  return `${alias}.state <> 'gone'`;
}

/**
 * The same condition for a file id alone (`id`: an id column of a table whose rows always have
 * their files row, as metadata's do by foreign key), for reads over the whole library: the gone
 * files' ids listed once through their state index, never each file's row. Checking 550K files
 * rows for their state spilled SQLite's page cache and read them from disk: the timeline's day
 * counts took 2.4 s, 0.2 s so. Deleted files keep their rows (and results) for
 * `schedule.deletedKeptDays` (forgetDeletedFile), so the list grows with a month's deletions: with
 * a third of 550K files deleted the day counts still took 0.2 s (the row check: 2.0 s).
 */
export function idInLibrary(id: string): string {
  return `${id} NOT IN (SELECT gone.id FROM files gone WHERE gone.state = 'gone')`;
}

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
  return stmt(db, 'SELECT * FROM files WHERE id = ?').get(id) as FileRow | undefined; // per job: compiled once
}

export function getFileByPath(db: ReadableDb, p: string): FileRow | undefined {
  return stmt(db, 'SELECT * FROM files WHERE path = ?').get(p) as FileRow | undefined;
}

/** The file is no longer at its path (deleted, or vanished between discovery and a pass). */
export function markFileGone(db: WritableDb, id: number, now = Date.now()): void {
  stmt(db, `UPDATE files SET state = 'gone', gone_at = ? WHERE id = ?`).run(now, id);
}

/**
 * Up to `limit` photos deleted before `goneBefore`, by id after `after` (through the state index).
 * The newest row is never among them: SQLite gives a new row the largest id + 1, and a new photo
 * must not take the id of one forgotten (the undo history and an open page know photos by id).
 */
export function deletedBefore(db: ReadableDb, goneBefore: number, after: number, limit: number): number[] {
  return stmt(db, `SELECT id FROM files WHERE state = 'gone' AND id > ? AND gone_at < ? AND id < (SELECT max(id) FROM files) ORDER BY id LIMIT ?`)
    .pluck()
    .all(after, goneBefore, limit) as number[];
}

/**
 * Forgets a photo deleted before `goneBefore`: its row and everything hanging off it (metadata,
 * previews, faces and their vectors, tags, text, places, results, runs: the schema's cascades and
 * triggers, which keep every count) and what the people feature remembered of its faces. Until then
 * a deleted photo keeps all of it, so one put back from the Trash or moved back in is found again as
 * it was. Checked again here, in the caller's transaction: a photo found again since it was listed
 * is kept. Returns whether it was forgotten; its cache files are left to the prune.
 */
export function forgetDeletedFile(db: WritableDb, id: number, goneBefore: number): boolean {
  if (stmt(db, `DELETE FROM files WHERE id = ? AND state = 'gone' AND gone_at < ?`).run(id, goneBefore).changes === 0) return false;
  // face_memory has no foreign key: it outlives a photo's faces (replaced on a re-detection) on purpose.
  stmt(db, `DELETE FROM face_memory WHERE file_id = ?`).run(id);
  return true;
}

/** The file's drive is away (a pass found it vanished with its library folder): kept, offline. */
export function markFileOffline(db: WritableDb, id: number): void {
  stmt(db, `UPDATE files SET state = 'offline' WHERE id = ? AND state = 'present'`).run(id);
}

/**
 * The roots the index holds files under (the libraries it was given, whatever the config says now:
 * a daemon run with `--library`): a skip-scan, one seek of the root index per root, not a read of
 * every file.
 */
export function indexedRoots(db: ReadableDb): string[] {
  return db
    .prepare(`WITH RECURSIVE r(root) AS (SELECT min(root) FROM files UNION ALL SELECT (SELECT min(root) FROM files WHERE root > r.root) FROM r WHERE r.root IS NOT NULL)
              SELECT root FROM r WHERE root IS NOT NULL`)
    .pluck()
    .all() as string[];
}

/** Present files inside folder `dir`, at any depth: an exact, case-sensitive range on the path index. */
export function presentPathsUnder(db: ReadableDb, dir: string): string[] {
  return presentPathsIn(db, underDir(dir));
}

/**
 * Present files inside folder `dir`, a page at a time in path order after `afterPath` (keyset: each
 * page one range read of the path index, however big the folder).
 */
export function presentIdsUnder(db: ReadableDb, dir: string, afterPath: string, limit: number): { id: number; path: string }[] {
  const r = underDir(dir);
  // One lower bound, so the page starts where the last ended (with two, SQLite seeks the folder's
  // start and walks every earlier page again). `r.lo` ends in the separator: no file's path.
  const from = afterPath > r.lo ? afterPath : r.lo;
  return db.prepare(`SELECT id, path FROM files WHERE path > ? AND path < ? AND +state = 'present' ORDER BY path LIMIT ?`).all(from, r.hi, limit) as { id: number; path: string }[];
}

/** Present files whose path starts with `prefix` (say a sidecar's stem plus '.'). */
export function presentPathsWithPrefix(db: ReadableDb, prefix: string): string[] {
  return presentPathsIn(db, prefixRange(prefix));
}

function presentPathsIn(db: ReadableDb, r: PathRange): string[] {
  // `+state`: the state index must not win over the path range (most files are present).
  return db.prepare(`SELECT path FROM files WHERE path >= ? AND path < ? AND +state = 'present'`).pluck().all(r.lo, r.hi) as string[];
}
