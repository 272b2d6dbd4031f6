import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { DaemonError } from '../errors/index.js';
import type { Places } from '../platform/places.js';

export interface HeldLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One process at a time may drive the queue of a home (daemon or `index`). */
export function acquireDaemonLock(places: Places, what: string): HeldLock {
  mkdirSync(places.dataDir, { recursive: true });
  const file = path.join(places.dataDir, 'rawlight.lock');
  for (let i = 0; i < 2; i++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, what, since: new Date().toISOString() }));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let other: { pid?: number; what?: string } = {};
      try {
        other = JSON.parse(readFileSync(file, 'utf8')) as typeof other;
      } catch {
        /* half-written: treat as stale */
      }
      if (other.pid && other.pid !== process.pid && alive(other.pid)) {
        throw new DaemonError('DAEMON_ALREADY_RUNNING', `rawlight ${other.what ?? 'run'} (pid ${other.pid}) is already using ${places.dataDir}`);
      }
      rmSync(file, { force: true }); // stale lock from a killed process
    }
  }
  throw new DaemonError('DAEMON_ALREADY_RUNNING', `could not take the lock in ${places.dataDir}`);
}

/** True when a live process holds the lock of this home. */
export function daemonRunning(places: Places): boolean {
  try {
    const other = JSON.parse(readFileSync(path.join(places.dataDir, 'rawlight.lock'), 'utf8')) as { pid?: number };
    return other.pid !== undefined && alive(other.pid);
  } catch {
    return false;
  }
}
