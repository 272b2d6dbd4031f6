import type { Box } from '../geometry/box.js';
import type { ReadableDb } from '../store/db.js';
import {
  assignmentOf,
  faceBoxes,
  filesOfPerson,
  flagOf,
  getPerson,
  memberBoxes,
  namedFacesInFile,
  personSummaries,
  allPersons,
  facesRejectedFor,
  membersOf,
  unassignedFaceIds,
  type AssignmentSource,
  type FaceBoxRow,
} from './people.repository.js';
import { resolveThresholds } from './thresholds.js';
import { blobToVector } from './vectors.js';

/** Normalised 0..1, top-left + size: the one Box (geometry/box.ts), re-exported for people's readers. */
export type { Box };

export interface FaceRef {
  id: number;
  fileId: number;
  path: string;
  /** On the upright preview. */
  box: Box | null;
  /** In stored-image orientation (what MWG regions use). */
  storedBox: Box | null;
  cropPath: string | null;
}

export interface PersonFace extends FaceRef {
  source: AssignmentSource;
  confirmed: boolean;
  similarity: number | null;
}

export interface PersonListing {
  id: number;
  /** null for an unnamed group. */
  name: string | null;
  ignored: boolean;
  faceCount: number;
  photoCount: number;
  representative: FaceRef | null;
  faces: PersonFace[];
}

export interface PeopleListing {
  persons: PersonListing[];
  /** Faces of live photos that belong to nobody (and are not flagged as not-a-face). */
  unassigned: number[];
}

function box(x: number | null, y: number | null, w: number | null, h: number | null): Box | null {
  return x === null || y === null || w === null || h === null ? null : { x, y, w, h };
}

function faceRef(r: FaceBoxRow): FaceRef {
  return {
    id: r.id,
    fileId: r.file_id,
    path: r.path,
    box: box(r.box_x, r.box_y, r.box_w, r.box_h),
    storedBox: box(r.stored_x, r.stored_y, r.stored_w, r.stored_h),
    cropPath: r.crop_path,
  };
}

/**
 * Every person and unnamed group with its faces: the `rawlight people --json` contract
 * (`{ persons: [{ id, name, faces: [{ id, path, box }] }], unassigned: [faceIds] }`, extended).
 * Named people first by name, then groups by size. Ignored ones only with includeIgnored.
 */
export function listPeople(db: ReadableDb, opts: { includeIgnored?: boolean; facesPerPerson?: number } = {}): PeopleListing {
  const faces = new Map<number, PersonFace[]>();
  for (const r of memberBoxes(db)) {
    const list = faces.get(r.person_id) ?? [];
    if (opts.facesPerPerson === undefined || list.length < opts.facesPerPerson) {
      list.push({ ...faceRef(r), source: r.source, confirmed: r.confirmed === 1, similarity: r.similarity });
    }
    faces.set(r.person_id, list);
  }
  const reps = new Map<number, FaceRef>();
  const summaries = personSummaries(db).filter((p) => p.face_count > 0 || p.name !== null);
  const repIds = summaries.map((p) => p.representative_face_id).filter((x): x is number => x !== null);
  for (const r of faceBoxes(db, repIds)) reps.set(r.id, faceRef(r));
  const persons = summaries
    .filter((p) => opts.includeIgnored || !p.ignored)
    .map((p) => ({
      id: p.id,
      name: p.name,
      ignored: p.ignored === 1,
      faceCount: p.face_count,
      photoCount: p.photo_count,
      representative: (p.representative_face_id !== null ? reps.get(p.representative_face_id) : undefined) ?? faces.get(p.id)?.[0] ?? null,
      faces: faces.get(p.id) ?? [],
    }))
    .sort((a, b) => {
      if ((a.name === null) !== (b.name === null)) return a.name === null ? 1 : -1;
      if (a.name !== null && b.name !== null) return a.name.localeCompare(b.name);
      return b.faceCount - a.faceCount || a.id - b.id;
    });
  return { persons, unassigned: unassignedFaceIds(db) };
}

export interface FacePerson {
  personId: number;
  name: string | null;
  ignored: boolean;
  source: AssignmentSource;
  confirmed: boolean;
  similarity: number | null;
}

/** Who a face is (null when unassigned); notFace when the user flagged it. */
export function personForFace(db: ReadableDb, faceId: number): (FacePerson & { notFace: false }) | { notFace: true } | null {
  if (flagOf(db, faceId)) return { notFace: true };
  const a = assignmentOf(db, faceId);
  if (!a) return null;
  const p = getPerson(db, a.person_id);
  return {
    personId: a.person_id,
    name: p?.name ?? null,
    ignored: p?.ignored === 1,
    source: a.source,
    confirmed: a.confirmed === 1,
    similarity: a.similarity,
    notFace: false,
  };
}

export interface Suggestion {
  personId: number;
  name: string;
  /** Mean similarity between the group's faces and the person's faces (cosine). */
  similarity: number;
  /** At or above the automatic-attach threshold: naming is just confirming. */
  strong: boolean;
}

/**
 * For an unnamed group (or any person), the named people it most resembles, best first: mean
 * pairwise similarity from the stored embedding sums. People sharing a photo with the group
 * (cannot-link) and people the group's faces were all removed from are left out.
 */
export function suggestionsFor(db: ReadableDb, groupId: number, opts: { limit?: number; thresholds?: { suggest: number; attach: number } } = {}): Suggestion[] {
  const g = getPerson(db, groupId);
  if (!g || !g.embedding_sum || g.face_count === 0) return [];
  const th = opts.thresholds ?? resolveThresholds(g.embedder);
  const gs = blobToVector(g.embedding_sum);
  const groupFiles = new Set(filesOfPerson(db, groupId));
  const groupFaces = membersOf(db, groupId).map((m) => m.face_id);
  const out: Suggestion[] = [];
  for (const p of allPersons(db)) {
    if (p.id === groupId || p.name === null || p.ignored || !p.embedding_sum || p.face_count === 0 || p.embedder !== g.embedder) continue;
    const ps = blobToVector(p.embedding_sum);
    let s = 0;
    for (let x = 0; x < gs.length; x++) s += gs[x]! * ps[x]!;
    s /= g.face_count * p.face_count;
    if (s < th.suggest) continue;
    if (filesOfPerson(db, p.id).some((f) => groupFiles.has(f))) continue;
    const rejected = new Set(facesRejectedFor(db, p.id));
    if (groupFaces.length > 0 && groupFaces.every((f) => rejected.has(f))) continue;
    out.push({ personId: p.id, name: p.name, similarity: Math.round(s * 1000) / 1000, strong: s >= th.attach });
  }
  return out.sort((a, b) => b.similarity - a.similarity).slice(0, opts.limit ?? 5);
}

export interface NamedFace {
  faceId: number;
  personId: number;
  name: string;
  source: AssignmentSource;
  confirmed: boolean;
  box: Box | null;
  storedBox: Box | null;
}

/** The named (not ignored) people in a photo with their boxes: for writeback and `show`. */
export function peopleInFile(db: ReadableDb, fileId: number): NamedFace[] {
  return namedFacesInFile(db, fileId).map((r) => ({
    faceId: r.id,
    personId: r.person_id,
    name: r.name,
    source: r.source,
    confirmed: r.confirmed === 1,
    box: box(r.box_x, r.box_y, r.box_w, r.box_h),
    storedBox: box(r.stored_x, r.stored_y, r.stored_w, r.stored_h),
  }));
}


export interface PersonTile {
  id: number;
  name: string | null;
  ignored: boolean;
  faceCount: number;
  fileCount: number;
  /** A few face ids to show as tiles (crops at /api/faces/:id/crop). */
  faces: number[];
}

export interface PersonTileFace {
  faceId: number;
  fileId: number;
  box: { x: number; y: number; w: number; h: number };
  score: number | null;
  crop: string | null;
  confirmed: boolean;
}

/**
 * The API's and page's people: tiles, one person's faces, name suggestions (the page's door into the
 * same read model as `rawlight people`).
 */

/** Named persons first (by face count), then unnamed groups, biggest first. */
export function listPersonTiles(db: ReadableDb, opts: { includeIgnored: boolean; named?: boolean | undefined; limit: number; offset: number; sample: number }): { total: number; items: PersonTile[] } {
  const where: string[] = [];
  if (!opts.includeIgnored) where.push('pe.ignored = 0');
  if (opts.named === true) where.push('pe.name IS NOT NULL');
  if (opts.named === false) where.push('pe.name IS NULL');
  // Counts kept by triggers (migration 0062): a page reads O(persons), never every face.
  where.push('c.faces > 0');
  const base = `FROM persons pe JOIN person_counts c ON c.person_id = pe.id WHERE ${where.join(' AND ')}`;
  const total = (db.prepare(`SELECT count(*) AS n ${base}`).get() as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT pe.id, pe.name, pe.ignored AS ignored, c.faces AS faceCount, c.photos AS fileCount ${base}
       ORDER BY pe.name IS NULL, c.faces DESC, pe.id LIMIT ? OFFSET ?`,
    )
    .all(opts.limit, opts.offset) as { id: number; name: string | null; ignored: number; faceCount: number; fileCount: number }[];
  const sample = db.prepare(
    `SELECT fa.id FROM face_person fp JOIN faces fa ON fa.id = fp.face_id WHERE fp.person_id = ? ORDER BY fa.crop_path IS NULL, fa.score DESC, fa.id LIMIT ?`,
  );
  return {
    total,
    items: rows.map((r) => ({ ...r, ignored: r.ignored !== 0, faces: (sample.all(r.id, opts.sample) as { id: number }[]).map((f) => f.id) })),
  };
}

export function personTile(db: ReadableDb, id: number): (PersonTile & { facesDetail: PersonTileFace[] }) | undefined {
  const p = db.prepare(`SELECT pe.id, pe.name, pe.ignored AS ignored FROM persons pe WHERE pe.id = ?`).get(id) as { id: number; name: string | null; ignored: number } | undefined;
  if (!p) return undefined;
  const faces = db
    .prepare(
      `SELECT fa.id AS faceId, fa.file_id AS fileId, fa.box_x, fa.box_y, fa.box_w, fa.box_h, fa.score, fa.crop_path, fp.confirmed
       FROM face_person fp JOIN faces fa ON fa.id = fp.face_id WHERE fp.person_id = ? ORDER BY fa.id LIMIT 500`,
    )
    .all(id) as { faceId: number; fileId: number; box_x: number; box_y: number; box_w: number; box_h: number; score: number | null; crop_path: string | null; confirmed: number | null }[];
  const facesDetail = faces.map((f) => ({
    faceId: f.faceId,
    fileId: f.fileId,
    box: { x: f.box_x, y: f.box_y, w: f.box_w, h: f.box_h },
    score: f.score,
    crop: f.crop_path ? `/api/faces/${f.faceId}/crop` : null,
    confirmed: !!f.confirmed,
  }));
  return {
    id: p.id,
    name: p.name,
    ignored: p.ignored !== 0,
    faceCount: faces.length,
    fileCount: new Set(faces.map((f) => f.fileId)).size,
    faces: faces.slice(0, 8).map((f) => f.faceId),
    facesDetail,
  };
}

/** Names starting with (then containing) the prefix, for the name field's suggestions. */
export function suggestNames(db: ReadableDb, prefix: string, limit: number): string[] {
  const names = new Set<string>();
  {
    const esc = prefix.replace(/[\\%_]/g, (c) => '\\' + c);
    for (const pattern of [`${esc}%`, `%${esc}%`]) {
      for (const r of db.prepare(`SELECT name FROM persons WHERE name IS NOT NULL AND name LIKE ? ESCAPE '\\' GROUP BY name ORDER BY name LIMIT ?`).all(pattern, limit) as { name: string }[]) names.add(r.name);
    }
  }
  // Names already in the photos' own XMP (PersonInImage) are good suggestions too.
  if (names.size < limit) {
    const rows = db
      .prepare(`SELECT DISTINCT j.value AS name FROM metadata m, json_each(m.people) j WHERE j.type = 'text' AND j.value LIKE ? ESCAPE '\\' LIMIT ?`)
      .all(`%${prefix.replace(/[\\%_]/g, (c) => '\\' + c)}%`, limit) as { name: string }[];
    for (const r of rows) names.add(r.name);
  }
  return [...names].slice(0, limit);
}

