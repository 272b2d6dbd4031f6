import type Database from 'better-sqlite3';

/**
 * Prepared statements reused per connection: hot repository calls (a claim, a result, a run) would
 * otherwise compile their SQL on every call. Keyed by the SQL text, held as long as the connection.
 */
const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function stmt(db: Database.Database, sql: string): Database.Statement {
  let byDb = cache.get(db);
  if (!byDb) cache.set(db, (byDb = new Map()));
  let s = byDb.get(sql);
  if (!s) byDb.set(sql, (s = db.prepare(sql)));
  return s;
}
