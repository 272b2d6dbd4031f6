import type { ReadableDb, WritableDb } from '../db.js';
import { stmt } from '../statements.js';

/** Embedded JPEGs whose offsets ExifTool reports (its tag names), best first. */
export type LocatedTag = 'JpgFromRaw' | 'PreviewImage' | 'OtherImage' | 'ThumbnailImage';

export interface EmbeddedLocation {
  tag: LocatedTag;
  /** Byte offset in the file, as ExifTool reports it (not yet checked against the bytes). */
  start: number;
  length: number;
}

export interface ImageLocations {
  located: EmbeddedLocation[];
  /** Bytes of the largest TIFF preview (PreviewTIFF / ThumbnailTIFF), null when there is none. */
  tiffBytes: number | null;
}

/** Column prefix of each located tag in embedded_locations (migration 0130). */
const COLUMN: Record<LocatedTag, string> = { JpgFromRaw: 'jpg', PreviewImage: 'preview', OtherImage: 'other', ThumbnailImage: 'thumb' };
const TAGS = Object.keys(COLUMN) as LocatedTag[];

/** Replaces the file's recorded locations (none: the row goes, and the preview asks ExifTool). */
export function saveEmbeddedLocations(db: WritableDb, fileId: number, contentHash: string | null, loc: ImageLocations | null): void {
  if (!loc || !contentHash) {
    stmt(db, 'DELETE FROM embedded_locations WHERE file_id = ?').run(fileId);
    return;
  }
  const v: Record<string, number | string | null> = { file_id: fileId, content_hash: contentHash, tiff_bytes: loc.tiffBytes };
  for (const t of TAGS) {
    const l = loc.located.find((x) => x.tag === t);
    v[`${COLUMN[t]}_start`] = l?.start ?? null;
    v[`${COLUMN[t]}_length`] = l?.length ?? null;
  }
  stmt(
    db,
    `INSERT OR REPLACE INTO embedded_locations (file_id, content_hash, jpg_start, jpg_length, preview_start, preview_length, other_start, other_length, thumb_start, thumb_length, tiff_bytes)
     VALUES (@file_id, @content_hash, @jpg_start, @jpg_length, @preview_start, @preview_length, @other_start, @other_length, @thumb_start, @thumb_length, @tiff_bytes)`,
  ).run(v);
}

/**
 * The locations recorded for the file's content `contentHash`, in the order of the tags (best
 * first); null when none were recorded for that content (read before migration 0130, no embedded
 * JPEG with offsets, or the file has changed since).
 */
export function embeddedLocationsFor(db: ReadableDb, fileId: number, contentHash: string | null): ImageLocations | null {
  if (!contentHash) return null;
  const r = stmt(db, 'SELECT * FROM embedded_locations WHERE file_id = ?').get(fileId) as Record<string, unknown> | undefined;
  if (!r || r.content_hash !== contentHash) return null;
  const located: ImageLocations['located'] = [];
  for (const t of TAGS) {
    const start = r[`${COLUMN[t]}_start`];
    const length = r[`${COLUMN[t]}_length`];
    if (typeof start === 'number' && typeof length === 'number') located.push({ tag: t, start, length });
  }
  return located.length ? { located, tiffBytes: typeof r.tiff_bytes === 'number' ? r.tiff_bytes : null } : null;
}
