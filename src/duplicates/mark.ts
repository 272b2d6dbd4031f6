import { requestPass } from '../queue/queue.js';
import { tx, type WritableDb } from '../store/db.js';

/** The tag source of duplicate marks: not a machine source, so a re-run of the tags pass keeps them. */
export const DUPLICATE_TAG_SOURCE = 'duplicates';

/**
 * Marks files the user chose as the extra copies: a tag (default "duplicate", or the user's word)
 * that the normal writeback turns into a keyword under the keyword root, then asks for the
 * writeback pass. Nothing is deleted or moved; returns how many files were marked.
 */
export function markDuplicates(db: WritableDb, fileIds: readonly number[], label = 'duplicate'): number {
  let n = 0;
  tx(db, () => {
    const ins = db.prepare(`INSERT INTO tags (file_id, label, score, source, model) VALUES (?, ?, 1, ?, NULL) ON CONFLICT (file_id, label) DO NOTHING`);
    for (const id of fileIds) {
      if (!db.prepare("SELECT 1 FROM files WHERE id = ? AND state = 'present'").get(id)) continue;
      ins.run(id, label, DUPLICATE_TAG_SOURCE);
      requestPass(db, id, 'writeback');
      n++;
    }
  });
  return n;
}

/** Takes the marks off again (the next writeback removes the keyword rawlight wrote). */
export function unmarkDuplicates(db: WritableDb, fileIds: readonly number[]): number {
  let n = 0;
  tx(db, () => {
    for (const id of fileIds) {
      n += db.prepare('DELETE FROM tags WHERE file_id = ? AND source = ?').run(id, DUPLICATE_TAG_SOURCE).changes;
      requestPass(db, id, 'writeback');
    }
  });
  return n;
}
