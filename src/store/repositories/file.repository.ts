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
 * counts took 2.4 s, 0.2 s so. Deleted files keep their rows (and results), so the list grows
 * with a library's deletions: with a third of 550K files deleted the day counts still took 0.2 s
 * (the row check: 2.0 s).
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
