import type { ReadableDb } from '../store/db.js';
import { filesByIds, type FilterSql } from './search.repository.js';
import { ocrMatches } from './ocr-text.repository.js';

/** A photo found by the words in it. */
export interface TextInPhotoHit {
  fileId: number;
  /** 1 for the exact phrase, 0.9 for every word somewhere in the photo, 0.85 for the words run together. */
  score: number;
  /** `text "…"`: the words as read in the photo. */
  why: string;
}

const quote = (s: string) => `"${s.replaceAll('"', '')}"`;

/** Query words as FTS5 sees them (letters and digits; the tokenizer folds case and accents). */
function words(q: string): string[] {
  return q.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The OCR source of `rawlight search`: photos whose text contains the query. Tiers keep a phrase
 * above scattered words: the exact phrase, then all the words anywhere in the photo's text, then
 * the words run together as one (the recogniser often drops the space in small print:
 * "EXIT ONLY" read as "EXITONLY"). Within a tier FTS5's bm25 orders.
 */
export function textInPhotos(db: ReadableDb, q: string, limit: number, filter?: Pick<FilterSql, 'holds' | 'params' | 'active'>): TextInPhotoHit[] {
  const w = words(q);
  if (!w.length) return [];
  const tiers: { query: string; score: number }[] = [{ query: quote(w.join(' ')), score: 1 }];
  if (w.length > 1) {
    tiers.push({ query: w.map(quote).join(' AND '), score: 0.9 });
    tiers.push({ query: `${quote(w.join(''))} *`, score: 0.85 });
  }
  const seen = new Set<number>();
  const out: TextInPhotoHit[] = [];
  for (const t of tiers) {
    const hits = ocrMatches(db, t.query, limit + seen.size, filter?.active ? filter.holds('ocr_fts.rowid') : undefined, filter?.active ? filter.params : []);
    for (const h of hits) {
      if (seen.has(h.fileId)) continue;
      seen.add(h.fileId);
      out.push({ fileId: h.fileId, score: t.score, why: `text "${h.snippet.replace(/\s+/g, ' ').trim()}"` });
      if (out.length >= limit) return out;
    }
  }
  return out;
}

interface Ranked {
  fileId: number;
  path: string;
  score: number;
  why: string;
}

/**
 * Merges photos found by their text into results from another source. A photo in both keeps the
 * better score and both reasons; text hits outrank the rest when `textFirst` (CLIP similarities
 * are on another scale: a photo that literally says the words is the better answer).
 */
export function mergeTextInPhotos<R extends Ranked>(db: ReadableDb, results: R[], hits: readonly TextInPhotoHit[], limit: number, extraWhy: readonly string[], textFirst: boolean): Ranked[] {
  if (!hits.length) return results;
  const byId = new Map<number, Ranked>(results.map((r) => [r.fileId, { ...r }]));
  const files = filesByIds(db, hits.filter((h) => !byId.has(h.fileId)).map((h) => h.fileId));
  const fromText = new Set<number>();
  for (const h of hits) {
    const known = byId.get(h.fileId);
    fromText.add(h.fileId);
    if (known) {
      known.score = Math.max(known.score, h.score);
      known.why = [h.why, known.why].filter(Boolean).join('; ');
      continue;
    }
    const f = files.get(h.fileId);
    if (f) byId.set(h.fileId, { fileId: h.fileId, path: f.path, score: h.score, why: [h.why, ...extraWhy].join('; ') });
  }
  const all = [...byId.values()];
  all.sort((a, b) => (textFirst ? Number(fromText.has(b.fileId)) - Number(fromText.has(a.fileId)) : 0) || b.score - a.score || a.fileId - b.fileId);
  return all.slice(0, limit);
}
