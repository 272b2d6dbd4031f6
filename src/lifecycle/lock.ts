import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DaemonError } from '../errors/index.js';

export const LOCK_FILE = 'daemon.lock';
export const PID_FILE = 'daemon.pid';

export interface DaemonLock {
  /** The lock file (an SQLite file whose OS-level lock is the real lock). */
  readonly path: string;
  readonly pid: number;
  /** Idempotent. The OS also drops the lock if the process dies, however it dies. */
  release(): void;
}

/**
 * Every lock this process holds, kept reachable for as long as it is held. better-sqlite3 closes
 * a connection when its object is garbage-collected, which drops the OS lock: a caller that kept
 * only the returned DaemonLock's `release` (or nothing at all) would lose the lock at the next
 * major GC, which comes sooner under load, and a second daemon could then take it. The lock
 * must never depend on the caller holding a reference.
 */
const held = new Set<Database.Database>();

/** What holds a home's lock: the daemon (which serves the API), or a command running the queue itself. */
export type LockRole = 'daemon' | 'index' | 'writeback';

export interface LockOwner {
  pid: number;
  startedAt: string | null;
  /** null: written by a version from before roles were recorded (then it was a daemon or `index`). */
  role: LockRole | null;
}

const ROLES: readonly string[] = ['daemon', 'index', 'writeback'] satisfies LockRole[];

/** Who holds (or last held) the lock, from the pid file; null when unknown. */
export function readLockOwner(dataDir: string): LockOwner | null {
  try {
    const v = JSON.parse(readFileSync(path.join(dataDir, PID_FILE), 'utf8')) as { pid?: unknown; startedAt?: unknown; role?: unknown };
    if (typeof v.pid !== 'number') return null;
    return { pid: v.pid, startedAt: typeof v.startedAt === 'string' ? v.startedAt : null, role: typeof v.role === 'string' && ROLES.includes(v.role) ? (v.role as LockRole) : null };
  } catch {
    return null;
  }
}

/**
 * One daemon per home. The lock is an exclusive SQLite lock (an fcntl lock underneath) held on
 * `daemon.lock` for the life of the process: the kernel releases it when the process exits, even
 * on kill -9 or a power cut, so a stale lock is taken over without guessing whether an old pid is
 * still ours (pids are reused, notably after a reboot, when launchd starts us early again). The pid
 * lives beside it in `daemon.pid`, only to say who holds the lock.
 */
export function acquireLock(dataDir: string, opts: { pid?: number; role?: LockRole } = {}): DaemonLock {
  mkdirSync(dataDir, { recursive: true });
  const pid = opts.pid ?? process.pid;
  const file = path.join(dataDir, LOCK_FILE);
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write transaction takes the EXCLUSIVE lock; locking_mode keeps it until close.
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER, started_at TEXT); BEGIN EXCLUSIVE; DELETE FROM holder; COMMIT');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY' || (e as { code?: string }).code === 'SQLITE_LOCKED') {
      const owner = readLockOwner(dataDir);
      const what = owner?.role && owner.role !== 'daemon' ? ` (\`rawlight ${owner.role}\`: run this again when it is done)` : '';
      throw new DaemonError('DAEMON_ALREADY_RUNNING', owner ? `pid ${owner.pid}${owner.startedAt ? `, started ${owner.startedAt}` : ''}${what} (${dataDir})` : dataDir, {
        details: { pid: owner?.pid ?? null, role: owner?.role ?? null, dataDir },
      });
    }
    throw e;
  }
  const startedAt = new Date().toISOString();
  const pidFile = path.join(dataDir, PID_FILE);
  writeFileSync(pidFile, JSON.stringify({ pid, startedAt, role: opts.role ?? 'daemon' }) + '\n');
  held.add(db);
  return {
    path: file,
    pid,
    release() {
      if (!held.delete(db)) return;
      if (readLockOwner(dataDir)?.pid === pid) rmSync(pidFile, { force: true });
      db.close();
    },
  };
}
