import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Places } from './places.js';

/**
 * rawlight's folders hold what a person would least like to leak (face crops and vectors,
 * names, GPS, the list of their folders, the API token): nobody but the user reads them.
 * Folders 0700, files 0600; the umask makes every file created from then on private.
 */
export const PRIVATE_UMASK = 0o077;
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Sets the process umask so every file and folder rawlight creates is the user's alone. */
export function applyPrivateUmask(): void {
  process.umask(PRIVATE_UMASK);
}

/** The folders rawlight owns (config, data, cache, logs), each once. */
export function privateFolders(places: Places): string[] {
  return [...new Set([places.configDir, places.dataDir, places.cacheDir, places.logsDir].map((d) => path.resolve(d)))];
}

export interface LooseMode {
  path: string;
  mode: number;
  kind: 'dir' | 'file';
}

/**
 * Anything under rawlight's folders that others may read or enter: the folders themselves and
 * the files directly in them (database, WAL, token, config, logs). Deeper entries (500K cached
 * previews) are not walked: a 0700 parent already keeps every other user out of them.
 */
export function looseModes(places: Places): LooseMode[] {
  const out: LooseMode[] = [];
  for (const dir of privateFolders(places)) {
    const st = lstatOrNull(dir);
    if (!st || !st.isDirectory()) continue;
    if ((st.mode & 0o077) !== 0) out.push({ path: dir, mode: st.mode & 0o777, kind: 'dir' });
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      const e = lstatOrNull(p);
      if (!e || e.isSymbolicLink()) continue;
      if (e.isFile() && (e.mode & 0o077) !== 0) out.push({ path: p, mode: e.mode & 0o777, kind: 'file' });
      else if (e.isDirectory() && (e.mode & 0o077) !== 0 && !privateFolders(places).includes(p)) out.push({ path: p, mode: e.mode & 0o777, kind: 'dir' });
    }
  }
  return out;
}

/**
 * Creates rawlight's folders private and tightens an existing install (made before this release
 * with 0755/0644). Returns what changed, for the log. A path it may not chmod (another owner)
 * stays as it is and `doctor` keeps reporting it.
 */
export function tightenPrivateFiles(places: Places): LooseMode[] {
  for (const dir of privateFolders(places)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const changed: LooseMode[] = [];
  for (const loose of looseModes(places)) {
    const mode = loose.kind === 'dir' ? PRIVATE_DIR_MODE : loose.mode & PRIVATE_FILE_MODE;
    try {
      chmodSync(loose.path, mode);
      changed.push(loose);
    } catch {
      // not ours to change: doctor reports it
    }
  }
  return changed;
}

function lstatOrNull(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}
