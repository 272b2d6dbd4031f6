import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { defaultMigrationsDir } from '../../src/store/db.js';
import { listMigrations, migrate } from '../../src/store/migrate.js';

/**
 * An in-memory database at the schema before `version`, built from the project's own migration
 * files (for N−1 → N tests with real rows: insert them, then migrate to the latest). `done` removes
 * the temporary migrations folder; the caller closes the database.
 */
export function dbBefore(version: number): { db: Database.Database; done: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-mig-'));
  for (const m of listMigrations(defaultMigrationsDir())) if (m.version < version) copyFileSync(path.join(defaultMigrationsDir(), m.name), path.join(dir, m.name));
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  sqliteVec.load(db);
  migrate(db, dir);
  return { db, done: () => rmSync(dir, { recursive: true, force: true }) };
}

