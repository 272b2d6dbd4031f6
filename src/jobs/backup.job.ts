import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { DaemonError } from '../errors/index.js';
import type { UpkeepJob } from './upkeep-job.js';

export const BACKUP_DIR = 'backups';
const NAME_RE = /^rawlight-(\d{8})-(\d{6})\.db$/;

/** rawlight-YYYYMMDD-HHMMSS.db, in UTC (no daylight-saving repeats, so names sort by age). */
export function backupFileName(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `rawlight-${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}-${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}.db`;
}

/** Backups in the folder, newest first. */
export function listBackups(dataDir: string): string[] {
  const dir = path.join(dataDir, BACKUP_DIR);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => NAME_RE.test(n))
    .sort()
    .reverse()
    .map((n) => path.join(dir, n));
}

/** Opens a backup read-only and checks it; throws BACKUP_FAILED when it is not a sound database. */
export function verifyBackup(file: string): { tables: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw new DaemonError('BACKUP_FAILED', `${file}: quick_check says ${check}`);
    const tables = (db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number }).n;
    return { tables };
  } finally {
    db.close();
  }
}

/**
 * Online backup through SQLite's backup API (consistent while the daemon keeps writing), written
 * to a .partial file, verified, then renamed, so a file with the final name is always a complete,
 * sound database. Keeps the newest `schedule.backupsKept`.
 *
 * To restore: stop the daemon, copy the backup over rawlight.db, delete rawlight.db-wal and
 * rawlight.db-shm, start again.
 */
export const backupJob: UpkeepJob = {
  name: 'backup',
  enabled: () => true,
  async run(ctx) {
    const dir = path.join(ctx.places.dataDir, BACKUP_DIR);
    mkdirSync(dir, { recursive: true });
    for (const n of readdirSync(dir)) if (n.endsWith('.partial')) rmSync(path.join(dir, n), { force: true }); // a crashed run's leftovers
    const file = path.join(dir, backupFileName(new Date(ctx.now())));
    if (path.resolve(file) === path.resolve(ctx.dbPath)) throw new DaemonError('BACKUP_FAILED', 'the backup would overwrite the database');
    const partial = `${file}.partial`;
    const started = ctx.now();
    try {
      await ctx.db.backup(partial);
      const { tables } = verifyBackup(partial);
      renameSync(partial, file);
      const bytes = statSync(file).size;
      const keep = ctx.config.schedule.backupsKept;
      const removed: string[] = [];
      for (const old of listBackups(ctx.places.dataDir).slice(keep)) {
        rmSync(old, { force: true });
        removed.push(path.basename(old));
      }
      return { file: path.basename(file), bytes, tables, kept: Math.min(keep, listBackups(ctx.places.dataDir).length), removed, ms: ctx.now() - started };
    } catch (e) {
      rmSync(partial, { force: true });
      if (e instanceof DaemonError) throw e;
      throw new DaemonError('BACKUP_FAILED', (e as Error).message, { cause: e });
    }
  },
};
