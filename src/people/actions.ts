import { DaemonError } from '../errors/index.js';
import { requestPass } from '../queue/queue.js';
import { tx, type WritableDb } from '../store/db.js';
import {
  addRejection,
  assign,
  assignmentOf,
  deleteEmptyGroups,
  deletePerson,
  faceExists,
  facesRejectedFor,
  fileOfFace,
  filesOfFaces,
  filesOfPerson,
  flagOf,
  getPerson,
  insertAction,
  insertPerson,
  lastUndoableAction,
  markUndone,
  membersOf,
  moveAllFaces,
  moveRejections,
  personByName,
  personFacesInFile,
  rejectionsOfFace,
  removeRejection,
  replaceFlag,
  replaceRejections,
  restoreAssignment,
  setFlag,
  setPersonIgnored,
  setPersonName,
  sharedFiles,
  unassign,
  upsertPerson,
  type FacePersonRow,
  type FlagRow,
  type RejectionRow,
} from './people.repository.js';
import { refreshPersonStats } from './person-stats.js';

/**
 * What a user does with people. Every action runs in one transaction, records itself in
 * person_actions with a snapshot of the rows it is about to change (so `undo` restores exactly
 * those), stores its decision as durable rows the grouping job respects (names, confirmed
 * assignments, rejections, flags, ignored), and asks the writeback pass to revisit each photo
 * whose written names may change.
 */

export type ActionKind = 'name' | 'rename' | 'merge' | 'remove_face' | 'move_face' | 'ignore' | 'unignore' | 'not_face';

export interface ActionResult {
  actionId: number;
  kind: ActionKind | 'undo';
  /** The person the action ended on (the survivor of a merge, the target of a move). */
  personId: number | null;
  /** Photos queued for writeback. */
  files: number[];
  details: Record<string, unknown>;
}

interface Snapshot {
  persons: { id: number; row: { id: number; name: string | null; ignored: number; created_at: number } | null }[];
  faces: { id: number; assignment: FacePersonRow | null; rejections: RejectionRow[]; flag: FlagRow | null }[];
}

/** A person by id ("12") or by name (case-insensitive). */
export function resolvePerson(db: WritableDb, ref: string | number): number {
  if (typeof ref === 'number' || /^\d+$/.test(ref.trim())) {
    const id = Number(ref);
    if (getPerson(db, id)) return id;
    throw new DaemonError('PERSON_NOT_FOUND', `no person or group with id ${id}`);
  }
  const p = personByName(db, ref.trim());
  if (!p) throw new DaemonError('PERSON_NOT_FOUND', `no person named "${ref}"`);
  return p.id;
}

function checkName(name: string): string {
  const n = name.trim();
  if (n === '' || n.length > 200 || /[\n\r|]/.test(n)) throw new DaemonError('PERSON_NAME_INVALID', JSON.stringify(name));
  return n;
}

function checkFace(db: WritableDb, faceId: number): void {
  if (!Number.isInteger(faceId) || !faceExists(db, faceId)) throw new DaemonError('FACE_NOT_FOUND', `no face with id ${faceId}`);
}

function snapshot(db: WritableDb, personIds: readonly number[], faceIds: readonly number[]): Snapshot {
  return {
    persons: [...new Set(personIds)].map((id) => {
      const p = getPerson(db, id);
      return { id, row: p ? { id: p.id, name: p.name, ignored: p.ignored, created_at: p.created_at } : null };
    }),
    faces: [...new Set(faceIds)].map((id) => ({
      id,
      assignment: assignmentOf(db, id) ?? null,
      rejections: rejectionsOfFace(db, id),
      flag: flagOf(db, id) ?? null,
    })),
  };
}

function isNamed(db: WritableDb, personId: number | null | undefined): boolean {
  if (personId === null || personId === undefined) return false;
  const p = getPerson(db, personId);
  return !!p && p.name !== null;
}

function queueWriteback(db: WritableDb, files: Iterable<number>): number[] {
  const list = [...new Set(files)];
  for (const f of list) requestPass(db, f, 'writeback');
  return list;
}

/**
 * Runs one action: snapshot the rows it names, apply it, log it, refresh the persons' stats,
 * queue writeback for `files()` (evaluated after the change).
 */
function perform(
  db: WritableDb,
  kind: ActionKind,
  scope: { persons: number[]; faces: number[] },
  apply: () => { personId: number | null; created?: number[]; details?: Record<string, unknown>; files: () => Iterable<number> },
): ActionResult {
  return tx(db, () => {
    const now = Date.now();
    const before = snapshot(db, scope.persons, scope.faces);
    const out = apply();
    // Persons the action created did not exist before: undo deletes them.
    for (const id of out.created ?? []) before.persons.push({ id, row: null });
    const payload = { ...out.details, personId: out.personId };
    const actionId = insertAction(db, kind, payload, before, now);
    refreshPersonStats(db, [...before.persons.map((p) => p.id), ...(out.personId !== null ? [out.personId] : [])]);
    return { actionId, kind, personId: out.personId, files: queueWriteback(db, out.files()), details: out.details ?? {} };
  });
}

/**
 * Names a group or person. If another person already has that name, this one joins it (a merge
 * into the named person: the way "name once" works across groups). Naming a named person renames
 * it.
 */
export function namePerson(db: WritableDb, ref: string | number, rawName: string): ActionResult {
  const name = checkName(rawName);
  const id = resolvePerson(db, ref);
  const person = getPerson(db, id)!;
  const other = personByName(db, name);
  if (other && other.id !== id) {
    const shared = sharedFiles(db, id, other.id);
    if (shared.length) throw new DaemonError('PERSON_CONFLICT', `${id} and "${other.name}" (${other.id}) both appear in ${shared.length} photo(s); remove the wrong face first`, { details: { files: shared } });
    const faces = [...membersOf(db, id).map((m) => m.face_id), ...facesRejectedFor(db, id), ...facesRejectedFor(db, other.id)];
    return perform(db, person.name === null ? 'name' : 'rename', { persons: [id, other.id], faces }, () => {
      moveAllFaces(db, id, other.id);
      moveRejections(db, id, other.id);
      deletePerson(db, id);
      return { personId: other.id, details: { from: id, name: other.name, joined: other.id }, files: () => filesOfPerson(db, other.id) };
    });
  }
  return perform(db, person.name === null ? 'name' : 'rename', { persons: [id], faces: [] }, () => {
    setPersonName(db, id, name);
    return { personId: id, details: { name, previous: person.name }, files: () => filesOfPerson(db, id) };
  });
}

export const renamePerson = namePerson;

/**
 * Merges two persons or groups into one. The survivor keeps its id: a named person survives an
 * unnamed group whichever way round they are given; otherwise `into` survives.
 */
export function mergePeople(db: WritableDb, fromRef: string | number, intoRef: string | number): ActionResult {
  let from = resolvePerson(db, fromRef);
  let into = resolvePerson(db, intoRef);
  if (from === into) throw new DaemonError('PERSON_CONFLICT', 'cannot merge a person with itself');
  if (!isNamed(db, into) && isNamed(db, from)) [from, into] = [into, from];
  const shared = sharedFiles(db, from, into);
  if (shared.length) throw new DaemonError('PERSON_CONFLICT', `${from} and ${into} both appear in ${shared.length} photo(s); remove the wrong face first`, { details: { files: shared } });
  const faces = [...membersOf(db, from), ...membersOf(db, into)].map((m) => m.face_id).concat(facesRejectedFor(db, from), facesRejectedFor(db, into));
  const namesChange = isNamed(db, from) || isNamed(db, into);
  // The names before: a merge of two named people drops one of them (said by the CLI and the page).
  const fromName = getPerson(db, from)?.name ?? null;
  const intoName = getPerson(db, into)?.name ?? null;
  return perform(db, 'merge', { persons: [from, into], faces }, () => {
    const moved = moveAllFaces(db, from, into);
    moveRejections(db, from, into);
    deletePerson(db, from);
    return { personId: into, details: { from, into, moved, fromName, intoName }, files: () => (namesChange ? filesOfPerson(db, into) : []) };
  });
}

/** Takes a face out of its person; it is never suggested for that person again. */
export function removeFace(db: WritableDb, faceId: number): ActionResult {
  checkFace(db, faceId);
  const a = assignmentOf(db, faceId);
  if (!a) throw new DaemonError('PERSON_NOT_FOUND', `face ${faceId} is not in any person`);
  return perform(db, 'remove_face', { persons: [a.person_id], faces: [faceId] }, () => {
    const named = isNamed(db, a.person_id);
    unassign(db, faceId);
    addRejection(db, faceId, a.person_id);
    deleteEmptyGroups(db);
    return { personId: a.person_id, details: { faceId, from: a.person_id }, files: () => (named ? filesOfFaces(db, [faceId]) : []) };
  });
}

/**
 * Moves a face to another person (by id or name; an unknown name creates that person). The face
 * becomes a confirmed member and is rejected for its old person. Another face of the same photo
 * in the target is taken out (cannot-link), unless it is confirmed: then the move is refused.
 */
export function moveFace(db: WritableDb, faceId: number, targetRef: string | number): ActionResult {
  checkFace(db, faceId);
  let target: number | null = null;
  let newName: string | null = null;
  try {
    target = resolvePerson(db, targetRef);
  } catch (e) {
    if (typeof targetRef === 'number' || /^\d+$/.test(String(targetRef).trim())) throw e;
    newName = checkName(String(targetRef));
  }
  const a = assignmentOf(db, faceId);
  if (target !== null && a?.person_id === target) throw new DaemonError('PERSON_CONFLICT', `face ${faceId} is already in person ${target}`);
  const fileId = fileOfFace(db, faceId)!;
  const clash = target === null ? [] : personFacesInFile(db, target, fileId).filter((r) => r.face_id !== faceId);
  const confirmedClash = clash.filter((r) => r.confirmed);
  if (confirmedClash.length) {
    throw new DaemonError('PERSON_CONFLICT', `person ${target} already has confirmed face ${confirmedClash[0]!.face_id} in this photo`, { details: { faces: confirmedClash.map((r) => r.face_id) } });
  }
  const scopePersons = [...(a ? [a.person_id] : []), ...(target !== null ? [target] : [])];
  const scopeFaces = [faceId, ...clash.map((r) => r.face_id)];
  const namesInvolved = isNamed(db, a?.person_id) || isNamed(db, target) || newName !== null;
  return perform(db, 'move_face', { persons: scopePersons, faces: scopeFaces }, () => {
    const created: number[] = [];
    let to = target;
    if (to === null) {
      to = insertPerson(db, newName);
      created.push(to);
    }
    for (const r of clash) {
      unassign(db, r.face_id);
      addRejection(db, r.face_id, to);
    }
    if (a) addRejection(db, faceId, a.person_id);
    removeRejection(db, faceId, to);
    replaceFlag(db, faceId, null);
    assign(db, faceId, to, 'user', true);
    deleteEmptyGroups(db);
    return {
      personId: to,
      created,
      details: { faceId, from: a?.person_id ?? null, to, evicted: clash.map((r) => r.face_id) },
      files: () => (namesInvolved ? filesOfFaces(db, scopeFaces) : []),
    };
  });
}

/** Ignores (or stops ignoring) a person or group: its faces stay with it, out of names and suggestions. */
export function ignorePerson(db: WritableDb, ref: string | number, ignored = true): ActionResult {
  const id = resolvePerson(db, ref);
  return perform(db, ignored ? 'ignore' : 'unignore', { persons: [id], faces: [] }, () => {
    setPersonIgnored(db, id, ignored);
    return { personId: id, details: { ignored }, files: () => (isNamed(db, id) ? filesOfPerson(db, id) : []) };
  });
}

/** Marks a detection as not a face: out of every person, group and suggestion. */
export function markNotFace(db: WritableDb, faceId: number): ActionResult {
  checkFace(db, faceId);
  const a = assignmentOf(db, faceId);
  return perform(db, 'not_face', { persons: a ? [a.person_id] : [], faces: [faceId] }, () => {
    const named = isNamed(db, a?.person_id);
    unassign(db, faceId);
    setFlag(db, faceId, 'not_face');
    deleteEmptyGroups(db);
    return { personId: a?.person_id ?? null, details: { faceId, from: a?.person_id ?? null }, files: () => (named ? filesOfFaces(db, [faceId]) : []) };
  });
}

/**
 * Undoes the newest action not yet undone: the persons and face rows it changed go back to their
 * snapshot (persons it created are deleted). Repeated undo walks further back.
 */
export function undoLast(db: WritableDb): ActionResult {
  return tx(db, () => {
    const last = lastUndoableAction(db);
    if (!last) throw new DaemonError('NOTHING_TO_UNDO');
    const before = JSON.parse(last.before) as Snapshot;
    const personIds = before.persons.map((p) => p.id);
    const faceIds = before.faces.map((f) => f.id).filter((id) => faceExists(db, id));
    const files = new Set<number>([...filesOfFaces(db, faceIds), ...personIds.flatMap((id) => filesOfPerson(db, id))]);
    const now = Date.now();
    for (const p of before.persons) {
      if (!p.row) continue;
      const holder = p.row.name === null ? undefined : personByName(db, p.row.name);
      if (holder && holder.id !== p.id) throw new DaemonError('PERSON_CONFLICT', `cannot undo: the name "${p.row.name}" now belongs to person ${holder.id}`);
      upsertPerson(db, p.row, now);
    }
    for (const f of before.faces) {
      if (!faceExists(db, f.id)) continue;
      unassign(db, f.id);
      if (f.assignment && getPerson(db, f.assignment.person_id)) restoreAssignment(db, f.assignment);
      replaceRejections(db, f.id, f.rejections);
      replaceFlag(db, f.id, f.flag);
    }
    for (const p of before.persons) if (!p.row) deletePerson(db, p.id);
    deleteEmptyGroups(db);
    markUndone(db, last.id, now);
    const actionId = insertAction(db, 'undo', { undid: last.id, kind: last.kind }, { persons: [], faces: [] }, now);
    refreshPersonStats(db, personIds);
    for (const id of personIds) for (const f of getPerson(db, id) ? filesOfPerson(db, id) : []) files.add(f);
    return { actionId, kind: 'undo' as const, personId: null, files: queueWriteback(db, files), details: { undid: last.id, kind: last.kind } };
  });
}
