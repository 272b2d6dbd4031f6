import type { ReadableDb } from '../../src/store/db.js';

/** Runs `run` and returns every SQL statement it prepared on `db`, as the code prepares it. */
export function captured(db: ReadableDb, run: () => void): string[] {
  const seen: string[] = [];
  const prepare = db.prepare.bind(db);
  (db as { prepare: unknown }).prepare = (sql: string) => {
    seen.push(sql);
    return prepare(sql);
  };
  try {
    run();
  } finally {
    (db as { prepare: unknown }).prepare = prepare;
  }
  return seen;
}

/** EXPLAIN QUERY PLAN's details for `sql`, every positional parameter bound to 1. */
export function plan(db: ReadableDb, sql: string): string[] {
  const n = (sql.match(/\?/g) ?? []).length;
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array.from({ length: n }, () => 1)) as { detail: string }[]).map((r) => r.detail);
}
