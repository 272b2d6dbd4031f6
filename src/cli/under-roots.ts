import { rangeParams, underDir } from '../store/path-range.js';

/**
 * SQL for "the file `f` is one of these folders' photos": exact, case-sensitive ranges on the path
 * index (see store/path-range.ts), never LIKE.
 */
export function underRoots(roots: readonly string[]): { sql: string; params: string[] } {
  const parts = roots.map(() => `(f.path = ? OR (f.path >= ? AND f.path < ?))`);
  const params = roots.flatMap((r) => [r, ...rangeParams(underDir(r))]);
  return { sql: `(${parts.join(' OR ')})`, params };
}
