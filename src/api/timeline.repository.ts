import path from 'node:path';
import type { ReadableDb } from '../store/db.js';
import { idInLibrary, inLibrary } from '../store/repositories/file.repository.js';

/**
 * The photo browser's timeline: every photo the library holds (present, or on a drive or in iCloud
 * while away: `state` says which) by capture time, newest first, photos without
 * a capture time last. The page lays out day sections from `timelineDays` (counts only), then
 * fetches the photos of the rows it shows by position (`timelinePage`), so 100K photos cost a
 * few thousand day rows and one small page per screenful. Both walk the metadata_captured_at
 * index (ISO wall time; NULLs sort last going down), plans pinned in tests/medium/api/browse-routes.test.ts.
 */

export interface TimelineDay {
  /** "2013-11-18", or null for photos without a capture time. */
  day: string | null;
  count: number;
}

export interface TimelineItem {
  id: number;
  name: string;
  capturedAt: string | null;
  thumbnail: string | null;
  /** Why there is no preview (a RAW without a usable embedded image), when it can never be made. */
  previewError: string | null;
  /** present, offline (its drive is not plugged in) or cloud (evicted to iCloud): the page badges the last two. */
  state: string;
}

/** Photo counts per capture day (UTC wall time as stored), newest day first, undated last. */
export function timelineDays(db: ReadableDb): TimelineDay[] {
  return db
    .prepare(
      // One pass over the covering index; the library's own by the gone files' ids, no files row read.
      `SELECT substr(m.captured_at, 1, 10) AS day, count(*) AS count FROM metadata m
       WHERE ${idInLibrary('m.file_id')} GROUP BY day ORDER BY day DESC`,
    )
    .all() as TimelineDay[];
}

type Row = Parameters<typeof toTimelineItem>[0];

const COLUMNS = `SELECT f.id, f.path, f.state, m.captured_at, p.preview_hash,
  (SELECT r.error FROM pass_results r WHERE r.file_id = f.id AND r.pass = 'preview' AND r.status = 'failed') AS preview_error
  FROM metadata m CROSS JOIN files f ON f.id = m.file_id LEFT JOIN previews p ON p.file_id = f.id`;

/** Photos at positions [offset, offset + limit) of the timeline order (cost grows with offset). */
export function timelinePage(db: ReadableDb, offset: number, limit: number): TimelineItem[] {
  const rows = db.prepare(`${COLUMNS} WHERE ${inLibrary('f')} ORDER BY m.captured_at DESC, m.file_id DESC LIMIT ? OFFSET ?`).all(limit, offset) as Row[];
  return rows.map(toTimelineItem);
}

/**
 * The same order from a day on: skip `skip` photos of `day` (null: the undated ones), then go on
 * into older days and the undated ones. The page knows each day's position from the day counts,
 * so a seek into the index replaces a long OFFSET (100K photos: a few ms anywhere).
 */
export function timelineFromDay(db: ReadableDb, day: string | null, skip: number, limit: number): TimelineItem[] {
  const out: Row[] = [];
  if (day !== null) {
    out.push(...(db.prepare(`${COLUMNS} WHERE m.captured_at < ? AND ${inLibrary('f')} ORDER BY m.captured_at DESC, m.file_id DESC LIMIT ? OFFSET ?`).all(`${day}\uffff`, limit, skip) as Row[]));
  }
  if (out.length < limit) {
    const undatedSkip = day === null ? skip : 0;
    out.push(...(db.prepare(`${COLUMNS} WHERE m.captured_at IS NULL AND ${inLibrary('f')} ORDER BY m.file_id DESC LIMIT ? OFFSET ?`).all(limit - out.length, undatedSkip) as Row[]));
  }
  return out.map(toTimelineItem);
}

export function toTimelineItem(r: { id: number; path: string; state: string; captured_at: string | null; preview_hash: string | null; preview_error: string | null }): TimelineItem {
  return {
    id: r.id,
    name: path.basename(r.path),
    capturedAt: r.captured_at,
    thumbnail: r.preview_hash ? `/api/files/${r.id}/thumbnail?v=${encodeURIComponent(r.preview_hash.slice(0, 16))}` : null,
    previewError: r.preview_hash ? null : r.preview_error,
    state: r.state,
  };
}
