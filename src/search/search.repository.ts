import { cameraLabel } from '../exiftool/camera-label.js';
import { isAtOrUnder, rangeParams, underDir } from '../store/path-range.js';
import type { ReadableDb } from '../store/db.js';
import { inLibrary } from '../store/repositories/file.repository.js';
import { EXPOSURE_COLUMN, exposureLabel, storedBounds, type ExposureKind, type NumRange } from './exposure-words.js';
import { ratingLabel } from './rating-words.js';

/** Filters every search can combine (all optional; AND-ed). */
export interface SearchFilters {
  /** captured_ts range, epoch ms: from inclusive, to exclusive. */
  from?: number;
  to?: number;
  /** Substring of "make model", case-insensitive. */
  camera?: string;
  /** A person's name (people tables, or names read from the file's metadata). */
  person?: string;
  /** More people who must all be in the photo too ("Obama and Biden"). */
  alsoPeople?: readonly string[];
  /** A tag label or a keyword in the file's metadata. */
  tag?: string;
  /** City, region, country or country code. */
  place?: string;
  /** Absolute folder; matches files under it. */
  folder?: string;
  /** The lenses a word named ("70-200mm": label), resolved against the library's lens names. */
  lens?: { label: string; names: readonly string[] };
  /** Exactly these (make, model) pairs: a parsed camera phrase resolved against the library. */
  cameras?: readonly { make: string | null; model: string | null }[];
  /** ISO speed, focal length (mm, as recorded, not 35 mm equivalent) and f-number the photo was taken at. */
  iso?: NumRange;
  focal?: NumRange;
  aperture?: NumRange;
  /** Star rating (xmp:Rating 1–5) the user gave in Lightroom, Bridge, Capture One, darktable. */
  rating?: NumRange;
  /** Colour label as stored (xmp:Label "Red"), any case. */
  colourLabel?: string;
}

/**
 * The filters that are a range of one metadata column, each by its own index (0170): the exposure
 * (with the slack a camera's rounding needs, exposure-words.ts) and the star rating.
 */
const RANGE_FILTERS: readonly { key: ExposureKind | 'rating'; column: string; bounds: (r: NumRange) => [number, number]; label: (r: NumRange) => string }[] = [
  ...(['iso', 'focal', 'aperture'] as const).map((k) => ({ key: k, column: EXPOSURE_COLUMN[k], bounds: (r: NumRange) => storedBounds(k, r), label: (r: NumRange) => exposureLabel(k, r) })),
  { key: 'rating', column: 'rating', bounds: (r) => [r.min, r.max], label: ratingLabel },
];

/** Every filter's key: what a caller's options hold of SearchFilters (the compiler keeps it whole). */
export const FILTER_KEYS = ['from', 'to', 'camera', 'person', 'alsoPeople', 'tag', 'place', 'folder', 'lens', 'cameras', 'iso', 'focal', 'aperture', 'rating', 'colourLabel'] as const;
type Unlisted = Exclude<keyof SearchFilters, (typeof FILTER_KEYS)[number]>;
const everyKeyListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyKeyListed;

/** The people a filter names, each once (any case). */
const peopleOf = (f: SearchFilters) => [...new Map([f.person, ...(f.alsoPeople ?? [])].filter((n): n is string => !!n).map((n) => [n.toLowerCase(), n])).values()];

/**
 * Each active filter alone (a date range as one; each person as one), in buildFilter's order:
 * what "no matches" tries one by one to say which filter nothing passes.
 */
export function eachFilter(f: SearchFilters): SearchFilters[] {
  const out: SearchFilters[] = [];
  if (f.from !== undefined || f.to !== undefined) out.push({ ...(f.from !== undefined ? { from: f.from } : {}), ...(f.to !== undefined ? { to: f.to } : {}) });
  if (f.camera) out.push({ camera: f.camera });
  if (f.cameras) out.push({ cameras: f.cameras });
  if (f.lens) out.push({ lens: f.lens });
  for (const { key } of RANGE_FILTERS) if (f[key]) out.push({ [key]: f[key] });
  if (f.colourLabel) out.push({ colourLabel: f.colourLabel });
  if (f.tag) out.push({ tag: f.tag });
  if (f.place) out.push({ place: f.place });
  for (const name of peopleOf(f)) out.push({ person: name });
  if (f.folder) out.push({ folder: f.folder });
  return out;
}

export interface FilterSql {
  /** SELECT returning the ids of the files the library holds (inLibrary) that pass every filter. */
  sql: string;
  /**
   * The same test for one file id (`col`, an outer column; same params): what a lookup that finds
   * few rows checks them with, by primary key, rather than listing every file the filter passes
   * ("dog 2019" listed every photo of 2019 once per word looked up: 170 ms at 100K photos).
   */
  holds(col: string): string;
  params: unknown[];
  /** Human words for each active filter (results' "why"). */
  why: string[];
  active: boolean;
}

/** The typed place's columns (0210), each with its NOCASE index (0220). */
const NAMED_PLACE_COLUMNS = ['place_location', 'place_city', 'place_state', 'place_country'] as const;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function personClause(): { sql: (id: string) => string; n: number } {
  // Driven from the name's index (persons_name, metadata_terms), never from every file: a person is
  // a named face (person_files, kept by triggers) or a name in the file's own XMP.
  return {
    sql: (id) => `${id} IN (SELECT pf.file_id FROM persons pe JOIN person_files pf ON pf.person_id = pe.id WHERE pe.name = ? COLLATE NOCASE AND pe.ignored = 0
      UNION SELECT file_id FROM metadata_terms WHERE kind = 'person' AND value = ?)`,
    n: 2,
  };
}

/** Builds the filter SELECT. Without filters it selects every file the library holds (present or away). */
export function buildFilter(_db: ReadableDb, f: SearchFilters): FilterSql {
  // Clauses on the file's id alone, written for any id expression, and those reading the files row
  // (`f`). holds() checks the first kind before it reads the files row: a date or camera that most
  // hits fail then costs one lookup each, not two — alternating between the files and metadata
  // tables, a few thousand hits spilled SQLite's page cache and read every page again (17 ms a word
  // at 100K photos instead of 3). Params follow the clauses' order; only the folder's come last.
  // `one`: the clause checks one given id (holds) rather than selecting the ids that pass (sql).
  const where: ((id: string, one: boolean) => string)[] = [];
  const onRow: string[] = [inLibrary('f')];
  const params: unknown[] = [];
  const why: string[] = [];
  if (f.from !== undefined || f.to !== undefined) {
    // Checking one id: its metadata row by primary key. Selecting: the range of the capture-time
    // index (a year of 500K photos is its 20K entries, where EXISTS walked every file).
    where.push((id, one) =>
      one
        ? `EXISTS (SELECT 1 FROM metadata m WHERE m.file_id = ${id} AND m.captured_ts >= ? AND m.captured_ts < ?)`
        : `${id} IN (SELECT m.file_id FROM metadata m WHERE m.captured_ts >= ? AND m.captured_ts < ?)`,
    );
    params.push(f.from ?? Number.MIN_SAFE_INTEGER, f.to ?? Number.MAX_SAFE_INTEGER);
    why.push(`date ${f.from !== undefined ? new Date(f.from).toISOString().slice(0, 10) : '…'}–${f.to !== undefined ? new Date(f.to - 1).toISOString().slice(0, 10) : '…'}`);
  }
  if (f.camera) {
    where.push((id) => `EXISTS (SELECT 1 FROM metadata m WHERE m.file_id = ${id} AND (coalesce(m.make, '') || ' ' || coalesce(m.model, '')) LIKE ? ESCAPE '\\')`);
    params.push(`%${likeEscape(f.camera)}%`);
    why.push(`camera ${f.camera}`);
  }
  if (f.cameras) {
    // Driven by the metadata_camera index: one (make, model) seek per camera, then files by id.
    const pairs = f.cameras.map((c) => [c.make, c.model]);
    where.push((id) => `${id} IN (SELECT m.file_id FROM json_each(?) j CROSS JOIN metadata m ON m.make IS j.value ->> 0 AND m.model IS j.value ->> 1)`);
    params.push(JSON.stringify(pairs));
    why.push(`camera ${f.cameras.length === 1 ? cameraLabel(f.cameras[0]!) : `(${f.cameras.length} models)`}`);
  }
  if (f.lens) {
    // Driven by the metadata_lens index: one seek per lens name, then files by id.
    where.push((id) => `${id} IN (SELECT m.file_id FROM json_each(?) j CROSS JOIN metadata m ON m.lens = j.value)`);
    params.push(JSON.stringify(f.lens.names));
    why.push(`lens ${f.lens.label}`);
  }
  for (const { key, column, bounds, label } of RANGE_FILTERS) {
    const r = f[key];
    if (!r) continue;
    // Driven by the column's index: the range, then files by id.
    where.push((id) => `${id} IN (SELECT m.file_id FROM metadata m WHERE m.${column} IS NOT NULL AND m.${column} BETWEEN ? AND ?)`);
    params.push(...bounds(r));
    why.push(label(r));
  }
  if (f.colourLabel) {
    // One label by its index; darktable's several ("Red, Blue") through the few rows that hold a list.
    where.push((id) => `${id} IN (SELECT m.file_id FROM metadata m WHERE m.label = ? COLLATE NOCASE
      UNION SELECT m.file_id FROM metadata m WHERE m.label LIKE '%, %' AND (', ' || m.label || ',') LIKE ? ESCAPE '\\')`);
    params.push(f.colourLabel, `%, ${likeEscape(f.colourLabel)},%`);
    why.push(`${f.colourLabel} label`);
  }
  if (f.tag) {
    // Looked up through tags_label and metadata_terms: the tag's files, never every file's tags.
    where.push((id) => `${id} IN (SELECT t.file_id FROM tags t WHERE t.label = ? COLLATE NOCASE
      UNION SELECT file_id FROM metadata_terms WHERE kind = 'keyword' AND value = ?)`);
    params.push(f.tag, f.tag);
    why.push(`tag ${f.tag}`);
  }
  if (f.place) {
    where.push(
      // Where GPS put the photo (places, 0036) or the photographer said it was (metadata's typed
      // place, 0210): each by its NOCASE index (0036, 0220).
      (id) => `${id} IN (SELECT file_id FROM places WHERE city = ? COLLATE NOCASE UNION SELECT file_id FROM places WHERE region = ? COLLATE NOCASE
        UNION SELECT file_id FROM places WHERE country = ? COLLATE NOCASE UNION SELECT file_id FROM places WHERE country_code = ? COLLATE NOCASE
        UNION ${NAMED_PLACE_COLUMNS.map((c) => `SELECT file_id FROM metadata WHERE ${c} = ? COLLATE NOCASE`).join(' UNION ')})`,
    );
    params.push(f.place, f.place, f.place, f.place, ...NAMED_PLACE_COLUMNS.map(() => f.place));
    why.push(`place ${f.place}`);
  }
  for (const name of peopleOf(f)) {
    const c = personClause();
    where.push(c.sql);
    for (let i = 0; i < c.n; i++) params.push(name);
    why.push(`person ${name}`);
  }
  if (f.folder) {
    const dir = f.folder.replace(/\/+$/, '');
    // An exact, case-sensitive range on the path index: `Trip/` never matches `trip/`.
    onRow.push('(f.path >= ? AND f.path < ?)');
    params.push(...rangeParams(underDir(dir, '/')));
    why.push(`folder ${dir}`);
  }
  const row = onRow.join(' AND ');
  return {
    sql: `SELECT f.id FROM files f WHERE ${[...where.map((c) => c('f.id', false)), row].join(' AND ')}`,
    // `+col`: the outer row's id is only checked, never a constraint a clause's IN list could drive
    // (an FTS table then runs its MATCH once per listed id: seconds).
    holds: (col) => [...where.map((c) => c(col.startsWith('+') ? col : `+${col}`, true)), `EXISTS (SELECT 1 FROM files f WHERE f.id = ${col} AND ${row})`].join(' AND '),
    params,
    why,
    active: why.length > 0,
  };
}

export interface FileHit {
  id: number;
  path: string;
  captured_ts: number | null;
}

/** Which of `ids` the library holds while they are away (their drive unplugged, or evicted to iCloud). */
export function awayFiles(db: ReadableDb, ids: readonly number[]): Map<number, 'offline' | 'cloud'> {
  if (ids.length === 0) return new Map();
  const rows = db
    .prepare(`SELECT id, state FROM files WHERE id IN (SELECT value FROM json_each(?)) AND state IN ('offline', 'cloud')`)
    .all(JSON.stringify(ids)) as { id: number; state: 'offline' | 'cloud' }[];
  return new Map(rows.map((r) => [r.id, r.state]));
}

/** The files the library holds among `ids`, with path and capture time. */
export function filesByIds(db: ReadableDb, ids: readonly number[]): Map<number, FileHit> {
  if (ids.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT f.id, f.path, m.captured_ts FROM files f LEFT JOIN metadata m ON m.file_id = f.id
       WHERE f.id IN (SELECT value FROM json_each(?)) AND ${inLibrary('f')}`,
    )
    .all(JSON.stringify(ids)) as FileHit[];
  return new Map(rows.map((r) => [r.id, r]));
}

/** Make and model of each file (for ranking by a parsed camera phrase). */
export function camerasOfFiles(db: ReadableDb, ids: readonly number[]): Map<number, { make: string | null; model: string | null }> {
  if (ids.length === 0) return new Map();
  const rows = db
    .prepare(`SELECT m.file_id AS id, m.make, m.model FROM metadata m WHERE m.file_id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(ids)) as { id: number; make: string | null; model: string | null }[];
  return new Map(rows.map((r) => [r.id, { make: r.make, model: r.model }]));
}

/** Files passing the filter, newest first (a query with filters but no text). */
export function filteredFiles(db: ReadableDb, filter: FilterSql, limit: number): FileHit[] {
  return db
    .prepare(
      `SELECT f.id, f.path, m.captured_ts FROM files f LEFT JOIN metadata m ON m.file_id = f.id
       WHERE f.id IN (${filter.sql}) ORDER BY m.captured_ts DESC NULLS LAST, f.path LIMIT ?`,
    )
    .all(...filter.params, limit) as FileHit[];
}

/** Whether any file passes the filter (stops at the first). */
export function anyFile(db: ReadableDb, filter: FilterSql): boolean {
  return db.prepare(`SELECT 1 FROM (${filter.sql}) LIMIT 1`).get(...filter.params) !== undefined;
}

/** An FTS5 phrase: the text as one quoted string, so no character of it is query syntax. */
const ftsPhrase = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * The forms a typed word takes in stored names: as typed (composed, NFC) and decomposed (NFD), as
 * HFS+ drives and older macOS versions store names ("Mu\u0308ller" for "Müller"); one form when
 * they are the same.
 */
export function nameForms(s: string): string[] {
  const nfc = s.normalize('NFC');
  const nfd = s.normalize('NFD');
  return nfc === nfd ? [nfc] : [nfc, nfd];
}

/**
 * Files whose name (the last path component) contains `needle`, case-insensitive, in whichever
 * Unicode form the name is stored (nameForms), restricted to the filter. From 3 characters on,
 * the trigram index of file_names (0120) answers the substring (CROSS JOIN: the index drives,
 * files are read by id). A shorter needle cannot be cut into trigrams: it reads the names table
 * (one short name per file), never the paths.
 */
export function filesByName(db: ReadableDb, needle: string, filter: FilterSql, limit: number): FileHit[] {
  const short = [...needle.normalize('NFC')].length < 3;
  const forms = nameForms(needle);
  // Unfiltered, "within the filter" is the joined row's own state; filtered, each name's file checked
  // by primary key (by n.rowid: the filter's own `f` is not this one), never a list of every id it passes.
  const within = filter.active || filter.params.length ? filter.holds('n.rowid') : inLibrary('f');
  return db
    .prepare(
      `SELECT f.id, f.path, m.captured_ts FROM file_names n CROSS JOIN files f ON f.id = n.rowid LEFT JOIN metadata m ON m.file_id = f.id
       WHERE ${short ? `(${forms.map(() => `n.name LIKE ? ESCAPE '\\'`).join(' OR ')})` : 'file_names MATCH ?'} AND ${within} LIMIT ?`,
    )
    .all(...(short ? forms.map((x) => `%${likeEscape(x)}%`) : [forms.map(ftsPhrase).join(' OR ')]), ...filter.params, limit * 20) as FileHit[];
}

/** Where a word matched; other sources (OCR text …) add their own names through a TermMatcher. */
export type TermSource = 'tag' | 'keyword' | 'place' | 'person' | 'name' | 'folder' | (string & {});

/**
 * One source of word matches for text search. `termMatches` is the built-in set; a feature adds
 * its own (recognised text, captions) by passing more matchers to search().
 */
export type TermMatcher = (db: ReadableDb, forms: readonly string[], filter: FilterSql, cap: number) => TermMatch[];

export interface TermMatch {
  fileId: number;
  source: TermSource;
  /** What matched (the tag label, the place name …). */
  value: string;
  weight: number;
}

/**
 * The distinct labels (or keywords) that hold one of the forms (a JSON array, one parameter) as
 * whole words: looked up in term_words by the form's first word, then checked as a phrase.
 * CROSS JOIN keeps the forms outside (else the planner walks every word of the kind).
 */
const WORD_HOLDERS = (kind: 'tag' | 'keyword') =>
  `SELECT DISTINCT tw.value FROM json_each(?) w CROSS JOIN term_words tw
     ON tw.kind = '${kind}' AND tw.word = substr(w.value, 1, instr(w.value || ' ', ' ') - 1)
   WHERE ' ' || lower(tw.value) || ' ' LIKE '% ' || w.value || ' %'`;

/**
 * Files matching one search term (already lower-cased; `forms` are its spellings, e.g. singular
 * and plural) by tag, keyword, place, person or file name, within the filter.
 */
export function termMatches(db: ReadableDb, forms: readonly string[], filter: FilterSql, cap = 5000): TermMatch[] {
  const out: TermMatch[] = [];
  const formsJson = JSON.stringify(forms);
  // "Within the filter" is checked per matched row by primary key (without filters: "a file the
  // library holds"), never built into a list of every id the filter passes for each matcher (O(files) each,
  // 6 s at 500K unfiltered).
  const within = (col: string) => filter.holds(col);
  // The labels holding a form as a whole word come from term_words (0100) by the form's first word;
  // only those labels' rows are read, through tags_label (`+t.file_id`: the filter, which without
  // filters is every file held, must not drive). A whole label is such a word sequence too.
  const tagRows = db
    .prepare(
      `SELECT t.file_id AS fileId, t.label AS value, t.score AS score
       FROM (${WORD_HOLDERS('tag')}) h CROSS JOIN tags t ON t.label = h.value COLLATE NOCASE
       WHERE ${within('+t.file_id')} LIMIT ${cap}`,
    )
    .all(formsJson, ...filter.params) as { fileId: number; value: string; score: number }[];
  for (const r of tagRows) {
    const exact = forms.includes(r.value.toLowerCase());
    out.push({ fileId: r.fileId, source: 'tag', value: r.value, weight: (exact ? 1 : 0.8) * Math.max(0.5, Math.min(1, r.score * 2)) });
  }
  const kwRows = db
    .prepare(
      // metadata_terms (trigger-kept, 0063) rather than parsing every file's keyword JSON.
      `SELECT k.file_id AS fileId, k.value AS value
       FROM (${WORD_HOLDERS('keyword')}) h CROSS JOIN metadata_terms k ON k.kind = 'keyword' AND k.value = h.value
       WHERE ${within('+k.file_id')} LIMIT ${cap}`,
    )
    .all(formsJson, ...filter.params) as { fileId: number; value: string }[];
  for (const r of kwRows) out.push({ fileId: r.fileId, source: 'keyword', value: r.value, weight: forms.includes(r.value.toLowerCase()) ? 0.95 : 0.8 });
  {
    // One NOCASE index seek per column and form (places_city, _region, _country, _country_code):
    // never lower(column), which reads every place row (`+p.file_id`: the filter must not drive).
    const byPlace = (col: string) =>
      `SELECT +p.file_id AS fileId, coalesce(p.city, p.region, p.country) AS value FROM json_each(?) w CROSS JOIN places p ON p.${col} = w.value COLLATE NOCASE`;
    const placeRows = db
      .prepare(
        `SELECT u.fileId, u.value FROM (${['city', 'region', 'country', 'country_code'].map(byPlace).join(' UNION ')}) u
         WHERE ${within('u.fileId')} LIMIT ${cap}`,
      )
      .all(formsJson, formsJson, formsJson, formsJson, ...filter.params) as { fileId: number; value: string }[];
    for (const r of placeRows) out.push({ fileId: r.fileId, source: 'place', value: r.value, weight: 1 });
  }
  for (const r of ownWordMatches(db, forms, filter, cap)) out.push(r);
  {
    const personRows = db
      .prepare(
        // Driven from the names (persons, then person_files, kept by triggers), never from every
        // file's faces (`+pf.file_id`: the filter, all files held when unfiltered, must not drive).
        // The name test is a join term on (w, pe), checked before any person_files row is read: as
        // an EXISTS subquery the planner ran it last, once per photo of every named person.
        `SELECT DISTINCT pf.file_id AS fileId, pe.name AS value
         FROM json_each(?) w CROSS JOIN persons pe ON pe.ignored = 0 AND pe.name IS NOT NULL
           AND (lower(pe.name) = w.value OR lower(pe.name) LIKE w.value || ' %' OR lower(pe.name) LIKE '% ' || w.value)
         CROSS JOIN person_files pf ON pf.person_id = pe.id
         WHERE ${within('+pf.file_id')} LIMIT ${cap}`,
      )
      .all(formsJson, ...filter.params) as { fileId: number; value: string }[];
    for (const r of personRows) out.push({ fileId: r.fileId, source: 'person', value: r.value, weight: 1 });
  }
  const metaPeople = db
    .prepare(
      `SELECT pp.file_id AS fileId, pp.value AS value FROM metadata_terms pp
       WHERE pp.kind = 'person' AND EXISTS (SELECT 1 FROM json_each(?) w WHERE lower(pp.value) = w.value OR lower(pp.value) LIKE w.value || ' %' OR lower(pp.value) LIKE '% ' || w.value)
         AND ${within('pp.file_id')} LIMIT ${cap}`,
    )
    .all(formsJson, ...filter.params) as { fileId: number; value: string }[];
  for (const r of metaPeople) out.push({ fileId: r.fileId, source: 'person', value: r.value, weight: 1 });
  for (const form of forms) {
    if (form.length < 3) continue;
    for (const r of filesByName(db, form, filter, Math.ceil(cap / 20))) {
      const base = r.path.slice(r.path.lastIndexOf('/') + 1).toLowerCase().normalize('NFC');
      if (base.includes(form)) out.push({ fileId: r.id, source: 'name', value: base, weight: 0.6 });
    }
  }
  // The folder's photos and those of its subfolders, by the unique path index (`x`: the filter's own alias is `f`).
  const inFolder = db.prepare(`SELECT x.id FROM files x WHERE x.path >= ? AND x.path < ? AND ${within('x.id')} LIMIT ${cap}`).pluck();
  for (const form of forms) {
    if (form.length < 3) continue;
    // A folder whose parent matched too ("Iceland/Iceland selects") is read with its parent, once.
    let parent: string | null = null;
    for (const folder of foldersNamed(db, form).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      if (parent !== null && isAtOrUnder(folder.path, parent)) continue;
      parent = folder.path;
      const rows = inFolder.all(...rangeParams(underDir(folder.path, '/')), ...filter.params) as number[];
      for (const id of rows) out.push({ fileId: id, source: 'folder', value: folder.rel, weight: 0.8 });
    }
  }
  return out;
}

/** How much a word in each of the photographer's own fields says: a named place as much as a GPS one. */
const OWN_WORDS = [
  { column: 'title', source: 'title', weight: 0.95 },
  { column: 'caption', source: 'caption', weight: 0.9 },
  { column: 'place', source: 'place', weight: 1 },
] as const;

/**
 * Files whose title, caption or named place (metadata_text, 0210) holds one of the forms as whole
 * words, in any case and with or without accents. One MATCH per column: the hit says which
 * ("caption …our camp near the Colorado river"). The MATCH drives; the filter is checked per hit.
 */
export function ownWordMatches(db: ReadableDb, forms: readonly string[], filter: FilterSql, cap = 5000): TermMatch[] {
  const expr = forms.map((f) => f.normalize('NFC')).filter((f) => /[\p{L}\p{N}]/u.test(f)).map(ftsPhrase).join(' OR ');
  if (!expr) return [];
  const out: TermMatch[] = [];
  for (const { column, source, weight } of OWN_WORDS) {
    const rows = db.prepare(ownWordsSql(column, filter.holds('metadata_text.rowid'), cap)).all(`${column} : (${expr})`, ...filter.params) as { fileId: number; value: string }[];
    for (const r of rows) out.push({ fileId: r.fileId, source, value: r.value, weight });
  }
  return out;
}

/** The statement behind ownWordMatches for one column (its plan is pinned in a test); a caption is shown by its matching words. */
export function ownWordsSql(column: 'title' | 'caption' | 'place', within: string, cap: number): string {
  const value = column === 'caption' ? `snippet(metadata_text, 1, '', '', '…', 10)` : column;
  return `SELECT metadata_text.rowid AS fileId, ${value} AS value FROM metadata_text WHERE metadata_text MATCH ? AND ${within} LIMIT ${cap}`;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Folders whose path inside their library holds `word` (or a phrase) as whole words, in whichever
 * Unicode form the name is stored: the trigram index of folder_names (0200) finds the substring,
 * then whole words are kept ("art" finds "Art Basel", not "Stuttgart" or "Party").
 */
export function foldersNamed(db: ReadableDb, word: string, limit = 200): { path: string; rel: string }[] {
  const whole = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(word.toLowerCase().normalize('NFC'))}($|[^\\p{L}\\p{N}])`, 'u');
  const rows = db
    .prepare(`SELECT d.path, d.rel FROM folder_names n CROSS JOIN folders d ON d.id = n.rowid WHERE folder_names MATCH ? LIMIT ?`)
    .all(nameForms(word).map(ftsPhrase).join(' OR '), limit * 5) as { path: string; rel: string }[];
  return rows.filter((r) => whole.test(r.rel.toLowerCase().normalize('NFC'))).slice(0, limit);
}
