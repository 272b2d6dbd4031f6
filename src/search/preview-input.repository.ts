import type { ReadableDb } from '../store/db.js';

export interface PreviewInput {
  preview_hash: string;
  /** Relative to the cache folder. */
  path: string;
}

/** The upright preview the ML passes read (spine `previews` table). */
export function previewInput(db: ReadableDb, fileId: number): PreviewInput | undefined {
  return db.prepare('SELECT preview_hash, path FROM previews WHERE file_id = ?').get(fileId) as PreviewInput | undefined;
}
