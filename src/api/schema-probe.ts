import type { ReadableDb } from '../store/db.js';

/**
 * Feature tables (faces, tags, places, persons) arrive with their own migrations; the API reads
 * them when they exist and leaves them out otherwise, so it works on any schema level.
 */
export function hasTable(db: ReadableDb, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?`).get(name) !== undefined;
}

export function hasColumn(db: ReadableDb, table: string, column: string): boolean {
  if (!/^[a-z_][a-z0-9_]*$/i.test(table)) return false;
  return (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).some((c) => c.name === column);
}
