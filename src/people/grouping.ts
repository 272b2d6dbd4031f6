import type { Manifest } from '../ml/manifest.js';
import { requestPass } from '../queue/queue.js';
import { tx, type ReadableDb, type WritableDb } from '../store/db.js';
import { clusterFaces } from './clustering.js';
import { importXmpNames, type ImportedName } from './import.js';
import { knnGraph, type KnnOptions } from './neighbours.js';
import {
  allAssignments,
  allPersons,
  allRejections,
  assign,
  assignmentOf,
  deleteEmptyGroups,
  dominantEmbedder,
  faceExists,
  eligibleFacesByIds,
  fileIdsOfFaces,
  insertPerson,
  isRejected,
  iterateEligibleFaces,
  personFacesInFile,
  pruneFaceMemory,
  setPersonStats,
  unassign,
  type AssignmentSource,
  type FacePersonRow,
  type PersonRow,
} from './people.repository.js';
import { refreshPersonStats, summarize } from './person-stats.js';
import { recallFaceMemory, type Recalled } from './recall.js';
import { resolveThresholds, type GroupingThresholds } from './thresholds.js';
import { blobInto, blobToVector, vectorToBlob } from './vectors.js';

/**
 * Grouping faces into persons, incrementally as faces arrive (attachNewFaces) and fully on a
 * schedule (regroupAll). The rules both keep:
 * - a named (or ignored) person is never split, renamed or renumbered; its faces stay;
 * - a confirmed face (the user's or an XMP import's decision) never moves;
 * - two faces of one photo are never the same person (cannot-link);
 * - a face the user removed from a person is never put back there (face_rejections);
 * - a face marked "not a face" takes no part (face_flags).
 * User decisions are stored as these rows when made (actions.ts), so every re-run replays them.
 */

export interface GroupingOptions {
  /** Embedding model to group (default: the one most faces were made with). */
  embedder?: string;
  /** Overrides of the manifest's / default thresholds. */
  thresholds?: Partial<GroupingThresholds>;
  /** Model manifest for per-embedder thresholds (default: models/manifest.json if readable). */
  manifest?: Manifest | null;
  /** Smallest new unnamed group (default 2: two photos of someone are worth a name). */
  minClusterSize?: number;
  /** Neighbour-search settings (k, exactBelow, cellSize, nprobe). */
  knn?: Partial<KnnOptions>;
  /** Ask the writeback pass to revisit photos whose named people changed (default true). */
  writeback?: boolean;
  now?: number;
}

export const DefaultGroupingOptions = Object.freeze({ minClusterSize: 2, k: 12, writeback: true });

export interface AttachReport {
  embedder: string | null;
  /** Decisions restored onto faces the faces pass replaced. */
  recalled: Recalled[];
  imported: ImportedName[];
  attached: { faceId: number; personId: number; similarity: number }[];
  /** Faces left unassigned for the grouping job. */
  left: number[];
}

interface Centroid {
  id: number;
  named: boolean;
  sum: Float32Array;
  count: number;
}

function centroids(db: WritableDb, embedder: string): Centroid[] {
  let persons = allPersons(db);
  const stale = persons.filter((p) => p.embedder !== embedder && p.face_count > 0).map((p) => p.id);
  if (stale.length) {
    refreshPersonStats(db, stale, embedder);
    persons = allPersons(db);
  }
  return persons
    .filter((p) => p.embedder === embedder && p.face_count > 0 && p.embedding_sum)
    .map((p) => ({ id: p.id, named: p.name !== null && !p.ignored, sum: blobToVector(p.embedding_sum!), count: p.face_count }));
}

/**
 * Call after each faces-pass commit with the new face ids. Imports names from the photos' XMP,
 * then attaches each still-unassigned face to the person whose faces it resembles most (mean
 * similarity >= attach threshold), best matches first, keeping every rule above. Faces that fit
 * nobody stay unassigned until regroupAll clusters them. Runs in one transaction.
 */
export function attachNewFaces(db: WritableDb, faceIds: readonly number[], opts: GroupingOptions = {}): AttachReport {
  const now = opts.now ?? Date.now();
  return tx(db, () => {
    const fileOfFace = fileIdsOfFaces(db, faceIds);
    const fileIds = [...new Set(fileOfFace.values())];
    const recalled = recallFaceMemory(db, fileIds, now);
    const imported = importXmpNames(db, fileIds, now);
    const embedder = opts.embedder ?? dominantEmbedder(db);
    const restored = [...recalled.map((r) => r.personId), ...imported.map((i) => i.personId)].filter((p): p is number => p !== null);
    if (restored.length) refreshPersonStats(db, restored, embedder);
    const report: AttachReport = { embedder, recalled, imported, attached: [], left: [] };
    if (!embedder) return report;
    const th = resolveThresholds(embedder, opts.manifest, opts.thresholds);
    const faces = eligibleFacesByIds(db, embedder, faceIds).filter((f) => !assignmentOf(db, f.id));
    const people = centroids(db, embedder);
    const cands: { face: number; person: number; s: number }[] = [];
    const vecs = faces.map((f) => blobToVector(f.embedding));
    faces.forEach((_, fi) => {
      people.forEach((p, pi) => {
        let s = 0;
        const v = vecs[fi]!;
        for (let x = 0; x < v.length; x++) s += v[x]! * p.sum[x]!;
        s /= p.count;
        if (s >= th.attach) cands.push({ face: fi, person: pi, s });
      });
    });
    cands.sort((a, b) => b.s - a.s);
    const done = new Set<number>();
    const takenFile = new Set<string>();
    const touched = new Set<number>();
    const writebackFiles = new Set<number>();
    for (const c of cands) {
      const face = faces[c.face]!;
      const person = people[c.person]!;
      if (done.has(face.id)) continue;
      if (takenFile.has(`${person.id}:${face.file_id}`) || personFacesInFile(db, person.id, face.file_id).length > 0) continue;
      if (isRejected(db, face.id, person.id)) continue;
      assign(db, face.id, person.id, 'auto', false, c.s, now);
      done.add(face.id);
      takenFile.add(`${person.id}:${face.file_id}`);
      touched.add(person.id);
      report.attached.push({ faceId: face.id, personId: person.id, similarity: c.s });
      if (person.named) writebackFiles.add(face.file_id);
    }
    for (const i of imported) writebackFiles.add(fileOfFace.get(i.faceId)!);
    report.left = faces.filter((f) => !done.has(f.id)).map((f) => f.id);
    refreshPersonStats(db, touched, embedder);
    if (opts.writeback ?? true) for (const f of writebackFiles) requestPass(db, f, 'writeback');
    return report;
  });
}

export interface RegroupReport {
  embedder: string | null;
  faces: number;
  /** Faces attached to named or ignored persons. */
  attached: number;
  /** Faces in unnamed groups after the run. */
  grouped: number;
  unassigned: number;
  groups: { kept: number; created: number; removed: number };
  /** Faces whose assignment changed since the read and were left alone. */
  skippedConcurrent: number;
  refused: { cannotLink: number; anchor: number; chaining: number };
  ms: { load: number; neighbours: number; cluster: number; write: number; total: number };
}

/** Assignment sources as small integers in a RegroupPlan (0: none). */
const SOURCES: readonly (AssignmentSource | null)[] = [null, 'auto', 'cluster', 'user', 'import'];
const sourceCode = (s: AssignmentSource | null | undefined): number => Math.max(0, SOURCES.indexOf(s ?? null));

/**
 * What one full grouping decided for each free face, computed from a snapshot (planRegroup) and
 * applied by applyRegroup. Typed arrays, one entry per free face: the plan crosses from the worker
 * that computes it (threaded-regroup.ts) with its buffers transferred; a plan of Maps and row
 * objects took the main thread seconds to deserialise at 100K faces.
 */
export interface RegroupPlan {
  embedder: string;
  /** Embedding width; `m` holds one row of `d` floats per face of `ids` (every eligible face). */
  d: number;
  m: Float32Array;
  ids: Float64Array;
  /** The free faces (neither fixed on a named person nor anchored): their rows in `m`… */
  rows: Int32Array;
  /** …the person each goes to (NaN: none; negative: a group to create, same number same group)… */
  target: Float64Array;
  /** …how (a SOURCES code) and the attach similarity (NaN: none)… */
  source: Uint8Array;
  similarity: Float64Array;
  /** …and the assignment read with it (person NaN: none), which the write re-checks. */
  beforePerson: Float64Array;
  beforeSource: Uint8Array;
  beforeConfirmed: Uint8Array;
  files: Float64Array;
  /** Persons each free face was taken away from by the user (never put back there). */
  rejected: Map<number, number[]>;
  /** Named, not ignored persons: a face attached to one changes its photo's XMP. */
  named: Set<number>;
  groupsKept: number;
  refused: RegroupReport['refused'];
  ms: { load: number; neighbours: number; cluster: number };
}

/**
 * The full grouping job (scheduled, and after big imports). Reads every eligible face, attaches
 * free faces to named/ignored persons, re-clusters the rest with the constrained density method,
 * and maps the new clusters onto the existing unnamed groups by overlap so group ids stay put.
 * The computation runs outside any transaction; the write re-checks each face and leaves alone
 * any the user or the pipeline changed meanwhile. The daemon runs the reading and computing half
 * in a worker thread (threaded-regroup.ts); this runs both halves here.
 */
export async function regroupAll(db: WritableDb, opts: GroupingOptions = {}): Promise<RegroupReport> {
  const t0 = performance.now();
  const plan = await planRegroup(db, opts);
  return plan ? applyRegroup(db, plan, opts, t0) : emptyRegroupReport(null);
}

export function emptyRegroupReport(embedder: string | null): RegroupReport {
  return {
    embedder,
    faces: 0,
    attached: 0,
    grouped: 0,
    unassigned: 0,
    groups: { kept: 0, created: 0, removed: 0 },
    skippedConcurrent: 0,
    refused: { cannotLink: 0, anchor: 0, chaining: 0 },
    ms: { load: 0, neighbours: 0, cluster: 0, write: 0, total: 0 },
  };
}

/** The reading and computing half of regroupAll: null when no face has an embedder yet. */
export async function planRegroup(db: ReadableDb, opts: GroupingOptions = {}): Promise<RegroupPlan | null> {
  const t0 = performance.now();
  const embedder = opts.embedder ?? dominantEmbedder(db);
  if (!embedder) return null;
  const th = resolveThresholds(embedder, opts.manifest, opts.thresholds);
  const minClusterSize = opts.minClusterSize ?? DefaultGroupingOptions.minClusterSize;

  // ---- load ----
  const ids: number[] = [];
  const files: number[] = [];
  let d = 0;
  let m = new Float32Array(0);
  const persons = new Map<number, PersonRow>();
  const before = new Map<number, FacePersonRow>();
  const rejected = new Map<number, Set<number>>();
  // One read transaction: faces, people, assignments and rejections from the same moment (on the
  // worker's own connection the pipeline keeps writing meanwhile).
  db.transaction(() => {
    // Stream into a growing matrix: never holds the rows twice for long.
    let cap = 0;
    for (const r of iterateEligibleFaces(db, embedder)) {
      if (d === 0) d = r.embedding.byteLength / 4;
      if (r.embedding.byteLength !== d * 4) continue;
      if (ids.length === cap) {
        cap = Math.max(1024, cap * 2);
        const next = new Float32Array(cap * d);
        next.set(m);
        m = next;
      }
      blobInto(r.embedding, m, ids.length * d);
      ids.push(r.id);
      files.push(r.file_id);
    }
    for (const p of allPersons(db)) persons.set(p.id, p);
    const faceIds = new Set(ids);
    for (const a of allAssignments(db)) if (faceIds.has(a.face_id)) before.set(a.face_id, a);
    for (const r of allRejections(db)) rejected.set(r.face_id, (rejected.get(r.face_id) ?? new Set()).add(r.person_id));
  }).deferred();
  const n = ids.length;
  m = m.subarray(0, n * d);
  const tLoad = performance.now();

  const stable = (p: PersonRow | undefined) => !!p && (p.name !== null || p.ignored === 1);
  // fixed: stays where it is; anchor: confirmed member of an unnamed group; floating: free.
  const fixedPerson = new Int32Array(n).fill(-1);
  const anchorOf = new Int32Array(n).fill(-1);
  const floating: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = before.get(ids[i]!);
    const p = a ? persons.get(a.person_id) : undefined;
    if (a && stable(p)) fixedPerson[i] = a.person_id;
    else if (a && a.confirmed) anchorOf[i] = a.person_id;
    else floating.push(i);
  }
  const stableMembers = new Map<number, number[]>();
  const personFiles = new Map<number, Set<number>>();
  for (let i = 0; i < n; i++) {
    const p = fixedPerson[i]!;
    if (p < 0) continue;
    const list = stableMembers.get(p);
    if (list) list.push(i);
    else stableMembers.set(p, [i]);
    personFiles.set(p, (personFiles.get(p) ?? new Set()).add(files[i]!));
  }
  const stableIds = [...stableMembers.keys()];
  const stableSums = stableIds.map((p) => summarize(m, d, stableMembers.get(p)!));

  // ---- neighbours: free faces + anchored faces + one row per stable person (its mean) ----
  const rows: number[] = [...floating];
  for (let i = 0; i < n; i++) if (anchorOf[i]! >= 0) rows.push(i);
  const nFaces = rows.length;
  const X = new Float32Array((nFaces + stableIds.length) * d);
  rows.forEach((r, j) => X.set(m.subarray(r * d, r * d + d), j * d));
  stableSums.forEach((s, j) => {
    let norm = 0;
    for (let x = 0; x < d; x++) norm += s.sum[x]! * s.sum[x]!;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const o = (nFaces + j) * d;
    for (let x = 0; x < d; x++) X[o + x] = s.sum[x]! * inv;
  });
  const k = opts.knn?.k ?? DefaultGroupingOptions.k;
  const graph = await knnGraph(X, nFaces + stableIds.length, d, { ...opts.knn, k, minSim: Math.min(th.link, th.attach) - 0.15 });
  const tKnn = performance.now();

  // ---- attach free faces to stable persons (candidates = person rows among the neighbours) ----
  const target = new Map<number, number>(); // row in m -> person id (attach or cluster)
  const source = new Map<number, 'auto' | 'cluster'>();
  const similarity = new Map<number, number>();
  const active = new Uint8Array(nFaces + stableIds.length);
  for (let j = 0; j < nFaces; j++) active[j] = 1;
  {
    const cands: { j: number; p: number; s: number }[] = [];
    for (let j = 0; j < floating.length; j++) {
      const i = floating[j]!;
      for (let q = 0; q < k; q++) {
        const nb = graph.idx[j * k + q]!;
        if (nb < nFaces) continue; // only person rows
        const pj = nb - nFaces;
        const st = stableSums[pj]!;
        let s = 0;
        const o = i * d;
        for (let x = 0; x < d; x++) s += m[o + x]! * st.sum[x]!;
        s /= st.count;
        if (s >= th.attach) cands.push({ j, p: pj, s });
      }
    }
    cands.sort((a, b) => b.s - a.s);
    for (const c of cands) {
      const i = floating[c.j]!;
      if (!active[c.j]) continue;
      const pid = stableIds[c.p]!;
      const pf = personFiles.get(pid)!;
      if (pf.has(files[i]!) || rejected.get(ids[i]!)?.has(pid)) continue;
      pf.add(files[i]!);
      active[c.j] = 0;
      target.set(i, pid);
      source.set(i, 'auto');
      similarity.set(i, c.s);
    }
  }

  // ---- cluster what is left ----
  const fileOf = new Int32Array(nFaces + stableIds.length);
  const anchors = new Int32Array(nFaces + stableIds.length).fill(-1);
  rows.forEach((r, j) => {
    fileOf[j] = files[r]!;
    anchors[j] = anchorOf[r]!;
  });
  for (let j = nFaces; j < fileOf.length; j++) fileOf[j] = -1 - j;
  const clustered = clusterFaces({
    vectors: X,
    d,
    graph,
    fileOf,
    anchorOf: anchors,
    active,
    link: th.link,
    merge: th.merge,
    minClusterSize,
  });
  const tCluster = performance.now();

  // Map clusters to group ids: anchored clusters to their anchor, the rest by overlap with the
  // groups their faces were in before, new groups for the remainder.
  const clusterGroup = new Map<number, number>();
  const usedGroups = new Set<number>();
  const overlap = new Map<string, number>();
  rows.forEach((r, j) => {
    const c = clustered.labels[j]!;
    if (c < 0 || !active[j]) return;
    if (anchors[j]! >= 0 && !clusterGroup.has(c)) {
      clusterGroup.set(c, anchors[j]!);
      usedGroups.add(anchors[j]!);
    }
    const prev = before.get(ids[r]!);
    if (prev && !stable(persons.get(prev.person_id))) overlap.set(`${c}:${prev.person_id}`, (overlap.get(`${c}:${prev.person_id}`) ?? 0) + 1);
  });
  for (const [key] of [...overlap].sort((a, b) => b[1] - a[1])) {
    const [c, g] = key.split(':').map(Number) as [number, number];
    if (clusterGroup.has(c) || usedGroups.has(g)) continue;
    clusterGroup.set(c, g);
    usedGroups.add(g);
  }
  rows.forEach((r, j) => {
    const c = clustered.labels[j]!;
    if (c < 0 || !active[j] || anchors[j]! >= 0) return;
    target.set(r, clusterGroup.get(c) ?? -1 - c); // negative: a group to create
    source.set(r, 'cluster');
  });

  // The free faces' decisions as typed arrays (see RegroupPlan).
  const k2 = floating.length;
  const plan: RegroupPlan = {
    embedder, d, m,
    ids: Float64Array.from(ids),
    rows: Int32Array.from(floating),
    target: new Float64Array(k2).fill(Number.NaN),
    source: new Uint8Array(k2),
    similarity: new Float64Array(k2).fill(Number.NaN),
    beforePerson: new Float64Array(k2).fill(Number.NaN),
    beforeSource: new Uint8Array(k2),
    beforeConfirmed: new Uint8Array(k2),
    files: new Float64Array(k2),
    rejected: new Map(),
    named: new Set([...persons.values()].filter((p) => p.name !== null && !p.ignored).map((p) => p.id)),
    groupsKept: usedGroups.size,
    refused: clustered.refused,
    ms: { load: Math.round(tLoad - t0), neighbours: Math.round(tKnn - tLoad), cluster: Math.round(tCluster - tKnn) },
  };
  floating.forEach((i, j) => {
    const faceId = ids[i]!;
    const t = target.get(i);
    if (t !== undefined) plan.target[j] = t;
    plan.source[j] = sourceCode(source.get(i));
    const sim = similarity.get(i);
    if (sim !== undefined) plan.similarity[j] = sim;
    const b = before.get(faceId);
    if (b) {
      plan.beforePerson[j] = b.person_id;
      plan.beforeSource[j] = sourceCode(b.source);
      plan.beforeConfirmed[j] = b.confirmed ? 1 : 0;
    }
    plan.files[j] = files[i]!;
    const r = rejected.get(faceId);
    if (r) plan.rejected.set(faceId, [...r]);
  });
  return plan;
}

/** Faces written per transaction by applyRegroup; the event loop runs between them. */
const WRITE_CHUNK = 500;

/**
 * The writing half of regroupAll, on the daemon's writer, in transactions of WRITE_CHUNK faces
 * with the event loop free in between (writing 100K assignments at once held the pipeline and the
 * API for seconds): each free face goes to its planned person unless its assignment changed since
 * the plan read it (the user or the pipeline was faster, checked in the face's own transaction);
 * then one last transaction removes empty groups and recomputes every person's stats. A crash
 * between chunks leaves a consistent, partly regrouped state that the next run completes.
 */
export async function applyRegroup(db: WritableDb, plan: RegroupPlan, opts: GroupingOptions = {}, t0 = performance.now()): Promise<RegroupReport> {
  const { embedder, d, m, ids, rows } = plan;
  const now = opts.now ?? Date.now();
  const report: RegroupReport = { ...emptyRegroupReport(embedder), faces: ids.length, refused: plan.refused };
  const tWrite0 = performance.now();
  const created = new Map<number, number>();
  const writebackFiles = new Set<number>();
  const sameAsBefore = (j: number, current: FacePersonRow | undefined) =>
    current
      ? plan.beforePerson[j] === current.person_id && plan.beforeSource[j] === sourceCode(current.source) && plan.beforeConfirmed[j] === (current.confirmed ? 1 : 0)
      : Number.isNaN(plan.beforePerson[j]!);
  for (let start = 0; start < rows.length; start += WRITE_CHUNK) {
    if (start > 0) await new Promise((r) => setImmediate(r));
    tx(db, () => {
      for (let j = start; j < Math.min(rows.length, start + WRITE_CHUNK); j++) {
        const faceId = ids[rows[j]!]!;
        const prev = assignmentOf(db, faceId);
        // Changed meanwhile, or gone (its photo deleted or its faces found again): left alone.
        if (!sameAsBefore(j, prev) || (!prev && !faceExists(db, faceId))) {
          report.skippedConcurrent++;
          continue;
        }
        let pid: number | undefined = Number.isNaN(plan.target[j]!) ? undefined : plan.target[j]!;
        if (pid !== undefined && pid < 0) {
          let made = created.get(pid);
          if (made === undefined) {
            made = insertPerson(db, null, now);
            created.set(pid, made);
          }
          pid = made;
        }
        if (pid !== undefined && plan.rejected.get(faceId)?.includes(pid)) pid = undefined;
        if (pid === undefined) {
          if (prev) unassign(db, faceId);
          report.unassigned++;
          continue;
        }
        const how = SOURCES[plan.source[j]!] as 'auto' | 'cluster';
        if (how === 'auto') {
          report.attached++;
          if (plan.named.has(pid)) writebackFiles.add(plan.files[j]!);
        } else report.grouped++;
        if (prev?.person_id === pid) continue;
        assign(db, faceId, pid, how, false, Number.isNaN(plan.similarity[j]!) ? null : plan.similarity[j]!, now);
      }
    });
  }
  await new Promise((r) => setImmediate(r));
  tx(db, () => {
    const removed = deleteEmptyGroups(db);
    pruneFaceMemory(db);
    report.groups = { kept: plan.groupsKept, created: created.size, removed: removed.length };

    // Stats of every person from the final membership (faces of this embedder in memory).
    const rowOf = new Map<number, number>();
    ids.forEach((id, i) => rowOf.set(id, i));
    const members = new Map<number, number[]>();
    for (const a of allAssignments(db)) {
      const r = rowOf.get(a.face_id);
      if (r === undefined) continue;
      const list = members.get(a.person_id);
      if (list) list.push(r);
      else members.set(a.person_id, [r]);
    }
    for (const p of allPersons(db)) {
      const rs = members.get(p.id) ?? [];
      if (rs.length === 0) {
        setPersonStats(db, p.id, { embedder, sum: null, count: 0, representative: null });
        continue;
      }
      const s = summarize(m, d, rs);
      setPersonStats(db, p.id, { embedder, sum: vectorToBlob(s.sum), count: s.count, representative: ids[rs[s.representative]!]! });
    }
    if (opts.writeback ?? true) for (const f of writebackFiles) requestPass(db, f, 'writeback');
  });
  const tEnd = performance.now();
  report.ms = { ...plan.ms, write: Math.round(tEnd - tWrite0), total: Math.round(tEnd - t0) };
  return report;
}
