import type { ReadableDb } from '../store/db.js';
import { inLibrary } from '../store/repositories/file.repository.js';
import { toTimelineItem, type TimelineItem } from './timeline.repository.js';

/**
 * A person's page: their photos (those the library holds, away or not), newest first, by position, and the cover face of each person
 * (the representative face the grouping chose, else their best-scored face).
 */
export function personPhotos(db: ReadableDb, personId: number, offset: number, limit: number): { total: number; items: TimelineItem[] } {
  // The same photos the page lists (a deleted photo's faces keep their assignment until pruned).
  const total = (
    db.prepare(`SELECT count(*) AS n FROM person_files pf JOIN files f ON f.id = pf.file_id WHERE pf.person_id = ? AND ${inLibrary('f')}`).get(personId) as { n: number }
  ).n;
  const rows = db
    .prepare(
      `SELECT f.id, f.path, f.state, m.captured_at, p.preview_hash, NULL AS preview_error
       FROM files f LEFT JOIN metadata m ON m.file_id = f.id LEFT JOIN previews p ON p.file_id = f.id
       WHERE ${inLibrary('f')} AND f.id IN (SELECT fa.file_id FROM face_person fp JOIN faces fa ON fa.id = fp.face_id WHERE fp.person_id = ?)
       ORDER BY m.captured_at DESC, f.id DESC LIMIT ? OFFSET ?`,
    )
    .all(personId, limit, offset) as Parameters<typeof toTimelineItem>[0][];
  return { total, items: rows.map(toTimelineItem) };
}

/** Cover face id per person: persons.representative_face_id when still theirs, else the best face. */
export function coverFaces(db: ReadableDb, personIds: readonly number[]): Map<number, number> {
  if (personIds.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT pe.id AS person, coalesce(
         (SELECT fp.face_id FROM face_person fp WHERE fp.person_id = pe.id AND fp.face_id = pe.representative_face_id),
         (SELECT fa.id FROM face_person fp JOIN faces fa ON fa.id = fp.face_id WHERE fp.person_id = pe.id ORDER BY fa.crop_path IS NULL, fa.score DESC, fa.id LIMIT 1)) AS face
       FROM persons pe WHERE pe.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(personIds)) as { person: number; face: number | null }[];
  return new Map(rows.filter((r) => r.face !== null).map((r) => [r.person, r.face!]));
}
