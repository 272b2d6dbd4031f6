import type { ReadableDb, WritableDb } from '../store/db.js';

export function putImageHash(db: WritableDb, fileId: number, previewHash: string, dhash: bigint): void {
  db.prepare(
    `INSERT INTO image_hashes (file_id, preview_hash, dhash, made_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (file_id) DO UPDATE SET preview_hash = excluded.preview_hash, dhash = excluded.dhash, made_at = excluded.made_at`,
  ).run(fileId, previewHash, dhash, Date.now());
}

/** What the duplicate finder knows of one present file. */
export interface DuplicateCandidateRow {
  id: number;
  path: string;
  content_hash: string | null;
  /** File size in bytes. */
  size: number | null;
  make: string | null;
  model: string | null;
  captured_ts: number | null;
  /** Stored image size from the metadata (the camera's resolution), else the preview's. */
  width: number | null;
  height: number | null;
  preview_path: string | null;
  preview_w: number | null;
  preview_h: number | null;
  /** The hash of the file's current preview only (a stale one is ignored). */
  dhash: bigint | null;
}

/** The one scan of the library behind duplicateCandidates (its plan is pinned in a test). */
export const DUPLICATE_CANDIDATES_SQL = `SELECT f.id, f.path, f.content_hash, f.size, m.make, m.model, m.captured_ts,
              coalesce(m.width, p.width) AS width, coalesce(m.height, p.height) AS height,
              p.path AS preview_path, p.width AS preview_w, p.height AS preview_h,
              CASE WHEN h.preview_hash = p.preview_hash THEN h.dhash END AS dhash
       FROM files f
       LEFT JOIN metadata m ON m.file_id = f.id
       LEFT JOIN previews p ON p.file_id = f.id
       LEFT JOIN image_hashes h ON h.file_id = f.id
       WHERE f.state = 'present'
       ORDER BY f.id`;

/** Every present file with what grouping needs, in one pass over the library (ordered by id). */
export function duplicateCandidates(db: ReadableDb): DuplicateCandidateRow[] {
  return db
    .prepare(DUPLICATE_CANDIDATES_SQL)
    .safeIntegers(true)
    .all()
    .map((r) => {
      const o = r as Record<string, unknown>;
      const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
      return {
        id: Number(o.id),
        path: o.path as string,
        content_hash: (o.content_hash as string | null) ?? null,
        size: num(o.size),
        make: (o.make as string | null) ?? null,
        model: (o.model as string | null) ?? null,
        captured_ts: num(o.captured_ts),
        width: num(o.width),
        height: num(o.height),
        preview_path: (o.preview_path as string | null) ?? null,
        preview_w: num(o.preview_w),
        preview_h: num(o.preview_h),
        dhash: (o.dhash as bigint | null) ?? null,
      };
    });
}

/** Face boxes (fractions of the upright preview) per file, for sharpness on faces. */
export function faceBoxes(db: ReadableDb, fileIds: readonly number[]): Map<number, { x: number; y: number; w: number; h: number }[]> {
  const out = new Map<number, { x: number; y: number; w: number; h: number }[]>();
  if (!fileIds.length) return out;
  // Faces found in the file's current preview only.
  const rows = db
    .prepare(
      `SELECT fa.file_id, fa.box_x AS x, fa.box_y AS y, fa.box_w AS w, fa.box_h AS h FROM faces fa JOIN previews p ON p.file_id = fa.file_id AND p.preview_hash = fa.preview_hash
       WHERE fa.file_id IN (SELECT value FROM json_each(?)) AND fa.box_w > 0 AND fa.box_h > 0`,
    )
    .all(JSON.stringify(fileIds)) as { file_id: number; x: number; y: number; w: number; h: number }[];
  for (const r of rows) {
    const list = out.get(r.file_id) ?? [];
    list.push({ x: r.x, y: r.y, w: r.w, h: r.h });
    out.set(r.file_id, list);
  }
  return out;
}
