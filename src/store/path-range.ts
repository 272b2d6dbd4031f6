import path from 'node:path';

/**
 * Exact, case-sensitive prefix matches on `files.path` as a half-open range, served by the unique
 * path index: `path >= lo AND path < hi`. Never LIKE: LIKE folds ASCII case (deleting `Trip/` would
 * touch `trip/`), treats `%` and `_` in names as wildcards, and cannot use the index.
 */
export interface PathRange {
  lo: string;
  hi: string;
}

/**
 * Every string that starts with `prefix`. The bound is the prefix with its last character raised
 * by one; callers end prefixes with an ASCII separator ('/', '.'), so the bound stays in ASCII and
 * orders the same in JavaScript (UTF-16) and in SQLite (UTF-8 bytes).
 */
export function prefixRange(prefix: string): PathRange {
  if (prefix === '') throw new RangeError('empty prefix');
  const last = prefix.charCodeAt(prefix.length - 1);
  return { lo: prefix, hi: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

/** Paths strictly inside folder `dir` (at any depth); `dir` itself is not included. */
export function underDir(dir: string, sep: string = path.sep): PathRange {
  const trimmed = dir.length > 1 && dir.endsWith(sep) ? dir.slice(0, -1) : dir;
  return prefixRange(trimmed.endsWith(sep) ? trimmed : trimmed + sep);
}

/** SQL for "the column is inside the range", with its two parameters. */
export function inRange(column: string, r: PathRange): { sql: string; params: [string, string] } {
  return { sql: `(${column} >= ? AND ${column} < ?)`, params: [r.lo, r.hi] };
}

/** SQL for "the column is one of these folders or a path inside one", with its parameters. */
export function atOrUnder(column: string, dirs: readonly string[]): { sql: string; params: string[] } {
  const parts = dirs.map((d) => inRange(column, underDir(d)));
  return { sql: `(${parts.map((p) => `(${column} = ? OR ${p.sql})`).join(' OR ')})`, params: dirs.flatMap((d, i) => [d, ...parts[i]!.params]) };
}

/** Whether `p` is folder `dir` or a path inside it: `atOrUnder`'s test, in JavaScript. */
export function isAtOrUnder(p: string, dir: string): boolean {
  const r = underDir(dir);
  return p === dir || (p >= r.lo && p < r.hi);
}

/** The range's two bounds, in the order `path >= ? AND path < ?` takes them. */
export function rangeParams(r: PathRange): [string, string] {
  return [r.lo, r.hi];
}
