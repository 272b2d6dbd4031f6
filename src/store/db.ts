import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as sqliteVec from 'sqlite-vec';
import { DaemonError } from '../errors/index.js';
import { listMigrations, migrate, schemaVersion, type MigrationReport } from './migrate.js';

/** A handle that may write. Only the daemon's composition root creates one. */
export type WritableDb = Database.Database & { readonly __writable: true };
/** A handle code may only read from (CLI status/show, API GET routes). Any WritableDb is one too. */
export type ReadableDb = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
  /** Folder of NNNN-name.sql files; defaults to the project's top-level migrations/. */
  migrationsDir?: string;
  busyTimeoutMs?: number;
}

export const DB_FILE = 'rawlight.db';

/**
 * WAL pages after which a commit folds the WAL back into the database (SQLite's default: 1000).
 * That checkpoint runs inside the commit, on the daemon's thread, and costs about what was written
 * since the last one plus an fsync. At 500K photos (`npm run bench scale`, the commit lines): at
 * 1000 pages those commits held the loop 20-34 ms (30 in 4,000; the API's p99 goal is 50 ms), at
 * 250 at most 13 ms, for ~18 % more commit time in all; beside other writes to the disk (an import's
 * previews) the 1000-page ones reached 25-60 ms. A checkpoint on a worker thread's connection was
 * measured and rejected: under steady writes the WAL never restarts (it grew past 1 GB) unless the
 * writer waits for the checkpoint's fsync, which is the stall again.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 250;

/** The project's migrations folder, found relative to this module (src/ or dist/). */
export function defaultMigrationsDir(): string {
  return path.resolve(import.meta.dirname, '..', '..', 'migrations');
}

function configure(db: Database.Database, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma('foreign_keys = ON');
  // sqlite-vec: vector tables and distance functions for faces and CLIP embeddings.
  sqliteVec.load(db);
}

/**
 * Opens (creating if needed) the database in WAL mode and brings the schema up to date. A database
 * written by a newer rawlight is refused (DB_FROM_FUTURE) rather than misread.
 */
export function openDb(file: string, opts: OpenOptions = {}): { db: WritableDb; migrations: MigrationReport } {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    configure(db, opts.busyTimeoutMs ?? 5000);
    const migrations = migrate(db, opts.migrationsDir ?? defaultMigrationsDir());
    // Planner statistics for a long-lived connection (SQLite's advice: at open, with a bounded
    // analysis so a big library opens fast); the pipeline repeats it after large imports.
    db.pragma('analysis_limit = 400');
    db.pragma('optimize = 0x10002');
    return { db: db as WritableDb, migrations };
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Opens an existing database read-only (no migration). A schema older or newer than this code is
 * refused (DB_OUT_OF_DATE, DB_FROM_FUTURE): readers never guard tables at run time, they rely on
 * the schema being exactly the one the migrations make.
 */
export function openReadonlyDb(file: string, opts: OpenOptions = {}): ReadableDb {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    configure(db, opts.busyTimeoutMs ?? 5000);
    const dir = opts.migrationsDir ?? defaultMigrationsDir();
    migrate(db, dir, { checkOnly: true });
    const latest = listMigrations(dir).at(-1)?.version ?? 0;
    const version = schemaVersion(db);
    if (version < latest) {
      throw new DaemonError('DB_OUT_OF_DATE', `database schema is version ${version}, this rawlight needs ${latest}; start the daemon (rawlight run) once to upgrade it`, { details: { version, needs: latest } });
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Runs fn in an IMMEDIATE transaction (takes the write lock up front: no upgrade deadlocks). */
export function tx<T>(db: WritableDb, fn: () => T): T {
  return db.transaction(fn).immediate();
}
