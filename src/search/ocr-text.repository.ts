import type { ReadableDb, WritableDb } from '../store/db.js';
import { inLibrary } from '../store/repositories/file.repository.js';
import type { Box } from '../geometry/box.js';

/** A line of text in a photo, as `show --json` gives it (`text: [{text, box, score}]`). */
export interface OcrTextRow {
  text: string;
  box: Box;
  score: number;
}

/** Replaces the file's text (lines and its full-text document) with what the ocr pass read. */
export function replaceOcrText(db: WritableDb, fileId: number, lines: readonly OcrTextRow[], model: string): void {
  db.prepare('DELETE FROM ocr_lines WHERE file_id = ?').run(fileId);
  db.prepare('DELETE FROM ocr_fts WHERE rowid = ?').run(fileId);
  if (!lines.length) return;
  const ins = db.prepare('INSERT INTO ocr_lines (file_id, seq, text, x, y, w, h, score, model) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  lines.forEach((l, i) => ins.run(fileId, i, l.text, l.box.x, l.box.y, l.box.w, l.box.h, l.score, model));
  db.prepare('INSERT INTO ocr_fts (rowid, text) VALUES (?, ?)').run(fileId, lines.map((l) => l.text).join('\n'));
}

/** The file's text lines in reading order. */
export function ocrTextForFile(db: ReadableDb, fileId: number): OcrTextRow[] {
  const rows = db.prepare('SELECT text, x, y, w, h, score FROM ocr_lines WHERE file_id = ? ORDER BY seq').all(fileId) as { text: string; x: number; y: number; w: number; h: number; score: number }[];
  return rows.map((r) => ({ text: r.text, box: { x: r.x, y: r.y, w: r.w, h: r.h }, score: r.score }));
}

export interface OcrMatch {
  fileId: number;
  /** bm25 (lower is better, as FTS5 gives it). */
  rank: number;
  /** The matching words with a little context. */
  snippet: string;
}

/**
 * Photos whose text matches an FTS5 query, best first, within a search's filters (`within`). The
 * MATCH drives the plan: the filter is checked per hit.
 */
export function ocrMatches(db: ReadableDb, ftsQuery: string, limit: number, within?: string, withinParams: readonly unknown[] = []): OcrMatch[] {
  return db.prepare(ocrMatchSql(within)).all(ftsQuery, ...withinParams, limit) as OcrMatch[];
}

/**
 * The statement behind ocrMatches (its query plan is pinned in a test). `within`: a condition on
 * ocr_fts.rowid that each hit is checked with (a search's filter, FilterSql.holds); by default "a
 * file the library holds". Per hit, by primary key: an IN over every file the filter passes (every
 * file, unfiltered) would build a temporary index of them first.
 */
export function ocrMatchSql(within?: string): string {
  const filter = `AND ${within ?? `EXISTS (SELECT 1 FROM files f WHERE f.id = ocr_fts.rowid AND ${inLibrary('f')})`}`;
  return `SELECT ocr_fts.rowid AS fileId, bm25(ocr_fts) AS rank, snippet(ocr_fts, 0, '', '', '…', 8) AS snippet
       FROM ocr_fts WHERE ocr_fts MATCH ? ${filter} ORDER BY rank LIMIT ?`;
}
