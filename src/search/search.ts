import path from 'node:path';
import type { ReadableDb } from '../store/db.js';
import { getImageEmbedding, getSpace, knn, latestSpaceOf, spaceSize, type BitIndexCache } from './clip-embedding.repository.js';
import { mergeTextInPhotos, textInPhotos } from './ocr-text.source.js';
import { buildFilter, filesByIds, filesByName, filteredFiles, termMatches, type FileHit, type SearchFilters, type TermMatch } from './search.repository.js';
import { tagsForFiles } from './tag.repository.js';

export type { SearchFilters } from './search.repository.js';

/** Turns query text into a CLIP text embedding (a ClipModel fits). */
export interface ClipQueryEncoder {
  readonly id: string;
  embedTexts(texts: readonly string[]): Promise<Float32Array[]>;
}

export interface SearchOptions extends SearchFilters {
  limit?: number;
  /** The CLIP model for text→image ranking; without one (or before anything is embedded), text matching. */
  clip?: ClipQueryEncoder | null;
  /** A long-lived owner's bit indexes (daemon/API) for large libraries. */
  bitIndexes?: BitIndexCache;
}

export interface SearchResult {
  fileId: number;
  path: string;
  score: number;
  /** Which ranking, filters, tags, names matched ("clip 0.31; tag dog; camera Canon"). */
  why: string;
}

export type SearchMode = 'clip' | 'text' | 'name' | 'filter';

export interface SearchResponse {
  mode: SearchMode;
  results: SearchResult[];
}

export const DEFAULT_LIMIT = 20;

const RAW_AND_IMAGE_EXT = /\.(jpe?g|png|tiff?|heic|heif|hif|webp|gif|dng|cr2|cr3|crw|nef|nrw|arw|srf|sr2|raf|orf|rw2|pef|srw|x3f|iiq|3fr|erf|kdc|mrw|raw|rwl|gpr)$/i;
// Camera file names: DSC06241, IMG_1234, _MG_0635, DSCN0010, P1000123, GOPR8508, IMG_E4120.
const CAMERA_STEM = /^[A-Za-z_]{1,6}[_-]?[A-Za-z]?\d{3,}(?:[_-]\d+)?$/;

/** True when the query is a file name rather than words: it is then matched against names only. */
export function looksLikeFileName(q: string): boolean {
  const t = q.trim();
  if (!t || /\s/.test(t)) return false;
  return RAW_AND_IMAGE_EXT.test(t) || CAMERA_STEM.test(t);
}

const STOPWORDS = new Set(['a', 'an', 'the', 'of', 'on', 'in', 'at', 'with', 'and', 'or', 'by', 'to', 'for', 'from', 'photo', 'photos', 'picture', 'pictures', 'image', 'images', 'shot', 'some', 'my']);

/** Query words (lower-case, stopwords dropped), each with the spellings it may appear as. */
export function queryTerms(q: string): string[][] {
  const words = q.toLowerCase().normalize('NFC').match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
  const kept = words.filter((w) => !STOPWORDS.has(w));
  return kept.map((w) => {
    const forms = new Set([w]);
    if (w.length > 3 && w.endsWith('ies')) forms.add(w.slice(0, -3) + 'y');
    else if (w.length > 3 && /(ches|shes|xes|ses)$/.test(w)) forms.add(w.slice(0, -2));
    else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) forms.add(w.slice(0, -1));
    else forms.add(/(ch|sh|x|z|s)$/.test(w) ? w + 'es' : w + 's');
    return [...forms];
  });
}

const joinWhy = (parts: (string | null | undefined)[]) => parts.filter((p): p is string => !!p).join('; ');
const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Searches the library. A file-name-like query matches names; otherwise CLIP ranks images by the
 * text when a model and embeddings exist, else words are matched against tags, keywords, places,
 * people and file names. Filters always apply; with filters and no text, the newest matches come
 * back. Results carry a score (higher is better) and a "why".
 */
export async function search(db: ReadableDb, query: string, opts: SearchOptions = {}): Promise<SearchResponse> {
  const limit = Math.max(1, opts.limit ?? DEFAULT_LIMIT);
  const filter = buildFilter(db, opts);
  const q = query.trim();
  const filterWhy = filter.why;

  if (!q) {
    const rows = filteredFiles(db, filter, limit);
    return { mode: 'filter', results: rows.map((r) => ({ fileId: r.id, path: r.path, score: 1, why: joinWhy(filterWhy) || 'all files' })) };
  }

  if (looksLikeFileName(q)) return { mode: 'name', results: nameSearch(db, q, filter, limit, filterWhy) };
  // Words written in the photos (ocr pass) join whichever ranking answers: `why: text "…"`.
  const inText = textInPhotos(db, q, limit, filter);

  const space = opts.clip ? getSpace(db, opts.clip.id) : undefined;
  if (opts.clip && space) {
    const size = spaceSize(db, space);
    if (size > 0) {
      const [vec] = await opts.clip.embedTexts([q]);
      if (vec) {
        const want = limit + 10;
        const hits = knn(db, space, vec, filter.active ? limit : want, {
          size,
          ...(filter.active ? { candidateSql: filter.sql, candidateParams: filter.params } : {}),
          ...(opts.bitIndexes ? { bitIndexes: opts.bitIndexes } : {}),
        });
        const files = filesByIds(db, hits.map((h) => h.fileId));
        const tags = tagsForFiles(db, hits.map((h) => h.fileId));
        const terms = queryTerms(q).flat();
        const results: SearchResult[] = [];
        for (const h of hits) {
          const f = files.get(h.fileId);
          if (!f) continue; // gone since it was embedded
          const tagHit = tags.get(h.fileId)?.find((t) => terms.includes(t.label.toLowerCase()));
          results.push({ fileId: f.id, path: f.path, score: round(h.similarity), why: joinWhy([`clip ${round(h.similarity)}`, tagHit ? `tag ${tagHit.label}` : null, ...filterWhy]) });
          if (results.length >= limit) break;
        }
        return { mode: 'clip', results: mergeTextInPhotos(db, results, inText, limit, filterWhy, true) };
      }
    }
  }
  return { mode: 'text', results: mergeTextInPhotos(db, textSearch(db, q, filter, limit, filterWhy), inText, limit, filterWhy, false) };
}

function nameSearch(db: ReadableDb, q: string, filter: ReturnType<typeof buildFilter>, limit: number, filterWhy: string[]): SearchResult[] {
  const needle = q.toLowerCase();
  const stemOf = (s: string) => s.replace(/\.[^.]+$/, '');
  const scored: { hit: FileHit; score: number }[] = [];
  for (const hit of filesByName(db, q, filter, limit)) {
    const base = path.basename(hit.path).toLowerCase();
    let score = 0;
    if (base === needle) score = 1;
    else if (stemOf(base) === stemOf(needle)) score = 0.95;
    else if (base.startsWith(needle)) score = 0.9;
    else if (base.includes(needle)) score = 0.7;
    if (score > 0) scored.push({ hit, score });
  }
  scored.sort((a, b) => b.score - a.score || a.hit.path.localeCompare(b.hit.path));
  return scored.slice(0, limit).map(({ hit, score }) => ({ fileId: hit.id, path: hit.path, score, why: joinWhy([`name ${path.basename(hit.path)}`, ...filterWhy]) }));
}

function textSearch(db: ReadableDb, q: string, filter: ReturnType<typeof buildFilter>, limit: number, filterWhy: string[]): SearchResult[] {
  const terms = queryTerms(q);
  if (terms.length === 0) return [];
  // Multi-word phrases ("sea turtle", "new york") also match as a whole.
  const phrase = terms.length > 1 ? q.toLowerCase().replace(/\s+/g, ' ').trim() : null;
  // Per file: the best match of each term.
  const best = new Map<number, (TermMatch | undefined)[]>();
  const record = (i: number, m: TermMatch) => {
    const row = best.get(m.fileId) ?? new Array<TermMatch | undefined>(terms.length).fill(undefined);
    if (!row[i] || row[i]!.weight < m.weight) row[i] = m;
    best.set(m.fileId, row);
  };
  terms.forEach((forms, i) => {
    for (const m of termMatches(db, forms, filter)) record(i, m);
  });
  if (phrase) {
    for (const m of termMatches(db, [phrase], filter)) for (let i = 0; i < terms.length; i++) record(i, m);
  }
  const ranked = [...best].map(([fileId, row]) => {
    const score = row.reduce((s, m) => s + (m?.weight ?? 0), 0) / terms.length;
    const why = [...new Set(row.filter((m): m is TermMatch => !!m).map((m) => `${m.source} ${m.value}`))];
    return { fileId, score, why };
  });
  ranked.sort((a, b) => b.score - a.score || a.fileId - b.fileId);
  const top = ranked.slice(0, limit * 2);
  const files = filesByIds(db, top.map((r) => r.fileId));
  const out: SearchResult[] = [];
  for (const r of top) {
    const f = files.get(r.fileId);
    if (!f) continue;
    out.push({ fileId: f.id, path: f.path, score: round(r.score), why: joinWhy([...r.why, ...filterWhy]) });
    if (out.length >= limit) break;
  }
  return out;
}

export interface SimilarOptions {
  /** CLIP model whose space to use; default: the newest space the file was embedded in. */
  modelId?: string;
  bitIndexes?: BitIndexCache;
}

/** Photos whose CLIP image embedding is closest to the file's; empty when the file has none. */
export function similar(db: ReadableDb, fileId: number, limit = DEFAULT_LIMIT, opts: SimilarOptions = {}): SearchResponse {
  // The current model's space when the file is in it, else the newest space it has (mid-switch).
  const preferred = opts.modelId ? getSpace(db, opts.modelId) : undefined;
  let space = preferred;
  let v = space ? getImageEmbedding(db, space, fileId) : undefined;
  if (!v) {
    space = latestSpaceOf(db, fileId);
    v = space ? getImageEmbedding(db, space, fileId) : undefined;
  }
  if (!space || !v) return { mode: 'clip', results: [] };
  const hits = knn(db, space, v, limit + 10, opts.bitIndexes ? { bitIndexes: opts.bitIndexes } : {});
  const files = filesByIds(db, hits.map((h) => h.fileId));
  const results: SearchResult[] = [];
  for (const h of hits) {
    if (h.fileId === fileId) continue;
    const f = files.get(h.fileId);
    if (!f) continue;
    results.push({ fileId: f.id, path: f.path, score: round(h.similarity), why: `similar ${round(h.similarity)} (${space.model_id})` });
    if (results.length >= limit) break;
  }
  return { mode: 'clip', results };
}
