import { isDaemonError } from '../errors/index.js';
import { acquireLock, type DaemonLock } from '../lifecycle/lock.js';
import type { Places } from '../platform/places.js';

/** One process at a time may drive the queue of a home (the daemon or `index`). */
export function acquireDaemonLock(places: Places): DaemonLock {
  return acquireLock(places.dataDir);
}

/** True when another process holds the lock of this home. */
export function daemonRunning(places: Places): boolean {
  try {
    acquireLock(places.dataDir).release();
    return false;
  } catch (e) {
    if (isDaemonError(e) && e.code === 'DAEMON_ALREADY_RUNNING') return true;
    throw e;
  }
}
