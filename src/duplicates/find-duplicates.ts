import path from 'node:path';
import type { ReadableDb } from '../store/db.js';
import { bandsOf, hammingSplit, split, type SplitHash } from './dhash.js';
import { duplicateCandidates, faceBoxes, type DuplicateCandidateRow } from './image-hash.repository.js';
import { measureQuality, type ImageQuality } from './quality.js';
import type { SimilarityJudge } from './similarity.js';

export type DuplicateKind = 'exact' | 'near' | 'burst';

/** One group of `rawlight duplicates --json` (extend, never rename). */
export interface DuplicateGroup {
  kind: DuplicateKind;
  files: string[];
  /** The files' ids, in the same order (the page's thumbnails). */
  fileIds: number[];
  /** The suggested one to keep (rawlight never deletes or moves anything). */
  keep: string;
  /** Per file, what `keep` compared (same order as files). */
  measured: { path: string; width: number | null; height: number | null; sharpness: number | null; faceSharpness: number | null; exposure: number | null }[];
}

export interface DuplicateOptions {
  /** dHash bits two previews may differ by to be candidates (re-encoded/resized/cropped copies: ≤ 5 on the fixtures; unrelated: ≥ 8). */
  maxHashDistance: number;
  /** Consecutive frames of one camera at most this far apart form a burst. */
  burstWindowMs: number;
  /** Without an embedding judge, hashes this close are taken as the same picture on their own. */
  hashOnlyDistance: number;
  /**
   * An original beside its edit (same camera, same instant to the millisecond, names like
   * IMG_4120/IMG_E4120) needs only this share of the judge's threshold: the edit may be cropped
   * to another shape (the fixture iPhone edit scores 0.74 with the classifier).
   */
  editLeniency: number;
  /** Burst frames' hashes differ by at most this many bits (the scene, not the pixels). */
  burstHashDistance: number;
}

export const DefaultDuplicateOptions: Readonly<DuplicateOptions> = Object.freeze({ maxHashDistance: 7, burstWindowMs: 1000, hashOnlyDistance: 2, editLeniency: 0.8, burstHashDistance: 16 });

export interface DuplicateDeps {
  db: ReadableDb;
  /** Folder the previews' relative paths start from. */
  cacheDir: string;
  /** Confirms hash candidates (CLIP or the classifier); null: hashes alone, stricter. */
  judge: SimilarityJudge | null;
}

class UnionFind {
  private readonly parent = new Map<number, number>();
  find(a: number): number {
    let p = this.parent.get(a) ?? a;
    if (p !== a) {
      p = this.find(p);
      this.parent.set(a, p);
    }
    return p;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
  groups(ids: Iterable<number>): number[][] {
    const by = new Map<number, number[]>();
    for (const id of ids) {
      const r = this.find(id);
      const list = by.get(r);
      if (list) list.push(id);
      else by.set(r, [id]);
    }
    return [...by.values()].filter((g) => g.length > 1);
  }
}

const camera = (r: DuplicateCandidateRow) => (r.make || r.model ? `${r.make ?? ''}|${r.model ?? ''}` : null);
const stem = (p: string) => path.basename(p, path.extname(p)).toLowerCase();

/**
 * An original beside its edit: the same frame saved again (Apple's IMG_E4120 beside IMG_4120,
 * "DSC_0001-edit", "DSC_0001 copy"). Bursts are different frames, so this tells them apart.
 */
export function isEditPair(a: string, b: string): boolean {
  return editStem(a) === editStem(b);
}

const COPY_MARK = /[-_ ]?(edit(ed)?|copy|\(\d+\))$/;
const editStem = (p: string) => stem(p).replace(/(^|[^a-z])img_e(\d)/, '$1img_$2').replace(COPY_MARK, '');
/** "IMG_E4120", "x-edit", "x copy", "x (1)": a file saved from another. */
const looksDerived = (p: string) => editStem(p) !== stem(p);

/** A hash of an (almost) flat image (black placeholder previews) says nothing about the picture. */
function featureless(h: SplitHash): boolean {
  const bits = hammingSplit(h, { hi: 0, lo: 0 });
  return bits < 4 || bits > 60;
}

/** Pairs of hashes within `max` bits: 4 bands of 16 bits, each probed at distance ≤ 1, finds every pair within 7. */
export function hashPairs(items: { id: number; h: SplitHash }[], max: number): [number, number][] {
  const tables = [0, 1, 2, 3].map(() => new Map<number, number[]>());
  items.forEach((it, i) =>
    bandsOf(it.h).forEach((b, k) => {
      const list = tables[k]!.get(b);
      if (list) list.push(i);
      else tables[k]!.set(b, [i]);
    }),
  );
  const seen = new Set<number>();
  const out: [number, number][] = [];
  items.forEach((it, i) => {
    bandsOf(it.h).forEach((b, k) => {
      for (let bit = -1; bit < 16; bit++) {
        const probe = bit < 0 ? b : b ^ (1 << bit);
        for (const j of tables[k]!.get(probe) ?? []) {
          if (j <= i) continue;
          // A pair met through several bands or probes is checked once.
          const key = i * items.length + j;
          if (seen.has(key)) continue;
          seen.add(key);
          if (hammingSplit(it.h, items[j]!.h) <= max) out.push([it.id, items[j]!.id]);
        }
      }
    });
  });
  return out;
}

/**
 * Finds exact copies (same content hash), near duplicates (the same picture re-encoded, resized,
 * lightly cropped or edited: close perceptual hashes, or an original beside its edit, confirmed
 * by an image embedding) and bursts (one camera's consecutive frames within about a second), and
 * suggests which to keep. Each file is in at most one near or burst group; near and burst groups
 * hold one file per content hash (its byte copies are in the exact group).
 */
export async function findDuplicates(deps: DuplicateDeps, opts: Partial<DuplicateOptions> = {}): Promise<DuplicateGroup[]> {
  const o = { ...DefaultDuplicateOptions, ...opts };
  const rows = duplicateCandidates(deps.db);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const groups: { kind: DuplicateKind; ids: number[] }[] = [];

  // Exact: one representative per content hash goes on to the visual checks.
  const byContent = new Map<string, number[]>();
  const reps: DuplicateCandidateRow[] = [];
  for (const r of rows) {
    if (!r.content_hash) {
      reps.push(r);
      continue;
    }
    const list = byContent.get(r.content_hash);
    if (list) list.push(r.id);
    else {
      byContent.set(r.content_hash, [r.id]);
      reps.push(r);
    }
  }
  for (const ids of byContent.values()) if (ids.length > 1) groups.push({ kind: 'exact', ids });

  // Bursts and edits: one camera's frames sorted by time.
  const burstLinks: [number, number][] = [];
  const nearCandidates = new Map<string, [number, number]>();
  const pairKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);
  const timed = reps.filter((r) => camera(r) && r.captured_ts !== null).sort((a, b) => camera(a)!.localeCompare(camera(b)!) || a.captured_ts! - b.captured_ts! || a.id - b.id);
  const isBurstPair = new Set<string>();
  const edits = new Set<string>();
  for (let i = 0; i < timed.length; i++) {
    let linked = false;
    for (let j = i + 1; j < timed.length; j++) {
      const a = timed[i]!;
      const b = timed[j]!;
      if (camera(a) !== camera(b) || b.captured_ts! - a.captured_ts! > o.burstWindowMs) break;
      // The same instant with sub-second precision is the same exposure saved twice (an edit,
      // two crops of one frame), never two frames of a burst.
      // Two crops of one frame are only near duplicates if their hashes say so (below).
      if (isEditPair(a.path, b.path)) {
        nearCandidates.set(pairKey(a.id, b.id), [a.id, b.id]);
        edits.add(pairKey(a.id, b.id));
        continue;
      }
      if (a.captured_ts === b.captured_ts && a.captured_ts! % 1000 !== 0) continue;
      // Frames of one burst show one scene: a hash that differs in more than a quarter of its bits
      // (unrelated photos: ~half), or none to compare, is another photo at that second.
      if (a.dhash === null || b.dhash === null || featureless(split(a.dhash)) || featureless(split(b.dhash)) || hammingSplit(split(a.dhash), split(b.dhash)) > o.burstHashDistance) continue;
      isBurstPair.add(pairKey(a.id, b.id));
      if (!linked) burstLinks.push([a.id, b.id]);
      linked = true;
    }
  }

  // Near: close perceptual hashes (not frames of one burst), then the embedding must agree.
  const hashed = reps.filter((r) => r.dhash !== null).map((r) => ({ id: r.id, h: split(r.dhash!) })).filter((x) => !featureless(x.h));
  for (const [a, b] of hashPairs(hashed, o.maxHashDistance)) {
    const ca = camera(byId.get(a)!);
    const cb = camera(byId.get(b)!);
    // Re-encoding or editing keeps (or strips) the camera, never changes it: two cameras on the
    // same chart are two photos.
    if (ca && cb && ca !== cb) continue;
    if (!isBurstPair.has(pairKey(a, b))) nearCandidates.set(pairKey(a, b), [a, b]);
  }
  const near = new UnionFind();
  for (const [a, b] of nearCandidates.values()) {
    const ra = byId.get(a)!;
    const rb = byId.get(b)!;
    if (deps.judge) {
      const s = await deps.judge.similarity(ra, rb);
      if (s !== null) {
        if (s >= deps.judge.threshold * (edits.has(pairKey(a, b)) ? o.editLeniency : 1)) near.union(a, b);
        continue;
      }
    }
    // No embedding to ask: only near-identical hashes.
    if (ra.dhash !== null && rb.dhash !== null && hammingSplit(split(ra.dhash), split(rb.dhash)) <= o.hashOnlyDistance) near.union(a, b);
  }
  const nearGroups = near.groups(new Set([...nearCandidates.values()].flat()));
  const inNear = new Set(nearGroups.flat());
  for (const ids of nearGroups) groups.push({ kind: 'near', ids });

  const burst = new UnionFind();
  for (const [a, b] of burstLinks) if (!inNear.has(a) && !inNear.has(b)) burst.union(a, b);
  for (const ids of burst.groups(new Set(burstLinks.flat().filter((id) => !inNear.has(id))))) groups.push({ kind: 'burst', ids });

  // Keep: measured only for the files in groups.
  const faces = faceBoxes(deps.db, groups.flatMap((g) => g.ids));
  const quality = new Map<number, ImageQuality | null>();
  const q = async (r: DuplicateCandidateRow) => {
    if (!quality.has(r.id)) quality.set(r.id, r.preview_path ? await measureQuality(path.join(deps.cacheDir, r.preview_path), faces.get(r.id) ?? []).catch(() => null) : null);
    return quality.get(r.id)!;
  };
  const out: DuplicateGroup[] = [];
  for (const g of groups) {
    const members = g.ids.map((id) => byId.get(id)!).sort((a, b) => a.path.localeCompare(b.path));
    const measured = [];
    for (const r of members) {
      const mq = g.kind === 'exact' ? null : await q(r);
      measured.push({ row: r, q: mq });
    }
    const allFaces = measured.every((m) => m.q?.faceSharpness != null);
    const ranked = [...measured].sort((x, y) => compareForKeep(x.row, x.q, y.row, y.q, allFaces));
    out.push({
      kind: g.kind,
      files: members.map((r) => r.path),
      fileIds: members.map((r) => r.id),
      keep: ranked[0]!.row.path,
      measured: measured.map((m) => ({ path: m.row.path, width: m.row.width, height: m.row.height, sharpness: m.q ? round(m.q.sharpness) : null, faceSharpness: m.q?.faceSharpness != null ? round(m.q.faceSharpness) : null, exposure: m.q ? round(m.q.exposure) : null })),
    });
  }
  const order: Record<DuplicateKind, number> = { exact: 0, near: 1, burst: 2 };
  return out.sort((a, b) => order[a.kind] - order[b.kind] || a.keep.localeCompare(b.keep));
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Best first: more pixels (by more than 10%), then sharper (by more than 15%; on the faces when
 * every photo has faces), then better exposed; then the original over a copy or edit by name, more
 * bytes per pixel (less compressed), the first indexed.
 */
function compareForKeep(a: DuplicateCandidateRow, qa: ImageQuality | null, b: DuplicateCandidateRow, qb: ImageQuality | null, faces: boolean): number {
  const px = (r: DuplicateCandidateRow) => (r.width ?? 0) * (r.height ?? 0);
  const pa = px(a);
  const pb = px(b);
  if (Math.max(pa, pb) > 1.1 * Math.min(pa, pb)) return pb - pa;
  if (qa && qb) {
    const sa = faces ? qa.faceSharpness ?? qa.sharpness : qa.sharpness;
    const sb = faces ? qb.faceSharpness ?? qb.sharpness : qb.sharpness;
    if (Math.max(sa, sb) > 1.15 * Math.min(sa, sb)) return sb - sa;
    if (Math.abs(qa.exposure - qb.exposure) > 0.02) return qb.exposure - qa.exposure;
  }
  const derived = Number(looksDerived(a.path)) - Number(looksDerived(b.path));
  if (derived) return derived;
  const bpp = (r: DuplicateCandidateRow) => (r.size ?? 0) / Math.max(1, px(r));
  if (Math.max(bpp(a), bpp(b)) > 1.1 * Math.min(bpp(a), bpp(b))) return bpp(b) - bpp(a);
  return a.id - b.id;
}
