/**
 * Optional feature ports the API uses when the feature exists in this daemon. main.ts adapts each
 * feature module's exported functions to these shapes; a missing port makes its routes answer 503
 * API_FEATURE_UNAVAILABLE while everything else keeps working.
 */

type MaybePromise<T> = T | Promise<T>;

export interface SearchHit {
  fileId: number;
  /** Higher is better (cosine similarity for CLIP). */
  score: number;
  /** What matched ("text \"EXIT\"", "clip 0.31; tag dog"): the page's chips. */
  why?: string;
}

export interface SearchPort {
  /** Text query → best files, best first. */
  search(q: string, opts: { limit: number }): MaybePromise<SearchHit[]>;
  /** Files that look like this one (the file itself excluded), best first. */
  similar(fileId: number, opts: { limit: number }): MaybePromise<SearchHit[]>;
  /** The whole answer: hits plus what the query was read as (`parts`), what ran (`label`) and, with none, why (`empty`). */
  query?(q: string, opts: { limit: number }): MaybePromise<{ mode: string; label?: string; empty?: string; parts?: { kind: string; source: string; label: string }[]; results: (SearchHit & { why?: string })[] }>;
  /** False when no CLIP model is installed ("More like this" then says so). */
  clipInstalled?(): boolean;
}

/** People changes. Reads come straight from the agreed persons/face_person/faces tables. */
export interface PeoplePort {
  /** Names a person or unnamed group; returns the person id that now carries the name (may be a merge target). */
  name(personId: number, name: string): MaybePromise<{ personId: number } | void>;
  merge(fromPersonId: number, intoPersonId: number): MaybePromise<void>;
  /** Takes one face out of its person (it will not be put back automatically). */
  removeFace(faceId: number): MaybePromise<void>;
  ignore(personId: number, ignored: boolean): MaybePromise<void>;
  /** Reverts the last people change; returns a description or null when there is nothing to undo. */
  undo(): MaybePromise<string | null>;
  /** Puts one face with the named person (an unknown name creates that person); the viewer's "who is this?". */
  nameFace?(faceId: number, name: string): MaybePromise<{ personId: number }>;
  /** Groups the faces that fit no known person now ("Group now"); returns the grouping report. */
  group?(): MaybePromise<unknown>;
}

export interface WritebackPort {
  /** What writing this file's XMP would change now (JSON for the page). */
  preview(fileId: number): MaybePromise<unknown>;
  /** Writes (or queues) XMP for these files; returns how many were accepted. */
  apply(fileIds: readonly number[]): MaybePromise<number>;
  /** `rawlight writeback` run by the daemon's writer (paths: files or folders; none = all). */
  run?(o: { paths: readonly string[]; dryRun: boolean; repair: boolean; restore: boolean }): MaybePromise<unknown>;
  /** XMP state of one file for the detail view (sidecar, last write, conflicts). */
  state?(fileId: number): MaybePromise<unknown>;
}

export interface ModelState {
  role: string;
  id: string | null;
  present: boolean;
  /** What to do when it is missing or invalid. */
  hint?: string;
  [k: string]: unknown;
}

export interface ModelsPort {
  list(): MaybePromise<ModelState[]>;
}

export interface PermissionState {
  name: string;
  state: 'granted' | 'denied' | 'unknown' | 'not-needed';
  /** Exact binary that needs the grant (TCC grants belong to the binary that reads). */
  binary?: string;
  howTo?: string;
}

export interface PermissionsPort {
  check(): MaybePromise<PermissionState[]>;
}

/** Duplicate groups for the page's review view (rawlight never deletes or moves anything). */
export interface DuplicatesPort {
  find(): MaybePromise<{ groups: { kind: string; files: string[]; fileIds: number[]; keep: string }[]; confirmedBy: string }>;
  /** Marks the user's chosen files (a keyword through the normal writeback); returns how many. */
  mark?(fileIds: readonly number[], label?: string): MaybePromise<number>;
}

export interface UpkeepPort {
  status(): MaybePromise<unknown>;
}
