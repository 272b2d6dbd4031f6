import { realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * The path the index knows a file or folder by: absolute, with symlinks resolved, as the libraries
 * are stored and as the walk and the watcher record what is under them. A photo named through a
 * symlink (`~/Photos` → `/Volumes/Photos`, macOS's `/tmp` → `/private/tmp`) is the same photo,
 * not a second one: `rawlight index` through a symlink used to record every photo again, under the
 * other path, and `show` found nothing. A path that is not there (a deleted photo asked about, a
 * drive not mounted) keeps its name under its nearest existing folder, resolved.
 */
export function canonicalPath(p: string): string {
  const abs = path.resolve(p);
  try {
    return realpathSync.native(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(canonicalPath(parent), path.basename(abs));
  }
}
