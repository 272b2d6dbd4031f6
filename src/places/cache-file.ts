import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/** How old another writer's temporary file must be to count as left by a killed process. */
const STALE_TMP_MS = 10 * 60_000;

/**
 * Writes a file of the places data into the cache folder (the town index, the towns' other names):
 * under a temporary name, synced, then renamed, so a reader never sees half of it; a write that
 * fails leaves nothing. A process killed mid-write leaves its temporary file; the next writer
 * removes those old enough not to be another writer's at work.
 */
export function writeCacheFile(dir: string, name: string, write: (fd: number) => void): void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      write(fd);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  removeStaleTemporaries(dir, name);
}

function removeStaleTemporaries(dir: string, name: string): void {
  const now = Date.now();
  for (const n of readdirSync(dir)) {
    if (!n.startsWith(`${name}.`) || !n.endsWith('.tmp')) continue;
    const p = path.join(dir, n);
    try {
      if (now - statSync(p).mtimeMs > STALE_TMP_MS) rmSync(p, { force: true });
    } catch {
      // gone already (another writer finished or cleaned up)
    }
  }
}
