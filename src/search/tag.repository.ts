import type { ReadableDb, WritableDb } from '../store/db.js';

export type TagSource = 'clip' | 'classifier' | (string & {});

export interface TagRow {
  label: string;
  score: number;
  source: TagSource;
}

/** Sources written by the tags pass: each run replaces all of them (a model switch leaves no stale tags). */
export const MACHINE_TAG_SOURCES: readonly string[] = ['clip', 'classifier'];

/**
 * Replaces the file's machine tags with `tags`. Labels already held by another source (e.g. a
 * user's tag) are left as they are.
 */
export function replaceMachineTags(db: WritableDb, fileId: number, tags: readonly { label: string; score: number }[], source: TagSource, model: string | null): void {
  const marks = MACHINE_TAG_SOURCES.map(() => '?').join(',');
  db.prepare(`DELETE FROM tags WHERE file_id = ? AND source IN (${marks})`).run(fileId, ...MACHINE_TAG_SOURCES);
  const ins = db.prepare('INSERT INTO tags (file_id, label, score, source, model) VALUES (?, ?, ?, ?, ?) ON CONFLICT (file_id, label) DO NOTHING');
  for (const t of tags) ins.run(fileId, t.label, t.score, source, model);
}

/** Tags of one file, best first (for `show --json` and the API). */
export function tagsForFile(db: ReadableDb, fileId: number): TagRow[] {
  return db.prepare('SELECT label, score, source FROM tags WHERE file_id = ? ORDER BY score DESC, label').all(fileId) as TagRow[];
}

/** Tags of several files at once (search results' "why"). */
export function tagsForFiles(db: ReadableDb, fileIds: readonly number[]): Map<number, TagRow[]> {
  const out = new Map<number, TagRow[]>();
  if (fileIds.length === 0) return out;
  const rows = db
    .prepare('SELECT file_id, label, score, source FROM tags WHERE file_id IN (SELECT value FROM json_each(?)) ORDER BY score DESC')
    .all(JSON.stringify(fileIds)) as (TagRow & { file_id: number })[];
  for (const r of rows) {
    const list = out.get(r.file_id) ?? [];
    list.push({ label: r.label, score: r.score, source: r.source });
    out.set(r.file_id, list);
  }
  return out;
}
