import type Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DaemonError } from '../errors/index.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationReport {
  from: number;
  to: number;
  applied: string[];
}

const FILE_RE = /^(\d{4})-([a-z0-9-]+)\.sql$/;

/** Lists NNNN-name.sql files in order; numbers must be unique (gaps are allowed, steps of ten). */
export function listMigrations(dir: string): Migration[] {
  const out: Migration[] = [];
  for (const f of readdirSync(dir).sort()) {
    const m = FILE_RE.exec(f);
    if (!m) continue;
    out.push({ version: Number(m[1]), name: f, sql: readFileSync(path.join(dir, f), 'utf8') });
  }
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.version <= out[i - 1]!.version) {
      throw new DaemonError('DB_MIGRATION_FAILED', `migration numbers must go up: ${out[i - 1]!.name} then ${out[i]!.name}`);
    }
  }
  return out;
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies pending migrations in one transaction and records user_version. A database newer than
 * the newest migration here is refused: its schema may mean things this code does not know.
 */
export function migrate(db: Database.Database, dir: string, opts: { checkOnly?: boolean } = {}): MigrationReport {
  const all = listMigrations(dir);
  const latest = all.at(-1)?.version ?? 0;
  const from = schemaVersion(db);
  if (from > latest) {
    throw new DaemonError(
      'DB_FROM_FUTURE',
      `database schema is version ${from}, this rawlight knows up to ${latest}; upgrade rawlight or restore a backup`,
    );
  }
  const pending = all.filter((m) => m.version > from);
  if (opts.checkOnly || pending.length === 0) return { from, to: from, applied: [] };
  const run = db.transaction(() => {
    for (const m of pending) {
      try {
        db.exec(m.sql);
      } catch (e) {
        throw new DaemonError('DB_MIGRATION_FAILED', `${m.name}: ${(e as Error).message}`, { cause: e });
      }
    }
    db.pragma(`user_version = ${latest}`);
  });
  run.immediate();
  return { from, to: latest, applied: pending.map((m) => m.name) };
}
