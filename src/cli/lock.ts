import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { acquireLock, LOCK_FILE, type DaemonLock, type LockRole } from '../lifecycle/lock.js';
import type { Places } from '../platform/places.js';

/** One process at a time may drive the queue of a home (the daemon or `index`). */
export function acquireDaemonLock(places: Places, role: LockRole): DaemonLock {
  return acquireLock(places.dataDir, { role });
}

/**
 * True when another process holds the lock of this home. Looks without taking it (a read of the
 * lock database fails while a holder keeps its exclusive lock), so asking changes nothing on disk.
 */
export function daemonRunning(places: Places): boolean {
  const file = path.join(places.dataDir, LOCK_FILE);
  if (!existsSync(file)) return false;
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 0 });
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return false;
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw e;
  } finally {
    db.close();
  }
}
