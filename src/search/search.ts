import path from 'node:path';
import type { ReadableDb } from '../store/db.js';
import { getImageEmbedding, getSpace, knn, latestSpaceOf, spaceSize, type BitIndexCache } from './clip-embedding.repository.js';
import { cameraLabel } from '../exiftool/camera-label.js';
import type { CameraScore } from './camera-match.js';
import { looksLikeFileName } from './file-name.js';
import { dbLexicon } from './lexicon.repository.js';
import { parseQuery, type Lexicon, type ParsedQuery, type QueryPart, type QueryPartKind } from './query-parser.js';
import { mergeTextInPhotos, textInPhotos } from './ocr-text.source.js';
import { anyFile, awayFiles, buildFilter, camerasOfFiles, eachFilter, FILTER_KEYS, filesByIds, filesByName, filteredFiles, ownWordMatches, termMatches, type FileHit, type FilterSql, type SearchFilters, type TermMatch, type TermMatcher } from './search.repository.js';
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
  /** What the library holds, for reading the query (default: looked up in `db`). */
  lexicon?: Lexicon;
  /** Take the query as words only, without reading cameras, dates, places … from it. */
  raw?: boolean;
  /** Whether a CLIP model is installed (for the label); default: `clip` was given. */
  clipInstalled?: boolean;
  /** More sources of word matches (recognised text …), after the built-in ones. */
  matchers?: readonly TermMatcher[];
  /** "last summer" is relative to this (default: now). */
  now?: number;
}

export interface SearchResult {
  fileId: number;
  path: string;
  score: number;
  /** Which ranking, filters, tags, names matched ("clip 0.31; tag dog; camera Canon"). */
  why: string;
  /** Set when the photo is away: `offline` (its drive is not plugged in) or `cloud` (evicted to iCloud). */
  away?: 'offline' | 'cloud';
}

/** Marks the results whose photo is away: found from what rawlight kept, the file itself not at hand now. */
function withAway(db: ReadableDb, results: SearchResult[]): SearchResult[] {
  const away = awayFiles(db, results.map((r) => r.fileId));
  return away.size ? results.map((r) => (away.has(r.fileId) ? { ...r, away: away.get(r.fileId)! } : r)) : results;
}

export type SearchMode = 'clip' | 'text' | 'name' | 'filter';

export interface SearchResponse {
  mode: SearchMode;
  results: SearchResult[];
  /** What the query was read as (chips on the page, `parsed` in --json). */
  parts?: QueryPart[];
  /** What ran, in words: "camera and date; words in tags, keywords, titles, captions, places, people, file and folder names — install a CLIP model to search descriptions". */
  label?: string;
  /**
   * With no results: why, in words ("nothing in the library is from 2030"; "camera NIKON D810 and
   * 2013 each find photos, but no photo is both").
   */
  empty?: string;
}

export const DEFAULT_LIMIT = 20;

/** What a one-word query shaped like a file name may be read as instead. */
const NOT_A_NAME: ReadonlySet<QueryPartKind> = new Set(['camera', 'lens', 'iso', 'focal', 'aperture']);

export { looksLikeFileName } from './file-name.js';
export type { TermMatcher } from './search.repository.js';

/** Words of how a request is put ("photos I took in …"), not of what it asks for. */
const STOPWORDS = new Set([
  'a', 'an', 'the', 'of', 'on', 'in', 'at', 'with', 'and', 'or', 'by', 'to', 'for', 'from', 'photo', 'photos', 'picture', 'pictures',
  'image', 'images', 'pic', 'pics', 'shot', 'shots', 'some', 'my', 'our', 'me', 'i', 'we', 'taken', 'took', 'was', 'were',
  'find', 'search', 'all', 'every',
]);
/**
 * "show me …", "give us …": the verb asks, it is not a subject ("dog show" still is). Anywhere in
 * the words: the parser puts the keywords it found first ("beach show me dogs on the").
 */
const ASKING = /\b(?:show|get|give)\s+(?:me|us|all|every)\b/g;

/** A query's words, lower-case, in order, stopwords still in. */
function wordsOf(q: string): string[] {
  return q.toLowerCase().normalize('NFC').replace(ASKING, ' ').match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
}

/**
 * Runs of two to four adjacent query words that start and end on a searched word, with the terms
 * they cover: a name of several words matches as a whole wherever it stands in the query ("dog in
 * New York", "photos from the United Kingdom", "statue of liberty": its stopword inside kept).
 */
export function queryPhrases(q: string): { phrase: string; terms: number[] }[] {
  const words = wordsOf(q);
  let t = 0;
  const termAt = words.map((w) => (STOPWORDS.has(w) ? -1 : t++));
  const out: { phrase: string; terms: number[] }[] = [];
  for (let i = 0; i < words.length; i++) {
    if (termAt[i]! < 0) continue;
    for (let j = i + 1; j < Math.min(words.length, i + 4); j++) {
      if (termAt[j]! < 0) continue;
      out.push({ phrase: words.slice(i, j + 1).join(' '), terms: termAt.slice(i, j + 1).filter((x) => x >= 0) });
    }
  }
  return out;
}

/** Query words (lower-case, stopwords dropped), each with the spellings it may appear as. */
export function queryTerms(q: string): string[][] {
  const kept = wordsOf(q).filter((w) => !STOPWORDS.has(w));
  return kept.map((w) => {
    const forms = new Set([w]);
    if (w.length > 3 && w.endsWith('ies')) forms.add(w.slice(0, -3) + 'y');
    else if (w.length > 3 && /(ches|shes|xes|ses)$/.test(w)) forms.add(w.slice(0, -2));
    else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) forms.add(w.slice(0, -1));
    else forms.add(/(ch|sh|x|z|s)$/.test(w) ? w + 'es' : /[^aeiou]y$/.test(w) ? w.slice(0, -1) + 'ies' : w + 's');
    return [...forms];
  });
}

const joinWhy = (parts: (string | null | undefined)[]) => parts.filter((p): p is string => !!p).join('; ');
const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Searches the library. The query is first read for structure (camera, lens, dates, exposure,
 * places, people, keywords, file names: query-parser.ts); those parts become filters, and a camera phrase
 * also ranks (the exact model first). The free words left are ranked by CLIP when a model and
 * embeddings exist, else matched against tags, keywords, titles, captions, places, people, file and folder names. With no
 * free words, the files passing the filters come back newest first. A file-name-like query
 * matches names. Results carry a score (higher is better) and a "why".
 */
export async function search(db: ReadableDb, query: string, opts: SearchOptions = {}): Promise<SearchResponse> {
  const limit = Math.max(1, opts.limit ?? DEFAULT_LIMIT);
  const q = query.trim();
  const clipInstalled = opts.clipInstalled ?? !!opts.clip;
  const read = opts.raw || !q ? null : parseQuery(q, opts.lexicon ?? dbLexicon(db), opts.now !== undefined ? { now: opts.now } : {});
  // One word shaped like a camera's file name is a name ("DSC06241"), unless it is the name of a
  // camera the library holds ("D810", "P6000", "TG-830") or a setting ("ISO3200", "f2.8").
  const fileName = looksLikeFileName(q) && !(read?.parts.length === 1 && NOT_A_NAME.has(read.parts[0]!.kind));
  const parsed: ParsedQuery = read && !fileName ? read : { parts: [], text: q, words: q };
  // CLIP ranks descriptions: place and people names found in plain words are filters then.
  // Text matching ranks them itself (a place word also finds the keyword "Tuscany trip").
  const space = opts.clip ? getSpace(db, opts.clip.id) : undefined;
  const clipRanks = !!(opts.clip && space && spaceSize(db, space) > 0);
  const filters = filtersFrom(parsed.parts, opts, clipRanks);
  const filter = buildFilter(db, filters);
  const cameraRank = cameraRanking(parsed.parts);
  const files = parsed.parts.filter((p) => p.kind === 'file').map((p) => p.value);
  // Words that only say how the request is put ("photos from 2013") leave the filters to answer.
  const said = (clipRanks ? parsed.text : parsed.words).trim();
  const text = queryTerms(said).length || !parsed.parts.some((p) => p.kind !== 'text') ? said : '';
  const filterWhy = filter.why.map((w) => (w.startsWith('camera (') && cameraRank ? cameraRank.label : w));
  const done = (mode: SearchMode, results: SearchResult[]): SearchResponse => {
    const r: SearchResponse = { mode, results: withAway(db, results), parts: parsed.parts, label: describe(mode, parsed.parts, text, clipInstalled, !!opts.clip) };
    const empty = results.length ? undefined : whyEmpty(db, filters, parsed.parts, text);
    return empty ? { ...r, empty } : r;
  };

  if (!q) {
    const rows = filteredFiles(db, filter, limit);
    return done('filter', rows.map((r) => ({ fileId: r.id, path: r.path, score: 1, why: joinWhy(filterWhy) || 'all files' })));
  }

  if (fileName || (files.length && !text)) return done('name', nameSearch(db, files[0] ?? q, filter, limit, filterWhy));

  if (!text) return done('filter', rankByCamera(db, cameraRank, filteredByCameraTier(db, filters, cameraRank, limit), filterWhy, limit));
  // Words written in the photos (ocr pass) join whichever ranking answers: `why: text "…"`. All the
  // query's words count there, place and people names included (a sign may read "Arezzo").
  const inText = textInPhotos(db, parsed.words.trim() || text, limit, filter);

  if (clipRanks && opts.clip && space) {
    const size = spaceSize(db, space);
    if (size > 0) {
      const [vec] = await opts.clip.embedTexts([text]);
      if (vec) {
        const want = limit + 10;
        const hits = knn(db, space, vec, filter.active ? limit : want, {
          size,
          ...(filter.active ? { candidateSql: filter.sql, candidateParams: filter.params } : {}),
          ...(opts.bitIndexes ? { bitIndexes: opts.bitIndexes } : {}),
        });
        const found = filesByIds(db, hits.map((h) => h.fileId));
        const tags = tagsForFiles(db, hits.map((h) => h.fileId));
        const terms = queryTerms(text).flat();
        const results: SearchResult[] = [];
        for (const h of hits) {
          const f = found.get(h.fileId);
          if (!f) continue; // gone since it was embedded
          const tagHit = tags.get(h.fileId)?.find((t) => terms.includes(t.label.toLowerCase()));
          results.push({ fileId: f.id, path: f.path, score: round(h.similarity), why: joinWhy([`clip ${round(h.similarity)}`, tagHit ? `tag ${tagHit.label}` : null, ...filterWhy]) });
        }
        // The photographer's own words (title, caption, named place) holding the query as typed
        // answer it as literally as a sign in the photo does: first, as the text hits.
        const own = ownWordMatches(db, [text.toLowerCase()], filter, limit).map((m) => ({ fileId: m.fileId, score: m.weight, why: `${m.source} ${m.value}` }));
        return done('clip', mergeTextInPhotos(db, rankByCamera(db, cameraRank, results, filterWhy, limit), [...inText, ...own], limit, filterWhy, true));
      }
    }
  }
  const matched = textSearch(db, text, filter, cameraRank ? limit * 5 : limit, filterWhy, opts.matchers ?? []);
  return done('text', mergeTextInPhotos(db, rankByCamera(db, cameraRank, matched, filterWhy, limit), inText, limit, filterWhy, false));
}

/** The parsed parts as filters, on top of the explicit ones (both apply). */
function filtersFrom(parts: readonly QueryPart[], explicit: SearchFilters, namesAsFilters: boolean): SearchFilters {
  const f: SearchFilters = {};
  for (const k of FILTER_KEYS) if (explicit[k] !== undefined) (f as Record<string, unknown>)[k] = explicit[k];
  for (const p of parts) {
    if (p.kind === 'date') {
      // An open end ("before 2010") is no bound at all.
      const from = Math.max(f.from ?? -Infinity, p.range.from);
      const to = Math.min(f.to ?? Infinity, p.range.to);
      if (Number.isFinite(from)) f.from = from;
      if (Number.isFinite(to)) f.to = to;
    } else if (p.kind === 'camera') f.cameras = p.cameras.map((c) => ({ make: c.make, model: c.model }));
    else if (p.kind === 'lens') f.lens ??= { label: p.value, names: p.lenses };
    else if (p.kind === 'iso' || p.kind === 'focal' || p.kind === 'aperture' || p.kind === 'rating') f[p.kind] ??= p.range;
    else if (p.kind === 'label') f.colourLabel ??= p.value;
    else if (p.kind === 'place' && (p.prefixed || namesAsFilters)) f.place ??= p.value;
    else if (p.kind === 'person' && (p.prefixed || namesAsFilters)) {
      // Every person named must be in the photo: "Obama and Biden" is the photos of both.
      if (f.person === undefined) f.person = p.value;
      else f.alsoPeople = [...(f.alsoPeople ?? []), p.value];
    }
  }
  return f;
}

/**
 * Why a search found nothing: each filter is tried alone (one row is enough), so the answer says
 * which one nothing in the library passes, or that each passes some photos and none all of them.
 */
function whyEmpty(db: ReadableDb, filters: SearchFilters, parts: readonly QueryPart[], text: string): string | undefined {
  // A date or a camera as the query put it ("before 2010", "camera Canon EOS 6D"), the rest as the filter says it.
  const label = (kind: QueryPartKind) => parts.find((p) => p.kind === kind)?.label;
  const tries = eachFilter(filters).map((one): [string, SearchFilters] => {
    const said = one.from !== undefined || one.to !== undefined ? label('date') : one.cameras ? label('camera') : undefined;
    return [said ?? buildFilter(db, one).why[0]!, one];
  });
  if (!tries.length) return undefined;
  // In the query's order ("D810 2013": the camera, then the year); filters given apart after them.
  const at = (l: string) => {
    const i = parts.findIndex((p) => p.label === l);
    return i < 0 ? parts.length : i;
  };
  tries.sort((a, b) => at(a[0]) - at(b[0]));
  const none = tries.filter(([, f]) => !anyFile(db, buildFilter(db, f))).map(([l]) => l);
  const list = (xs: string[], and: string) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} ${and} ${xs.at(-1)}` : xs[0]!);
  if (none.length) return `no photo in the library matches ${list(none, 'or')}`;
  const all = tries.map(([l]) => l);
  const words = text ? `“${text}”` : null;
  if (all.length === 1) return words ? `${all[0]} finds photos, but none of them matches ${words}` : undefined;
  return `${list(all, 'and')} each find photos, but none matches ${all.length === 2 ? 'both' : 'all of them'}${words ? ` with ${words}` : ''}`;
}

interface CameraRank {
  score: Map<string, CameraScore>;
  label: string;
}

const cameraKey = (make: string | null, model: string | null) => `${make ?? ''}\u0000${model ?? ''}`;

function cameraRanking(parts: readonly QueryPart[]): CameraRank | null {
  const p = parts.find((x): x is Extract<QueryPart, { kind: 'camera' }> => x.kind === 'camera');
  if (!p) return null;
  return { score: new Map(p.cameras.map((c) => [cameraKey(c.make, c.model), c])), label: p.label };
}

/** Filter-only results, the best camera tier first: each tier is its own newest-first query. */
function filteredByCameraTier(db: ReadableDb, filters: SearchFilters, rank: CameraRank | null, limit: number): SearchResult[] {
  if (!rank || !filters.cameras) {
    return filteredFiles(db, buildFilter(db, filters), limit).map((r) => ({ fileId: r.id, path: r.path, score: 1, why: '' }));
  }
  const tiers = new Map<number, CameraScore[]>();
  for (const c of rank.score.values()) tiers.set(c.score, [...(tiers.get(c.score) ?? []), c]);
  const out: SearchResult[] = [];
  for (const score of [...tiers.keys()].sort((a, b) => b - a)) {
    if (out.length >= limit) break;
    const f = buildFilter(db, { ...filters, cameras: tiers.get(score)! });
    for (const r of filteredFiles(db, f, limit - out.length)) out.push({ fileId: r.id, path: r.path, score, why: '' });
  }
  return out;
}

/**
 * Orders results by how well their camera matches the parsed camera phrase (stable: within one
 * camera score the previous order stays), and says which camera matched.
 */
function rankByCamera(db: ReadableDb, rank: CameraRank | null, results: SearchResult[], filterWhy: string[], limit: number): SearchResult[] {
  if (!rank) return results.slice(0, limit).map((r) => ({ ...r, why: r.why || joinWhy(filterWhy) }));
  const cams = camerasOfFiles(db, results.map((r) => r.fileId));
  const scored = results.map((r, i) => {
    const c = cams.get(r.fileId);
    const s = c ? rank.score.get(cameraKey(c.make, c.model)) : undefined;
    return { r, i, s, c };
  });
  scored.sort((a, b) => (b.s?.tier ?? -1) - (a.s?.tier ?? -1) || (b.s?.score ?? 0) - (a.s?.score ?? 0) || a.i - b.i);
  return scored.slice(0, limit).map(({ r, s, c }) => {
    const cam = c ? `camera ${cameraLabel(c)}${s?.exact ? ' (exact)' : s && !s.byMaker ? ' (partial)' : ''}` : null;
    const rest = (r.why || joinWhy(filterWhy)).split('; ').filter((w) => w && !w.startsWith('camera '));
    return { ...r, why: joinWhy([...rest.filter((w) => !w.startsWith('clip')), cam, ...rest.filter((w) => w.startsWith('clip'))]) };
  });
}

const KIND_WORDS: Record<string, string> = {
  camera: 'camera', lens: 'lens', date: 'date', iso: 'ISO', focal: 'focal length', aperture: 'aperture', rating: 'rating', label: 'label',
  place: 'place', person: 'person', keyword: 'keyword', file: 'file name',
};

/** What ran, in words, for the page and the CLI ("(semantic search)" only when CLIP really ranked). */
function describe(mode: SearchMode, parts: readonly QueryPart[], text: string, clipInstalled: boolean, clipLoaded: boolean): string {
  const kinds = [...new Set(parts.filter((p) => p.kind !== 'text').map((p) => KIND_WORDS[p.kind]!))];
  const filters = kinds.length ? `by ${kinds.join(', ')}` : '';
  let how = '';
  if (mode === 'clip') how = 'descriptions ranked by CLIP';
  else if (mode === 'name') how = 'file names';
  else if (mode === 'text') how = 'words in tags, keywords, titles, captions, places, people, file and folder names';
  const hint = mode === 'clip' || !text ? '' : !clipInstalled ? ' — install a CLIP model to search descriptions' : clipLoaded ? ' — CLIP descriptions once the photos are embedded' : '';
  return [filters, how].filter(Boolean).join('; ') + hint || 'all photos';
}

function nameSearch(db: ReadableDb, q: string, filter: FilterSql, limit: number, filterWhy: string[]): SearchResult[] {
  const needle = q.toLowerCase().normalize('NFC');
  const stemOf = (s: string) => s.replace(/\.[^.]+$/, '');
  const scored: { hit: FileHit; score: number }[] = [];
  for (const hit of filesByName(db, q, filter, limit)) {
    const base = path.basename(hit.path).toLowerCase().normalize('NFC');
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

function textSearch(db: ReadableDb, q: string, filter: FilterSql, limit: number, filterWhy: string[], matchers: readonly TermMatcher[]): SearchResult[] {
  const sources: TermMatcher[] = [termMatches, ...matchers];
  const matchesOf = (forms: readonly string[]) => sources.flatMap((m) => m(db, forms, filter, 5000));
  const terms = queryTerms(q);
  if (terms.length === 0) return [];
  // Per file: the best match of each term.
  const best = new Map<number, (TermMatch | undefined)[]>();
  const record = (i: number, m: TermMatch) => {
    const row = best.get(m.fileId) ?? new Array<TermMatch | undefined>(terms.length).fill(undefined);
    if (!row[i] || row[i]!.weight < m.weight) row[i] = m;
    best.set(m.fileId, row);
  };
  terms.forEach((forms, i) => {
    for (const m of matchesOf(forms)) record(i, m);
  });
  // Multi-word names ("sea turtle", "new york") also match as a whole: the query as typed
  // ("st. louis"), and each run of its words, the longest first. A run that matches somewhere is
  // one thing asked ("dog in the United States" asks two, not three): its terms score together, as
  // the run's match or, for a photo with only some of its words, their mean.
  const group = terms.map((_, i) => i);
  const named = new Map<number, Map<number, TermMatch>>(); // group leader -> file -> the run's best match
  if (terms.length > 1) {
    const typed = q.toLowerCase().replace(/\s+/g, ' ').trim();
    const runs = [{ phrase: typed, terms: terms.map((_, i) => i) }, ...queryPhrases(q).filter((r) => r.phrase !== typed).sort((a, b) => b.terms.length - a.terms.length)];
    for (const run of runs) {
      const found = matchesOf([run.phrase]);
      if (!found.length) continue;
      if (run.terms.every((i) => group[i] === i)) {
        for (const i of run.terms) group[i] = run.terms[0]!;
        const byFile = new Map<number, TermMatch>();
        for (const m of found) if (!byFile.has(m.fileId) || byFile.get(m.fileId)!.weight < m.weight) byFile.set(m.fileId, m);
        named.set(run.terms[0]!, byFile);
        for (const m of found) if (!best.has(m.fileId)) best.set(m.fileId, new Array<TermMatch | undefined>(terms.length).fill(undefined));
      } else {
        // Inside a longer name already counted: its words' matches, as before.
        for (const m of found) for (const i of run.terms) record(i, m);
      }
    }
  }
  const groups = [...new Set(group)];
  const ranked = [...best].map(([fileId, row]) => {
    const why: string[] = [];
    let score = 0;
    for (const g of groups) {
      const members = terms.map((_, i) => i).filter((i) => group[i] === g);
      const whole = named.get(g)?.get(fileId);
      const part = members.reduce((s, i) => s + (row[i]?.weight ?? 0), 0) / members.length;
      if (whole && whole.weight >= part) {
        score += whole.weight;
        why.push(`${whole.source} ${whole.value}`);
      } else {
        score += part;
        for (const i of members) if (row[i]) why.push(`${row[i]!.source} ${row[i]!.value}`);
      }
    }
    return { fileId, score: score / groups.length, why: [...new Set(why)] };
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
  return { mode: 'clip', results: withAway(db, results) };
}
