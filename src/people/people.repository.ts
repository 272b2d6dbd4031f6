import type Database from 'better-sqlite3';
import type { ReadableDb, WritableDb } from '../store/db.js';
import { inLibrary } from '../store/repositories/file.repository.js';

/**
 * Prepared statements cached per handle: grouping writes up to one row per face, and preparing
 * the same SQL 100K times would cost more than running it.
 */
const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function sql(db: Database.Database, text: string): Database.Statement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let st = m.get(text);
  if (!st) m.set(text, (st = db.prepare(text)));
  return st;
}

/** All SQL of the people feature: persons, face_person, rejections, flags, the action log. */

export type AssignmentSource = 'auto' | 'cluster' | 'user' | 'import';

export interface PersonRow {
  id: number;
  name: string | null;
  ignored: number;
  representative_face_id: number | null;
  embedder: string | null;
  embedding_sum: Buffer | null;
  face_count: number;
  created_at: number;
  updated_at: number;
}

export interface FacePersonRow {
  face_id: number;
  person_id: number;
  source: AssignmentSource;
  confirmed: number;
  similarity: number | null;
  assigned_at: number;
}

export interface RejectionRow {
  face_id: number;
  person_id: number;
  created_at: number;
}

export interface FlagRow {
  face_id: number;
  flag: string;
  created_at: number;
}

export interface ActionRow {
  id: number;
  kind: string;
  payload: string;
  before: string;
  undone_at: number | null;
  created_at: number;
}

/** A face as grouping sees it (eligible = live file, not flagged, has an embedding). */
export interface FaceVectorRow {
  id: number;
  file_id: number;
  embedding: Buffer;
}

export interface FaceBoxRow {
  id: number;
  file_id: number;
  path: string;
  box_x: number | null;
  box_y: number | null;
  box_w: number | null;
  box_h: number | null;
  stored_x: number | null;
  stored_y: number | null;
  stored_w: number | null;
  stored_h: number | null;
  score: number | null;
  crop_path: string | null;
}

const ELIGIBLE = `JOIN files fi ON fi.id = f.file_id AND ${inLibrary('fi')}
  LEFT JOIN face_flags fl ON fl.face_id = f.id
  WHERE fl.face_id IS NULL AND f.embedding IS NOT NULL`;

// ---- faces (read-only: the faces pass owns the table) ----

/** The embedder most faces were made with: grouping compares only like with like. */
export function dominantEmbedder(db: ReadableDb): string | null {
  const r = sql(db, `SELECT f.embedder AS e, count(*) AS n FROM faces f ${ELIGIBLE} GROUP BY f.embedder ORDER BY n DESC LIMIT 1`).get() as { e: string | null } | undefined;
  return r?.e ?? null;
}

export function iterateEligibleFaces(db: ReadableDb, embedder: string): IterableIterator<FaceVectorRow> {
  return sql(db, `SELECT f.id, f.file_id, f.embedding FROM faces f ${ELIGIBLE} AND f.embedder IS ? ORDER BY f.id`).iterate(embedder) as IterableIterator<FaceVectorRow>;
}

export function eligibleFacesByIds(db: ReadableDb, embedder: string, ids: readonly number[]): FaceVectorRow[] {
  if (ids.length === 0) return [];
  const out: FaceVectorRow[] = [];
  const stmt = sql(db, `SELECT f.id, f.file_id, f.embedding FROM faces f ${ELIGIBLE} AND f.embedder IS ? AND f.id = ?`);
  for (const id of ids) {
    const r = stmt.get(embedder, id) as FaceVectorRow | undefined;
    if (r) out.push(r);
  }
  return out;
}

export function faceExists(db: ReadableDb, faceId: number): boolean {
  return sql(db, 'SELECT 1 FROM faces WHERE id = ?').get(faceId) !== undefined;
}

export function fileOfFace(db: ReadableDb, faceId: number): number | undefined {
  return (sql(db, 'SELECT file_id FROM faces WHERE id = ?').get(faceId) as { file_id: number } | undefined)?.file_id;
}

export function filesOfFaces(db: ReadableDb, faceIds: readonly number[]): number[] {
  const out = new Set<number>();
  for (const id of faceIds) {
    const f = fileOfFace(db, id);
    if (f !== undefined) out.add(f);
  }
  return [...out];
}

export function filesOfPerson(db: ReadableDb, personId: number): number[] {
  return (sql(db, 'SELECT DISTINCT f.file_id AS id FROM face_person fp JOIN faces f ON f.id = fp.face_id WHERE fp.person_id = ?').all(personId) as { id: number }[]).map((r) => r.id);
}

export function facesOfFiles(db: ReadableDb, fileIds: readonly number[]): { id: number; file_id: number; stored_x: number | null; stored_y: number | null; stored_w: number | null; stored_h: number | null }[] {
  const stmt = sql(db, 'SELECT id, file_id, stored_x, stored_y, stored_w, stored_h FROM faces WHERE file_id = ? ORDER BY idx, id');
  return fileIds.flatMap((f) => stmt.all(f) as { id: number; file_id: number; stored_x: number | null; stored_y: number | null; stored_w: number | null; stored_h: number | null }[]);
}

export function fileIdsOfFaces(db: ReadableDb, faceIds: readonly number[]): Map<number, number> {
  const m = new Map<number, number>();
  const stmt = sql(db, 'SELECT file_id FROM faces WHERE id = ?');
  for (const id of faceIds) {
    const r = stmt.get(id) as { file_id: number } | undefined;
    if (r) m.set(id, r.file_id);
  }
  return m;
}

/** Member embeddings of a person made with `embedder`. */
export function memberVectors(db: ReadableDb, personId: number, embedder: string): FaceVectorRow[] {
  return sql(
    db,`SELECT f.id, f.file_id, f.embedding FROM face_person fp JOIN faces f ON f.id = fp.face_id ${ELIGIBLE} AND fp.person_id = ? AND f.embedder IS ?`)
    .all(personId, embedder) as FaceVectorRow[];
}

export function faceBoxes(db: ReadableDb, faceIds?: readonly number[]): FaceBoxRow[] {
  const base = `SELECT f.id, f.file_id, fi.path, f.box_x, f.box_y, f.box_w, f.box_h, f.stored_x, f.stored_y, f.stored_w, f.stored_h, f.score, f.crop_path
    FROM faces f JOIN files fi ON fi.id = f.file_id`;
  if (!faceIds) return sql(db, `${base} ORDER BY f.id`).all() as FaceBoxRow[];
  const stmt = sql(db, `${base} WHERE f.id = ?`);
  return faceIds.flatMap((id) => (stmt.get(id) as FaceBoxRow | undefined) ?? []);
}

/** Faces of live files that are neither assigned nor flagged. */
export function unassignedFaceIds(db: ReadableDb): number[] {
  return (
    sql(
      db,
        `SELECT f.id FROM faces f JOIN files fi ON fi.id = f.file_id AND ${inLibrary('fi')}
         LEFT JOIN face_person fp ON fp.face_id = f.id LEFT JOIN face_flags fl ON fl.face_id = f.id
         WHERE fp.face_id IS NULL AND fl.face_id IS NULL ORDER BY f.id`,
      )
      .all() as { id: number }[]
  ).map((r) => r.id);
}

// ---- metadata (read-only: the metadata pass owns it) ----

export function metadataPeople(db: ReadableDb, fileId: number): { regions: string; people: string } | undefined {
  return sql(db, 'SELECT regions, people FROM metadata WHERE file_id = ?').get(fileId) as { regions: string; people: string } | undefined;
}

// ---- persons ----

export function getPerson(db: ReadableDb, id: number): PersonRow | undefined {
  return sql(db, 'SELECT * FROM persons WHERE id = ?').get(id) as PersonRow | undefined;
}

export function personByName(db: ReadableDb, name: string): PersonRow | undefined {
  return sql(db, 'SELECT * FROM persons WHERE name = ? COLLATE NOCASE').get(name) as PersonRow | undefined;
}

export function allPersons(db: ReadableDb): PersonRow[] {
  return sql(db, 'SELECT * FROM persons ORDER BY id').all() as PersonRow[];
}

export function insertPerson(db: WritableDb, name: string | null, now = Date.now()): number {
  return Number(sql(db, 'INSERT INTO persons (name, created_at, updated_at) VALUES (?, ?, ?)').run(name, now, now).lastInsertRowid);
}

export function setPersonName(db: WritableDb, id: number, name: string | null, now = Date.now()): void {
  sql(db, 'UPDATE persons SET name = ?, updated_at = ? WHERE id = ?').run(name, now, id);
}

export function setPersonIgnored(db: WritableDb, id: number, ignored: boolean, now = Date.now()): void {
  sql(db, 'UPDATE persons SET ignored = ?, updated_at = ? WHERE id = ?').run(ignored ? 1 : 0, now, id);
}

export function setPersonStats(db: WritableDb, id: number, s: { embedder: string | null; sum: Buffer | null; count: number; representative: number | null }): void {
  sql(db, 'UPDATE persons SET embedder = ?, embedding_sum = ?, face_count = ?, representative_face_id = ? WHERE id = ?').run(s.embedder, s.sum, s.count, s.representative, id);
}

/** Restores a person's identity columns (undo); stats are recomputed after. */
export function upsertPerson(db: WritableDb, p: { id: number; name: string | null; ignored: number; created_at: number }, now = Date.now()): void {
  sql(db, 
    `INSERT INTO persons (id, name, ignored, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, ignored = excluded.ignored, updated_at = excluded.updated_at`,
  ).run(p.id, p.name, p.ignored, p.created_at, now);
}

export function deletePerson(db: WritableDb, id: number): void {
  sql(db, 'DELETE FROM persons WHERE id = ?').run(id);
}

/** Unnamed, not ignored groups left without faces (their ids are never reused). */
export function deleteEmptyGroups(db: WritableDb): number[] {
  return (
    sql(
      db,
        `DELETE FROM persons WHERE name IS NULL AND ignored = 0
         AND NOT EXISTS (SELECT 1 FROM face_person fp WHERE fp.person_id = persons.id) RETURNING id`,
      )
      .all() as { id: number }[]
  ).map((r) => r.id);
}

// ---- face_person ----

export function assignmentOf(db: ReadableDb, faceId: number): FacePersonRow | undefined {
  return sql(db, 'SELECT * FROM face_person WHERE face_id = ?').get(faceId) as FacePersonRow | undefined;
}

export function allAssignments(db: ReadableDb): FacePersonRow[] {
  return sql(db, 'SELECT * FROM face_person').all() as FacePersonRow[];
}

export function membersOf(db: ReadableDb, personId: number): FacePersonRow[] {
  return sql(db, 'SELECT * FROM face_person WHERE person_id = ? ORDER BY face_id').all(personId) as FacePersonRow[];
}

export function assign(
  db: WritableDb,
  faceId: number,
  personId: number,
  source: AssignmentSource,
  confirmed: boolean,
  similarity: number | null = null,
  now = Date.now(),
): void {
  sql(db, 
    `INSERT INTO face_person (face_id, person_id, source, confirmed, similarity, assigned_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (face_id) DO UPDATE SET person_id = excluded.person_id, source = excluded.source,
       confirmed = excluded.confirmed, similarity = excluded.similarity, assigned_at = excluded.assigned_at`,
  ).run(faceId, personId, source, confirmed ? 1 : 0, similarity, now);
}

export function restoreAssignment(db: WritableDb, row: FacePersonRow): void {
  // An upsert, not OR REPLACE: REPLACE deletes without firing the delete triggers that keep person counts.
  sql(
    db,
    `INSERT INTO face_person (face_id, person_id, source, confirmed, similarity, assigned_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (face_id) DO UPDATE SET person_id = excluded.person_id, source = excluded.source,
       confirmed = excluded.confirmed, similarity = excluded.similarity, assigned_at = excluded.assigned_at`,
  ).run(
    row.face_id,
    row.person_id,
    row.source,
    row.confirmed,
    row.similarity,
    row.assigned_at,
  );
}

export function unassign(db: WritableDb, faceId: number): void {
  sql(db, 'DELETE FROM face_person WHERE face_id = ?').run(faceId);
}

export function moveAllFaces(db: WritableDb, fromPerson: number, toPerson: number): number {
  return sql(db, 'UPDATE face_person SET person_id = ? WHERE person_id = ?').run(toPerson, fromPerson).changes;
}

/** Other faces of `personId` in the same photo as `fileId` (cannot-link check). */
export function personFacesInFile(db: ReadableDb, personId: number, fileId: number): FacePersonRow[] {
  return sql(
    db,'SELECT fp.* FROM face_person fp JOIN faces f ON f.id = fp.face_id WHERE fp.person_id = ? AND f.file_id = ?')
    .all(personId, fileId) as FacePersonRow[];
}

/** Photos that hold faces of both persons (merging them would break cannot-link). */
export function sharedFiles(db: ReadableDb, a: number, b: number): number[] {
  return (
    sql(
      db,
        `SELECT DISTINCT fa.file_id AS id FROM face_person pa JOIN faces fa ON fa.id = pa.face_id
         JOIN faces fb ON fb.file_id = fa.file_id JOIN face_person pb ON pb.face_id = fb.id
         WHERE pa.person_id = ? AND pb.person_id = ? AND fa.id != fb.id`,
      )
      .all(a, b) as { id: number }[]
  ).map((r) => r.id);
}

// ---- rejections and flags ----

export function addRejection(db: WritableDb, faceId: number, personId: number, now = Date.now()): void {
  sql(db, 'INSERT OR IGNORE INTO face_rejections (face_id, person_id, created_at) VALUES (?, ?, ?)').run(faceId, personId, now);
}

export function removeRejection(db: WritableDb, faceId: number, personId: number): void {
  sql(db, 'DELETE FROM face_rejections WHERE face_id = ? AND person_id = ?').run(faceId, personId);
}

export function isRejected(db: ReadableDb, faceId: number, personId: number): boolean {
  return sql(db, 'SELECT 1 FROM face_rejections WHERE face_id = ? AND person_id = ?').get(faceId, personId) !== undefined;
}

export function rejectionsOfFace(db: ReadableDb, faceId: number): RejectionRow[] {
  return sql(db, 'SELECT * FROM face_rejections WHERE face_id = ?').all(faceId) as RejectionRow[];
}

export function facesRejectedFor(db: ReadableDb, personId: number): number[] {
  return (sql(db, 'SELECT face_id FROM face_rejections WHERE person_id = ?').all(personId) as { face_id: number }[]).map((r) => r.face_id);
}

export function allRejections(db: ReadableDb): RejectionRow[] {
  return sql(db, 'SELECT * FROM face_rejections').all() as RejectionRow[];
}

export function replaceRejections(db: WritableDb, faceId: number, rows: readonly RejectionRow[]): void {
  sql(db, 'DELETE FROM face_rejections WHERE face_id = ?').run(faceId);
  const ins = sql(db, 'INSERT OR IGNORE INTO face_rejections (face_id, person_id, created_at) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM persons WHERE id = ?)');
  for (const r of rows) ins.run(r.face_id, r.person_id, r.created_at, r.person_id);
}

/** Rejections follow a merged-away person to the survivor. */
export function moveRejections(db: WritableDb, fromPerson: number, toPerson: number): void {
  sql(db, 'INSERT OR IGNORE INTO face_rejections (face_id, person_id, created_at) SELECT face_id, ?, created_at FROM face_rejections WHERE person_id = ?').run(toPerson, fromPerson);
  sql(db, 'DELETE FROM face_rejections WHERE person_id = ?').run(fromPerson);
}

export function flagOf(db: ReadableDb, faceId: number): FlagRow | undefined {
  return sql(db, 'SELECT * FROM face_flags WHERE face_id = ?').get(faceId) as FlagRow | undefined;
}

export function setFlag(db: WritableDb, faceId: number, flag: string, now = Date.now()): void {
  sql(db, 'INSERT OR REPLACE INTO face_flags (face_id, flag, created_at) VALUES (?, ?, ?)').run(faceId, flag, now);
}

export function replaceFlag(db: WritableDb, faceId: number, row: FlagRow | null): void {
  sql(db, 'DELETE FROM face_flags WHERE face_id = ?').run(faceId);
  if (row) sql(db, 'INSERT INTO face_flags (face_id, flag, created_at) VALUES (?, ?, ?)').run(row.face_id, row.flag, row.created_at);
}

// ---- action log ----

export function insertAction(db: WritableDb, kind: string, payload: unknown, before: unknown, now = Date.now()): number {
  return Number(sql(db, 'INSERT INTO person_actions (kind, payload, before, created_at) VALUES (?, ?, ?, ?)').run(kind, JSON.stringify(payload), JSON.stringify(before), now).lastInsertRowid);
}

/** The newest action that can still be undone. */
export function lastUndoableAction(db: ReadableDb): ActionRow | undefined {
  return sql(db, `SELECT * FROM person_actions WHERE undone_at IS NULL AND kind != 'undo' ORDER BY id DESC LIMIT 1`).get() as ActionRow | undefined;
}

export function markUndone(db: WritableDb, id: number, now = Date.now()): void {
  sql(db, 'UPDATE person_actions SET undone_at = ? WHERE id = ?').run(now, id);
}

export function listActions(db: ReadableDb, limit = 50): ActionRow[] {
  return sql(db, 'SELECT * FROM person_actions ORDER BY id DESC LIMIT ?').all(limit) as ActionRow[];
}

// ---- read models (CLI, API, show) ----

export interface PersonSummaryRow {
  id: number;
  name: string | null;
  ignored: number;
  representative_face_id: number | null;
  face_count: number;
  photo_count: number;
  created_at: number;
  updated_at: number;
}

export function personSummaries(db: ReadableDb): PersonSummaryRow[] {
  return sql(
    db,
      `SELECT p.id, p.name, p.ignored, p.representative_face_id, p.created_at, p.updated_at,
         coalesce(c.faces, 0) AS face_count, coalesce(c.photos, 0) AS photo_count
       FROM persons p LEFT JOIN person_counts c ON c.person_id = p.id
       ORDER BY p.id`,
    )
    .all() as PersonSummaryRow[];
}

export interface MemberBoxRow extends FaceBoxRow {
  person_id: number;
  source: AssignmentSource;
  confirmed: number;
  similarity: number | null;
}

export function memberBoxes(db: ReadableDb, personId?: number): MemberBoxRow[] {
  const base = `SELECT fp.person_id, fp.source, fp.confirmed, fp.similarity, f.id, f.file_id, fi.path,
      f.box_x, f.box_y, f.box_w, f.box_h, f.stored_x, f.stored_y, f.stored_w, f.stored_h, f.score, f.crop_path
    FROM face_person fp JOIN faces f ON f.id = fp.face_id JOIN files fi ON fi.id = f.file_id`;
  return (personId === undefined
    ? sql(db, `${base} ORDER BY fp.person_id, f.id`).all()
    : sql(db, `${base} WHERE fp.person_id = ? ORDER BY f.id`).all(personId)) as MemberBoxRow[];
}

export interface FilePersonRow extends MemberBoxRow {
  name: string;
}

/** Named, not ignored people in one photo, with their boxes (what writeback writes). */
export function namedFacesInFile(db: ReadableDb, fileId: number): FilePersonRow[] {
  return sql(
    db,
      `SELECT fp.person_id, fp.source, fp.confirmed, fp.similarity, p.name, f.id, f.file_id, fi.path,
         f.box_x, f.box_y, f.box_w, f.box_h, f.stored_x, f.stored_y, f.stored_w, f.stored_h, f.score, f.crop_path
       FROM faces f JOIN face_person fp ON fp.face_id = f.id JOIN persons p ON p.id = fp.person_id
       JOIN files fi ON fi.id = f.file_id
       WHERE f.file_id = ? AND p.name IS NOT NULL AND p.ignored = 0 ORDER BY f.idx, f.id`,
    )
    .all(fileId) as FilePersonRow[];
}

// ---- face memory (decisions about faces the faces pass replaced) ----

export interface FaceMemoryRow {
  id: number;
  file_id: number;
  stored_x: number | null;
  stored_y: number | null;
  stored_w: number | null;
  stored_h: number | null;
  person_id: number | null;
  source: AssignmentSource | null;
  confirmed: number | null;
  rejected: string;
  not_face: number;
  created_at: number;
}

export function faceMemoryOf(db: ReadableDb, fileId: number): FaceMemoryRow[] {
  return sql(db, 'SELECT * FROM face_memory WHERE file_id = ? ORDER BY id').all(fileId) as FaceMemoryRow[];
}

export function forgetFaceMemory(db: WritableDb, fileId: number): void {
  sql(db, 'DELETE FROM face_memory WHERE file_id = ?').run(fileId);
}

/** Memory of photos whose file row is gone. */
export function pruneFaceMemory(db: WritableDb): number {
  return sql(db, 'DELETE FROM face_memory WHERE file_id NOT IN (SELECT id FROM files)').run().changes;
}
