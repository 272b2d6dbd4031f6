import type { ReadableDb, WritableDb } from '../db.js';

/** Small named values in the `kv` table (JSON-encoded). */
export function getKv<T>(db: ReadableDb, key: string): T | undefined {
  const r = db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
  return r === undefined ? undefined : (JSON.parse(r.value) as T);
}

export function setKv(db: WritableDb, key: string, value: unknown): void {
  db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
}
