import path from 'node:path';
import type { ReadableDb } from '../store/db.js';
import { DaemonError } from '../errors/index.js';
import { facesForFile } from '../ml/faces/face.repository.js';
import { peopleInFile, personForFace } from '../people/index.js';
import { placeForFile } from '../places/index.js';
import { cameraLabel } from '../exiftool/camera-label.js';
import { buildFilter, type FilterSql, type SearchFilters } from '../search/search.repository.js';
import { tagsForFile } from '../search/tag.repository.js';
import { getFileByPath, idInLibrary, inLibrary } from '../store/repositories/file.repository.js';
import { resultsForFile, runsForFile } from '../store/repositories/pass-result.repository.js';
import { xmpStateForFile } from '../xmp/index.js';
import type { Box } from '../geometry/box.js';
import { ocrTextForFile } from '../search/ocr-text.repository.js';

export interface FileFilter {
  offset: number;
  limit: number;
  /** Plain text: matched against path, title, caption, the named place, keywords, camera, tags, places and person names. */
  q?: string | undefined;
  root?: string | undefined;
  kind?: 'raw' | 'image' | undefined;
  /** Capture date range as epoch ms: `from` inclusive, `to` exclusive (as in search). */
  from?: number | undefined;
  to?: number | undefined;
  camera?: string | undefined;
  /** A person's whole name, case-insensitive (as in search): named faces or the file's own XMP names. */
  person?: string | undefined;
  tag?: string | undefined;
  place?: string | undefined;
  /** Restrict to these ids, keeping their order (search hits). */
  ids?: readonly number[] | undefined;
}

export interface FileItem {
  id: number;
  path: string;
  name: string;
  root: string;
  kind: string;
  ext: string;
  state: string;
  capturedAt: string | null;
  camera: string | null;
  width: number | null;
  height: number | null;
  thumbnail: string | null;
  preview: string | null;
}

interface ItemRow {
  id: number;
  path: string;
  root: string;
  kind: string;
  ext: string;
  state: string;
  captured_at: string | null;
  make: string | null;
  model: string | null;
  pw: number | null;
  ph: number | null;
  mw: number | null;
  mh: number | null;
  preview_hash: string | null;
}

function like(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}

/** URLs carry the preview hash so browsers may cache them forever: a new preview is a new URL. */
function imageUrl(id: number, which: 'thumbnail' | 'preview', hash: string | null): string | null {
  return hash ? `/api/files/${id}/${which}?v=${encodeURIComponent(hash.slice(0, 16))}` : null;
}

function toItem(r: ItemRow): FileItem {
  const camera = r.make || r.model ? cameraLabel(r) : null;
  return {
    id: r.id,
    path: r.path,
    name: path.basename(r.path),
    root: r.root,
    kind: r.kind,
    ext: r.ext,
    state: r.state,
    capturedAt: r.captured_at,
    camera,
    width: r.pw ?? r.mw,
    height: r.ph ?? r.mh,
    thumbnail: imageUrl(r.id, 'thumbnail', r.preview_hash),
    preview: imageUrl(r.id, 'preview', r.preview_hash),
  };
}

const ITEM_SELECT = `SELECT f.id, f.path, f.root, f.kind, f.ext, f.state, m.captured_at, m.make, m.model,
  p.width AS pw, p.height AS ph, m.width AS mw, m.height AS mh, p.preview_hash
  FROM files f LEFT JOIN metadata m ON m.file_id = f.id LEFT JOIN previews p ON p.file_id = f.id`;

/** A page of live files matching the filter, newest capture first (or in `ids` order). */
export function listFiles(db: ReadableDb, f: FileFilter): { total: number; items: FileItem[] } {
  const where: string[] = [inLibrary('f')];
  const args: unknown[] = [];
  if (f.root) {
    where.push('f.root = ?');
    args.push(f.root);
  }
  if (f.kind) {
    where.push('f.kind = ?');
    args.push(f.kind);
  }
  // Date, tag, place and person mean exactly what they mean in search (one read model): the same
  // filter SQL, so `tag=dog` is the whole tag or keyword "dog" and `to` is an exclusive bound.
  const shared: SearchFilters = {
    ...(f.from !== undefined ? { from: f.from } : {}),
    ...(f.to !== undefined ? { to: f.to } : {}),
    ...(f.tag ? { tag: f.tag } : {}),
    ...(f.place ? { place: f.place } : {}),
    ...(f.person ? { person: f.person } : {}),
  };
  const filter = Object.keys(shared).length ? buildFilter(db, shared) : null;
  // The files-row clauses so far (library, root, kind): the walk below checks them per entry too.
  const rowWhere = [...where];
  const rowArgs = [...args];
  if (filter) {
    where.push(`f.id IN (${filter.sql})`);
    args.push(...filter.params);
  }
  if (f.camera) {
    where.push(`(coalesce(m.make, '') || ' ' || coalesce(m.model, '')) LIKE ? ESCAPE '\\'`);
    args.push(like(f.camera));
  }
  const personExists = `EXISTS (SELECT 1 FROM faces fa JOIN face_person fp ON fp.face_id = fa.id JOIN persons pe ON pe.id = fp.person_id
    WHERE fa.file_id = f.id AND pe.name LIKE ? ESCAPE '\\')`;
  if (f.q) {
    const terms = f.q.split(/\s+/).filter(Boolean).slice(0, 8);
    for (const t of terms) {
      // A name as an HFS+ drive (or an older macOS) stores it, decomposed ("Mu\u0308ller"), is matched
      // by the word as typed ("Müller") too.
      const ors = [
        `(f.path LIKE ? ESCAPE '\\' OR f.path LIKE ? ESCAPE '\\')`,
        `m.title LIKE ? ESCAPE '\\'`,
        `m.caption LIKE ? ESCAPE '\\'`,
        `concat_ws(' ', m.place_location, m.place_city, m.place_state, m.place_country) LIKE ? ESCAPE '\\'`,
        `m.keywords LIKE ? ESCAPE '\\'`,
        `m.people LIKE ? ESCAPE '\\'`,
        `(coalesce(m.make, '') || ' ' || coalesce(m.model, '')) LIKE ? ESCAPE '\\'`,
      ];
      ors.push(`EXISTS (SELECT 1 FROM tags t WHERE t.file_id = f.id AND t.label LIKE ? ESCAPE '\\')`);
      ors.push(`EXISTS (SELECT 1 FROM places pl WHERE pl.file_id = f.id AND (coalesce(pl.city,'') || ' ' || coalesce(pl.country,'')) LIKE ? ESCAPE '\\')`);
      ors.push(personExists);
      where.push(`(${ors.join(' OR ')})`);
      args.push(like(t.normalize('NFC')), like(t.normalize('NFD')));
      for (let i = 1; i < ors.length; i++) args.push(like(t));
    }
  }
  if (f.ids) {
    if (f.ids.length === 0) return { total: 0, items: [] };
    where.push(`f.id IN (SELECT value FROM json_each(?))`);
    args.push(JSON.stringify(f.ids));
  }
  const whereSql = where.join(' AND ');
  // Metadata joined only where a clause reads it (camera, words): counting the files of a tag
  // otherwise read each one's metadata row too. With only the shared filter, its own SELECT is
  // counted: it checks the library already, and the files row read again for each passing file
  // (25,000 for the tag "dog" at 500K photos) doubled the count's time.
  const from = f.camera || f.q ? `files f LEFT JOIN metadata m ON m.file_id = f.id` : `files f`;
  const walkable = !f.camera && !f.q && !f.ids;
  // The library's size (kept by triggers), read once: the count with no filter at all, and what
  // the walk's expected length is judged by.
  const library = walkable ? libraryCount(db) : 0;
  const total = !walkable || f.root || f.kind
    ? (db.prepare(`SELECT count(*) AS n FROM ${from} WHERE ${whereSql}`).get(...args) as { n: number }).n
    : filter
      ? (db.prepare(`SELECT count(*) AS n FROM (${filter.sql})`).get(...filter.params) as { n: number }).n
      : library;
  if (total === 0 || f.offset >= total) return { total, items: [] };
  const walk = walkable && walksFewSteps(f, total, library) ? walkPage(db, f, rowWhere, rowArgs, filter) : null;
  let ids: number[];
  // A walk that found nothing past an offset cannot say where the undated files start: sorted then.
  if (walk && (walk.length > 0 || f.offset === 0)) {
    // Past the last dated file the page goes on with the undated and unread ones, newest file first.
    ids = walk.length === f.limit ? walk : [...walk, ...(db.prepare(`SELECT f.id FROM files f LEFT JOIN metadata m ON m.file_id = f.id WHERE ${whereSql} AND m.captured_ts IS NULL ORDER BY f.id DESC LIMIT ?`).pluck().all(...args, f.limit - walk.length) as number[])];
  } else {
    const order = f.ids ? `(SELECT key FROM json_each(?) WHERE value = f.id)` : `m.captured_ts IS NULL, m.captured_ts DESC, f.id DESC`;
    const orderArgs = f.ids ? [JSON.stringify(f.ids)] : [];
    // A narrow filter, a camera, words or search hits: the page's ids first, sorting only (capture
    // time, id) for every file that passes; then the page's rows whole (sorted whole, each passing
    // file's path, camera and preview row was read and carried through the sort).
    ids = db.prepare(`SELECT f.id FROM files f LEFT JOIN metadata m ON m.file_id = f.id WHERE ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`).pluck().all(...args, ...orderArgs, f.limit, f.offset) as number[];
  }
  const rows = new Map((db.prepare(`${ITEM_SELECT} WHERE f.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as ItemRow[]).map((r) => [r.id, r]));
  const items = ids.map((id) => rows.get(id)).filter((r): r is ItemRow => r !== undefined);
  return { total, items: items.map(toItem) };
}

/**
 * Whether walking the capture-time index for this page steps over few entries: those before the
 * page's end, at the share of the library the filter passes, within a few times as many as pass.
 * A filter most photos pass (or none) walks a few thousand entries where sorting read every
 * passing file's capture time (the tag "dog" on 25,000 of 500,000 photos); a narrow one (ten
 * photos of a tag) would walk the whole index, so it sorts its few. A date range walks its own
 * range of the index.
 */
function walksFewSteps(f: FileFilter, total: number, library: number): boolean {
  return ((f.offset + f.limit) * Math.max(library, total)) / total <= WALK_STEPS_PER_FILE * total;
}

/** The files the library holds (present or away), from the counts kept by triggers (0060). */
function libraryCount(db: ReadableDb): number {
  return db.prepare(`SELECT coalesce(sum(n), 0) FROM file_counts WHERE state <> 'gone'`).pluck().get() as number;
}

/** How many index entries walked for each file that passes is still cheaper than sorting them all. */
const WALK_STEPS_PER_FILE = 8;

/**
 * The page's dated files newest first, by walking the capture-time index (`metadata_captured`,
 * which holds each entry's file id) and checking each entry against the filter (`holds`, its id
 * lists built once) and the files row, until the page is full. Fewer than the page's size: the
 * dated files ran out.
 */
function walkPage(db: ReadableDb, f: FileFilter, rowWhere: readonly string[], rowArgs: readonly unknown[], filter: FilterSql | null): number[] {
  // `mc`, not `m` or `f`: the filter's own subqueries name metadata `m` and files `f`, and an
  // outer column of the same name there would be theirs, not the walked entry's. The files row is
  // read only for a root or kind: the library's own are told by the deleted files' ids, so a deep
  // page (offset 100,000) walks the index alone rather than reading a files row per entry.
  const byRow = !!(f.root || f.kind);
  const where = ['mc.captured_ts IS NOT NULL', ...(byRow ? rowWhere : [idInLibrary('mc.file_id')])];
  const args: unknown[] = byRow ? [...rowArgs] : [];
  if (f.from !== undefined || f.to !== undefined) {
    // The range itself bounds the walk (the filter checks it too, by the entry's own row).
    where.push('mc.captured_ts >= ? AND mc.captured_ts < ?');
    args.push(f.from ?? Number.MIN_SAFE_INTEGER, f.to ?? Number.MAX_SAFE_INTEGER);
  }
  if (filter) {
    where.push(filter.holds('mc.file_id'));
    args.push(...filter.params);
  }
  return db
    .prepare(
      `SELECT mc.file_id FROM metadata mc INDEXED BY metadata_captured${byRow ? ' CROSS JOIN files f ON f.id = mc.file_id' : ''}
       WHERE ${where.join(' AND ')} ORDER BY mc.captured_ts DESC, mc.file_id DESC LIMIT ? OFFSET ?`,
    )
    .pluck()
    .all(...args, f.limit, f.offset) as number[];
}

export function getFileItem(db: ReadableDb, id: number): FileItem | undefined {
  const r = db.prepare(`${ITEM_SELECT} WHERE f.id = ?`).get(id) as ItemRow | undefined;
  return r ? toItem(r) : undefined;
}

export interface CachedImage {
  /** Relative to the cache folder, exactly as stored. */
  rel: string;
  hash: string;
}

export function previewImage(db: ReadableDb, fileId: number, which: 'thumbnail' | 'preview'): CachedImage | undefined {
  const r = db.prepare('SELECT preview_hash, path, thumb_path FROM previews WHERE file_id = ?').get(fileId) as
    | { preview_hash: string; path: string; thumb_path: string }
    | undefined;
  if (!r) return undefined;
  return { rel: which === 'thumbnail' ? r.thumb_path : r.path, hash: r.preview_hash };
}

export function faceCrop(db: ReadableDb, faceId: number): CachedImage | undefined {
  const r = db.prepare('SELECT crop_path, preview_hash FROM faces WHERE id = ?').get(faceId) as { crop_path: string | null; preview_hash: string } | undefined;
  return r?.crop_path ? { rel: r.crop_path, hash: `${r.preview_hash}-${faceId}` } : undefined;
}

export interface FaceBox {
  id: number;
  idx: number;
  box: Box;
  score: number | null;
  personId: number | null;
  personName: string | null;
  crop: string | null;
}

function parseJson(s: string | null | undefined): unknown {
  if (s === null || s === undefined) return null;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}

/** Everything the detail view shows about one file. */
export function fileDetail(db: ReadableDb, id: number) {
  const item = getFileItem(db, id);
  if (!item) return undefined;
  const m = db.prepare('SELECT * FROM metadata WHERE file_id = ?').get(id) as Record<string, unknown> | undefined;
  const metadata = m
    ? Object.fromEntries(
        Object.entries(m)
          .filter(([k]) => k !== 'file_id')
          .map(([k, v]) => [k, ['keywords', 'hierarchical', 'people', 'regions', 'warnings'].includes(k) ? parseJson(v as string) : v]),
      )
    : null;
  const previewRow = db.prepare('SELECT preview_hash, source, width, height, orientation, made_at FROM previews WHERE file_id = ?').get(id) ?? null;

  // Every table below exists: the schema is current whenever a connection is open (store/db.ts).
  let faces: FaceBox[] = [];
  {
    const rows = db
      .prepare(
        `SELECT fa.id, fa.idx, fa.box_x, fa.box_y, fa.box_w, fa.box_h, fa.score, fa.crop_path, pe.id AS person_id, pe.name AS person_name
         FROM faces fa LEFT JOIN face_person fp ON fp.face_id = fa.id LEFT JOIN persons pe ON pe.id = fp.person_id
         WHERE fa.file_id = ? ORDER BY fa.idx`,
      )
      .all(id) as {
      id: number;
      idx: number;
      box_x: number;
      box_y: number;
      box_w: number;
      box_h: number;
      score: number | null;
      crop_path: string | null;
      person_id: number | null;
      person_name: string | null;
    }[];
    faces = rows.map((r) => ({
      id: r.id,
      idx: r.idx,
      box: { x: r.box_x, y: r.box_y, w: r.box_w, h: r.box_h },
      score: r.score,
      personId: r.person_id,
      personName: r.person_name,
      crop: r.crop_path ? `/api/faces/${r.id}/crop` : null,
    }));
  }
  const tags = db.prepare('SELECT label, score, source, model FROM tags WHERE file_id = ? ORDER BY score DESC').all(id) as { label: string; score: number; source: string; model: string | null }[];
  const place =
    (db.prepare('SELECT city, region, country, country_code AS countryCode, distance_km AS distanceKm, source, lat, lon FROM places WHERE file_id = ?').get(id) as Record<string, unknown> | undefined) ?? null;
  const results = (
    db.prepare('SELECT pass, version, status, output, error_code, error, completed_at, duration_ms FROM pass_results WHERE file_id = ? ORDER BY pass').all(id) as ({ pass: string; output: string | null } & Record<string, unknown>)[]
  ).map((r) => ({ ...r, output: parseJson(r.output) }));
  const runs = db.prepare('SELECT pass, version, status, error_code, error, started_at, duration_ms FROM pass_runs WHERE file_id = ? ORDER BY id DESC LIMIT 50').all(id);
  const jobs = db.prepare('SELECT id, pass, state, attempts, run_after, last_error_code, last_error FROM jobs WHERE file_id = ? ORDER BY id').all(id);
  const file = db.prepare('SELECT size, content_hash, sidecar_path, first_seen_at, last_seen_at FROM files WHERE id = ?').get(id) as Record<string, unknown>;
  // Text read in the photo (ocr pass), one read model with `show --json`.
  const text = ocrTextForFile(db, id);
  return { ...item, file, metadata, preview: item.preview, previewInfo: previewRow, faces, tags, place, text, passResults: results, passRuns: runs, jobs };
}

export function fileExists(db: ReadableDb, id: number): boolean {
  return db.prepare('SELECT 1 FROM files WHERE id = ?').get(id) !== undefined;
}

export function fileRow(db: ReadableDb, id: number): { id: number; path: string; root: string } | undefined {
  return db.prepare('SELECT id, path, root FROM files WHERE id = ?').get(id) as { id: number; path: string; root: string } | undefined;
}

/** Distinct cameras and tags for the page's filter suggestions. */
export function facets(db: ReadableDb): { cameras: string[]; tags: string[]; places: string[] } {
  // As the photos name them ("Canon EOS 7D", not "Canon Canon EOS 7D"); each label is a part of
  // make + model, which the camera filter matches.
  const pairs = db.prepare(`SELECT DISTINCT make, model FROM metadata WHERE make IS NOT NULL OR model IS NOT NULL LIMIT 400`).all() as { make: string | null; model: string | null }[];
  const cameras = [...new Set(pairs.map(cameraLabel))].sort((a, b) => a.localeCompare(b)).slice(0, 200);
  // Grouped as the label index is ordered (case-insensitive, as the tag filter matches): one pass
  // over the index, where grouping by the plain label sorted every tag first (143 → 36 ms at 900K tags).
  const tags = (db.prepare('SELECT label FROM tags GROUP BY label COLLATE NOCASE ORDER BY count(*) DESC LIMIT 200').all() as { label: string }[]).map((r) => r.label);
  // The GPS places' towns (or countries) and the towns the photographer typed (metadata_place_city, 0220).
  const places = (
    db.prepare(
      `SELECT p FROM (SELECT DISTINCT coalesce(city, country) AS p FROM places WHERE coalesce(city, country) IS NOT NULL
         UNION SELECT DISTINCT place_city FROM metadata WHERE place_city IS NOT NULL) ORDER BY p LIMIT 200`,
    ).all() as { p: string }[]
  ).map((r) => r.p);
  return { cameras, tags, places };
}

/**
 * The feature sections of `show --json` (faces, tags, place, people, xmp), each from its owner's
 * read function.
 */
export function detailSections(db: ReadableDb, fileId: number): Record<string, unknown> {
  const named = new Map(peopleInFile(db, fileId).map((p) => [p.faceId, p] as const));
  return {
    faces: facesForFile(db, fileId).map((f) => {
      const p = named.get(f.id);
      // `show --json` has always given boxes as [x, y, w, h]: the JSON keeps that form. `person`
      // is the named person (writeback's view); `assignment` says where any face stands: its
      // person or unnamed group (the id `rawlight people name` takes), not a face, or in none.
      const face = { ...f, box: boxTuple(f.box), storedBox: boxTuple(f.storedBox), assignment: personForFace(db, f.id) };
      return p ? { ...face, person: { id: p.personId, name: p.name } } : face;
    }),
    tags: tagsForFile(db, fileId).map((t) => ({ label: t.label, score: t.score, source: t.source })),
    place: placeForFile(db, fileId),
    xmp: xmpStateForFile(db, fileId),
    text: ocrTextForFile(db, fileId),
  };
}

function boxTuple(b: Box): [number, number, number, number] {
  return [b.x, b.y, b.w, b.h];
}

const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

/** Everything known about the file at `file`, the `show --json` contract (extend, never rename); null when it is not in the index. */
export function showDetail(db: ReadableDb, file: string): Record<string, unknown> | null {
  const f = getFileByPath(db, path.resolve(file));
  if (!f) return null;
  const meta = db.prepare('SELECT * FROM metadata WHERE file_id = ?').get(f.id) as Record<string, unknown> | undefined;
  const preview = db.prepare('SELECT * FROM previews WHERE file_id = ?').get(f.id) as Record<string, unknown> | undefined;
  const jobs = db.prepare('SELECT pass, input_key, state, attempts, last_error_code, last_error FROM jobs WHERE file_id = ?').all(f.id);
  return {
    id: f.id,
    path: f.path,
    state: f.state,
    kind: f.kind,
    identity: { dev: f.dev, ino: f.ino, size: f.size, mtimeNs: f.mtime_ns },
    hashes: { content: f.content_hash, algo: f.hash_algo, preview: preview?.preview_hash ?? null },
    sidecar: f.sidecar_path,
    metadata: meta
      ? {
          ...meta,
          keywords: parse(meta.keywords as string),
          hierarchical: parse(meta.hierarchical as string),
          people: parse(meta.people as string),
          regions: parse(meta.regions as string),
          warnings: parse(meta.warnings as string),
        }
      : null,
    preview: preview ?? null,
    // A motion photo's embedded video (only the still is indexed), as the metadata pass found it.
    motionPhoto: (parse(resultsForFile(db, f.id).find((r) => r.pass === 'metadata' && r.status === 'ok')?.output ?? null) as { motionPhoto?: unknown } | null)?.motionPhoto ?? null,
    passes: resultsForFile(db, f.id).map((r) => ({ pass: r.pass, version: r.version, status: r.status, inputKey: r.input_key, output: parse(r.output), errorCode: r.error_code, error: r.error, completedAt: r.completed_at, ms: r.duration_ms })),
    history: runsForFile(db, f.id),
    jobs,
    ...detailSections(db, f.id),
  };
}
