import { closeSync, copyFileSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { DaemonError, toDaemonError } from '../errors/index.js';
import type { XmpWriter } from '../exiftool/writer.js';
import { notWritable } from '../platform/folder-writable.js';
import { tx, type ReadableDb, type WritableDb } from '../store/db.js';
import { stmt } from '../store/statements.js';
import type { FileRow } from '../store/repositories/file.repository.js';
import { readDesiredState, type DesiredState } from './desired-state.js';
import { planArgs } from './exiftool-args.js';
import { LIST_FIELDS, READ_TAGS, SCALAR_FIELDS, parseRegionKey } from './fields.js';
import { iptcSyncArgs } from './iptc-sync.js';
import { looksOverwritten } from './lightroom-overwrite.js';
import { planTargetMove, sidecarFollowed, type TargetMove } from './target-move.js';
import { kindFromFileType, photoKind } from './photo-kind.js';
import { placeHeldOutside } from './place-group.js';
import { fingerprint, SidecarChangedError, writeSidecarAtomically, type SidecarFingerprint, type SidecarStep } from './atomic-sidecar.js';
import { beginOwnWrite, finishOwnWrite, settleOwnWrite, sha256File } from './own-writes.js';
import { planChanges, planIsNoop, type Plan, type ValueRecord } from './plan.js';
import { assertSidecarWritable, chooseSidecar, existingSidecars } from './sidecar-path.js';
import { emptySnapshot, parseSnapshot, type XmpSnapshot } from './snapshot.js';
import type { SpotlightAdapter, SpotlightRecord } from './spotlight.js';
import { getXmpState, loadValueRecords, replaceValueRecords, upsertXmpState, type TargetKind, type XmpStateUpdate } from './xmp.repository.js';

export interface Target {
  path: string;
  kind: TargetKind;
  exists: boolean;
}

export interface WritebackDeps {
  db: WritableDb;
  writer: XmpWriter;
  config: Config;
  spotlight?: SpotlightAdapter | null;
  /** Folder for the temporary copy of a file during an embedded write (rawlight's cache). */
  backupDir: string;
  log?: Logger;
  now?: () => number;
  /** Fault-injection point at each step of a write (the kill -9 tests); never set in the daemon. */
  onStep?: ((step: WriteStep) => void) | undefined;
}

/** Steps of a write: a sidecar's (atomic-sidecar.ts) and an embedded write's. */
export type WriteStep = SidecarStep | 'written';

const SIBLING_EXT_RE = /^[^./\\]+$/;

/** Other known photos in the same folder with the same base name (IMG_1.JPG beside IMG_1.CR3). */
export function siblingsOf(db: ReadableDb, file: Pick<FileRow, 'path'>): { path: string; isRaw: boolean }[] {
  const ext = path.extname(file.path);
  const prefix = (ext ? file.path.slice(0, -ext.length) : file.path) + '.';
  // A range on the unique path index rather than LIKE (case and wildcard characters in names).
  // `+f.state`: the sampled statistics (analysis_limit) make files_state look selective, and the
  // planner would then read every present file for each call (it runs for every RAW that comes
  // or goes, and in every metadata pass).
  const rows = stmt(
    db,
    `SELECT f.path, f.kind, f.ext, m.file_type FROM files f LEFT JOIN metadata m ON m.file_id = f.id
       WHERE f.path >= ? AND f.path < ? AND f.path <> ? AND +f.state = 'present'`,
  )
    .all(prefix, prefix + '\uffff', file.path) as { path: string; kind: FileRow['kind']; ext: string; file_type: string | null }[];
  return rows.filter((r) => SIBLING_EXT_RE.test(r.path.slice(prefix.length))).map((r) => ({ path: r.path, isRaw: kindFromFileType(r.file_type, r).isRaw }));
}

/** Where this file's XMP goes: the file itself (embedded opt-in, safe formats only) or a sidecar. */
export function resolveTarget(db: ReadableDb, file: FileRow, config: Config, opts: { forceSidecar?: boolean } = {}): Target {
  // By ExifTool's FileType: DNG/JPEG/HEIC/TIFF only; a proprietary RAW under any name never gets written into.
  const kind = photoKind(db, file);
  if (config.xmp.embedded && kind.embeddable && !opts.forceSidecar) {
    return { path: file.path, kind: 'embedded', exists: true };
  }
  const choice = chooseSidecar({
    photoPath: file.path,
    existing: existingSidecars(file.path),
    siblings: siblingsOf(db, file),
    isRaw: kind.isRaw,
    style: config.xmp.sidecarStyle,
  });
  return { path: choice.path, kind: 'sidecar', exists: choice.exists };
}

export interface PreparedWriteback {
  file: FileRow;
  target: Target;
  desired: DesiredState;
  current: XmpSnapshot;
  plan: Plan;
  /** What rawlight last set in Spotlight xattrs for the photo. */
  spotlightBefore: SpotlightRecord | null;
  /** The sidecar as read for this plan (null: none yet); a write checks it is still so. */
  fingerprint: SidecarFingerprint | null;
  /** Embedded target: the image data hash before the write (verified after it). */
  imageHash: string | null;
  /** Why the target is not the configured one (WRITE_UNVERIFIABLE: a sidecar instead of embedded). */
  notice: DaemonError | null;
  /** Lightroom (or another tool) rewrote the sidecar without rawlight's values: nothing is written back. */
  overwritten: boolean;
  /** ...and this plan is the one that noticed it. */
  newlyOverwritten: boolean;
  /** The photo's previous sidecar, to take rawlight's values out of (the target changed). */
  move: TargetMove | null;
}

export interface PrepareOptions {
  /** Put back values lost when another tool overwrote the sidecar (`rawlight writeback --restore`). */
  restoreOverwritten?: boolean;
}

/** Reads everything and plans; writes nothing. Throws SIDECAR_MALFORMED for a broken sidecar. */
export async function prepareWriteback(deps: Pick<WritebackDeps, 'db' | 'writer' | 'config'>, file: FileRow, opts: PrepareOptions = {}): Promise<PreparedWriteback> {
  let target = resolveTarget(deps.db, file, deps.config);
  let imageHash: string | null = null;
  let notice: DaemonError | null = null;
  if (target.kind === 'embedded') {
    imageHash = await deps.writer.imageDataHash(target.path);
    if (!imageHash) {
      // Without a hash an embedded write cannot be verified: the values go to a sidecar instead.
      notice = new DaemonError('WRITE_UNVERIFIABLE', `${file.path}: ExifTool cannot hash its image data, so nothing is written into it; its XMP goes to a sidecar`);
      target = resolveTarget(deps.db, file, deps.config, { forceSidecar: true });
    }
  }
  if (target.kind === 'sidecar' && target.exists) assertSidecarWritable(target.path);
  // Taken before the read: a save after it makes the write re-plan.
  const fp = target.kind === 'sidecar' ? await fingerprint(target.path) : null;
  const desired = readDesiredState(deps.db, file.id, deps.config.xmp);
  const state = getXmpState(deps.db, file.id);
  const current = target.exists ? parseSnapshot(await deps.writer.readTags(target.path, READ_TAGS)) : emptySnapshot();
  const records = state ? loadValueRecords(deps.db, file.id) : [];
  // Records describe one target. The photo moved with its sidecar: they follow it. Its target
  // changed otherwise: rawlight starts afresh there, and takes its values out of the old one.
  const sameTarget = !!state && (state.target === target.path || (state.target_kind === 'sidecar' && target.kind === 'sidecar' && sidecarFollowed(state.target, records, current, state.written_metadata_date ?? null)));
  let previous: ValueRecord[] = sameTarget ? records : [];
  const move = state && !sameTarget && state.target !== target.path && state.target_kind === 'sidecar' ? await planTargetMove(deps.writer, state.target, records) : null;
  // Don't fight a tool that rewrites the sidecar from its catalog: no write until the user asks.
  let overwritten = state?.status === 'overwritten' && sameTarget;
  let newlyOverwritten = false;
  if (overwritten && opts.restoreOverwritten) {
    previous = previous.filter((r) => r.status !== 'overwritten');
    overwritten = false;
  } else if (!overwritten && looksOverwritten(previous, current, sameTarget ? (state?.written_metadata_date ?? null) : null)) {
    previous = previous.map((r) => (r.status === 'written' ? { ...r, status: 'overwritten' } : r));
    overwritten = newlyOverwritten = true;
  }
  if (overwritten) {
    const plan = { changes: [], conflicts: [], userRemoved: [], setDims: null, records: previous };
    const spotlightBefore = state?.spotlight ? (JSON.parse(state.spotlight) as SpotlightRecord) : null;
    return { file, target, desired, current, plan, spotlightBefore, fingerprint: fp, imageHash, notice, overwritten, newlyOverwritten, move };
  }
  const wantsPlace = Object.keys(desired.scalars).length > 0;
  const leaving = move ? { path: move.from, values: new Set(move.plan.changes.filter((c) => c.op === 'remove' && (SCALAR_FIELDS as readonly string[]).includes(c.field)).map((c) => c.value)) } : null;
  const held = wantsPlace && target.kind === 'sidecar' ? await placeHeldOutside(deps.writer, file.path, target.path, leaving) : null;
  const plan = planChanges(desired, current, previous, { placeHeldOutside: held !== null });
  const spotlightBefore = state?.spotlight ? (JSON.parse(state.spotlight) as SpotlightRecord) : null;
  return { file, target, desired, current, plan, spotlightBefore, fingerprint: fp, imageHash, notice, overwritten: false, newlyOverwritten: false, move };
}

export interface WritebackResult {
  /** True when the target file was changed. */
  written: boolean;
  target: Target;
  plan: Plan;
  warnings: string[];
  /** Records the outcome in the database (run it inside the completion transaction). */
  commit: (db: WritableDb) => void;
}

/**
 * Checks the write against a re-read of the file: only values that are really there are
 * recorded as rawlight's, and a removal that did not take stays recorded.
 */
function verifyApplied(plan: Plan, after: XmpSnapshot): { records: ValueRecord[]; warnings: string[] } {
  const warnings: string[] = [];
  let records = [...plan.records];
  for (const c of plan.changes) {
    let present: boolean;
    if ((LIST_FIELDS as readonly string[]).includes(c.field)) {
      present = after.lists[c.field as (typeof LIST_FIELDS)[number]].includes(c.value);
    } else if ((SCALAR_FIELDS as readonly string[]).includes(c.field)) {
      present = after.scalars[c.field as (typeof SCALAR_FIELDS)[number]] === c.value;
    } else {
      const r = parseRegionKey(c.value);
      present = !!r && after.regions.some((x) => x.name === r.name && x.x !== null && Math.abs(x.x - Number(r.x)) < 5e-6 && x.y !== null && Math.abs(x.y - Number(r.y)) < 5e-6);
    }
    if (c.op === 'add' && !present) {
      warnings.push(`${c.field} ${JSON.stringify(c.value)} was not written (the file changed meanwhile?)`);
      records = records.filter((r) => !(r.field === c.field && r.value === c.value));
    } else if (c.op === 'remove' && present) {
      warnings.push(`${c.field} ${JSON.stringify(c.value)} could not be removed`);
      records.push({ field: c.field, value: c.value, status: 'written', fileValue: null });
    }
  }
  return { records, warnings };
}

async function updateSpotlight(deps: WritebackDeps, p: PreparedWriteback, warnings: string[]): Promise<SpotlightRecord | null | undefined> {
  if (!deps.spotlight?.active) return undefined;
  try {
    return await deps.spotlight.update(p.file.path, { keywords: p.desired.spotlightKeywords, people: p.desired.people }, p.spotlightBefore);
  } catch (e) {
    warnings.push(`Spotlight xattrs not set: ${(e as Error).message}`);
    return undefined;
  }
}

function recordFailure(db: WritableDb, fileId: number, target: Target, err: DaemonError, now: number): void {
  tx(db, () => upsertXmpState(db, fileId, { target: target.path, targetKind: target.kind, status: 'failed', errorCode: err.code, error: err.message }, now));
}

/** Records a failure that happened before a write (e.g. SIDECAR_MALFORMED) so `show`/`status` see it. */
export function recordWritebackFailure(db: WritableDb, file: FileRow, config: Config, err: DaemonError, now = Date.now()): void {
  recordFailure(db, file.id, resolveTarget(db, file, config), err, now);
}

/**
 * A write into a folder that cannot take it (a read-only volume, no permission) is refused before
 * ExifTool runs: FOLDER_READ_ONLY, which the pipeline puts aside rather than counts as a failed
 * attempt, so a library on an NTFS drive is one access() per photo a day, not an ExifTool run
 * and a dead job each.
 */
function refuseReadOnly(db: WritableDb, p: PreparedWriteback): void {
  const dir = path.dirname(p.target.path);
  const no = notWritable(dir);
  if (!no) return;
  const err = new DaemonError('FOLDER_READ_ONLY', `${dir}: ${no.why}`, { details: { errno: no.code } });
  recordFailure(db, p.file.id, p.target, err, Date.now());
  throw err;
}

/** Sidecar saves by another tool between plan and write after which rawlight gives up for now. */
export const MAX_WRITE_ATTEMPTS = 3;

/** The notice (WRITE_UNVERIFIABLE) kept on the file's XMP state, or a cleared one. */
function noticeFields(p: PreparedWriteback): { errorCode: string | null; error: string | null } {
  return { errorCode: p.notice?.code ?? null, error: p.notice?.message ?? null };
}

function noopResult(deps: WritebackDeps, p: PreparedWriteback, warnings: string[], spot: SpotlightRecord | null | undefined, now: number): WritebackResult {
  const { file, target, plan } = p;
  return {
    written: false,
    target,
    plan,
    warnings,
    commit: stateCommit(p, plan.records, { status: p.overwritten ? 'overwritten' : 'ok' }, spot, now),
  };
}

/**
 * The commit of a write or a no-op: the values now in the target, and its XMP state with the
 * notice and, when it was touched, the Spotlight record.
 */
function stateCommit(p: PreparedWriteback, records: readonly ValueRecord[], state: Pick<XmpStateUpdate, 'status' | 'writtenAt' | 'writtenMetadataDate'>, spot: SpotlightRecord | null | undefined, now: number): (db: WritableDb) => void {
  const { file, target } = p;
  return (db) => {
    replaceValueRecords(db, file.id, records, now);
    upsertXmpState(db, file.id, { target: target.path, targetKind: target.kind, ...state, ...noticeFields(p), ...(spot !== undefined ? { spotlight: spot && JSON.stringify(spot) } : {}) }, now);
  };
}

/**
 * An embedded write: the original is copied to the backup folder and its hash journaled before
 * ExifTool rewrites the file in place (keeping xattrs, hard links, creation date); then the
 * ImageDataHash check (a mismatch restores the original and fails with WRITE_VERIFY_FAILED). A
 * crash midway is undone at start from the journaled backup (recover-writes.ts).
 */
async function writeEmbedded(deps: WritebackDeps, p: PreparedWriteback, args: readonly string[], now: number): Promise<void> {
  const { db, writer } = deps;
  const target = p.target;
  const step = (s: WriteStep) => deps.onStep?.(s);
  const hashBefore = p.imageHash ?? (await writer.imageDataHash(target.path));
  if (!hashBefore) throw new DaemonError('WRITE_VERIFY_FAILED', `${target.path}: ExifTool cannot hash its image data, so an embedded write could not be verified; nothing written`);
  mkdirSync(deps.backupDir, { recursive: true });
  let backup: string | null = path.join(mkdtempSync(path.join(deps.backupDir, 'wb-')), path.basename(target.path));
  try {
    copyFileSync(target.path, backup);
    fsyncFile(backup);
    const backupSha256 = await sha256File(backup);
    tx(db, () => beginOwnWrite(db, target.path, p.file.id, now, { backupPath: backup!, backupSha256 }));
    step('journaled');
    try {
      await writer.write(target.path, args);
    } catch (e) {
      copyFileSync(backup, target.path);
      await settleOwnWrite(db, target.path);
      throw e;
    }
    step('written');
    const hashAfter = await writer.imageDataHash(target.path);
    if (hashAfter !== hashBefore) {
      // Copy back over the same inode: keeps xattrs and hard links, like the write itself.
      copyFileSync(backup, target.path);
      const restored = (await sha256File(target.path)) === backupSha256;
      await finishOwnWrite(db, target.path);
      const msg = `${target.path}: image data hash changed (${hashBefore} -> ${hashAfter ?? 'unreadable'}); ${restored ? 'original restored' : 'RESTORE FAILED, backup kept at ' + backup}`;
      if (!restored) backup = null;
      throw new DaemonError('WRITE_VERIFY_FAILED', msg);
    }
    await finishOwnWrite(db, target.path, now);
  } finally {
    if (backup) rmSync(path.dirname(backup), { recursive: true, force: true });
  }
}

function fsyncFile(p: string): void {
  const fd = openSync(p, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Takes rawlight's values out of the photo's previous sidecar; a failure there never blocks the new write. */
async function moveOut(deps: WritebackDeps, p: PreparedWriteback, move: TargetMove, warnings: string[], now: number): Promise<void> {
  try {
    await writeSidecarAtomically({ db: deps.db, writer: deps.writer, target: move.from, photo: p.file.path, fileId: p.file.id, args: planArgs(move.plan, now), planned: move.fingerprint, now });
    deps.log?.info({ file: p.file.path, from: move.from, to: p.target.path, removed: move.plan.changes.length }, 'xmp target changed: rawlight values moved');
  } catch (e) {
    warnings.push(`rawlight's values could not be taken out of the previous sidecar ${move.from}: ${(e as Error).message}`);
  }
}

/**
 * Applies a prepared plan with one ExifTool write: crash-safe (sidecars: temp file + rename;
 * embedded: journaled backup). When a sidecar changed since it was read for the plan, it is read
 * and planned again (at most MAX_WRITE_ATTEMPTS times). Nothing is written when the plan is empty.
 */
export async function applyWriteback(deps: WritebackDeps, prepared: PreparedWriteback): Promise<WritebackResult> {
  const now = (deps.now ?? Date.now)();
  const { db, writer } = deps;
  const warnings: string[] = [];
  let p = prepared;

  if (p.notice) warnings.push(`${p.notice.code}: ${p.notice.message}`);
  if (p.newlyOverwritten) {
    const msg = `${p.target.path} was rewritten by another app (Lightroom?) without rawlight's values; not writing them back. In Lightroom: Metadata › Read Metadata from Files after \`rawlight writeback --restore\``;
    warnings.push(msg);
    deps.log?.warn({ file: p.file.path, target: p.target.path }, 'sidecar overwritten by another app; rawlight values not written back');
  }
  if (p.move || !planIsNoop(p.plan)) refuseReadOnly(db, p);
  if (p.move) await moveOut(deps, p, p.move, warnings, now);
  for (let attempt = 1; ; attempt++) {
    if (planIsNoop(p.plan)) return noopResult(deps, p, warnings, await updateSpotlight(deps, p, warnings), now);
    try {
      const args = planArgs(p.plan, now);
      if (p.target.kind === 'embedded') await writeEmbedded(deps, p, [...iptcSyncArgs(p.plan, p.current), ...args], now);
      else await writeSidecarAtomically({ db, writer, target: p.target.path, photo: p.file.path, fileId: p.file.id, args, planned: p.fingerprint, now, onStep: deps.onStep });
      break;
    } catch (e) {
      if (e instanceof SidecarChangedError) {
        deps.log?.info({ file: p.file.path, target: p.target.path, attempt }, 'sidecar changed since it was read (another app saving?); planning again');
        if (attempt < MAX_WRITE_ATTEMPTS) {
          p = await prepareWriteback(deps, p.file);
          continue;
        }
        const err = new DaemonError('SIDECAR_BUSY', `${p.target.path} changed during each of ${MAX_WRITE_ATTEMPTS} write attempts; nothing written, tried again later`);
        recordFailure(db, p.file.id, p.target, err, now);
        throw err;
      }
      refuseReadOnly(db, p); // made read-only meanwhile (remounted): said as such, not as a failed write
      const err = toDaemonError(e);
      const final = err.code === 'INTERNAL' ? new DaemonError('WRITE_FAILED', err.message, { cause: e }) : err;
      recordFailure(db, p.file.id, p.target, final, now);
      throw final;
    }
  }

  const { file, target, plan } = p;
  const after = parseSnapshot(await writer.readTags(target.path, READ_TAGS));
  const verified = verifyApplied(plan, after);
  warnings.push(...verified.warnings);
  const spot = await updateSpotlight(deps, p, warnings);
  deps.log?.info({ file: file.path, target: target.path, changes: plan.changes.length, conflicts: plan.conflicts.length }, 'xmp written');
  return {
    written: true,
    target,
    plan,
    warnings,
    commit: stateCommit(p, verified.records, { status: 'ok', writtenAt: now, writtenMetadataDate: after.metadataDate }, spot, now),
  };
}

/** Review mode: keep the plan for `rawlight writeback` instead of writing. */
export function reviewCommit(p: PreparedWriteback, now = Date.now()): (db: WritableDb) => void {
  const { file, target, plan } = p;
  return (db) => {
    if (planIsNoop(plan)) {
      replaceValueRecords(db, file.id, plan.records, now);
      upsertXmpState(db, file.id, { target: target.path, targetKind: target.kind, status: 'ok' }, now);
      return;
    }
    const pending = JSON.stringify({ target: target.path, targetKind: target.kind, changes: plan.changes, conflicts: plan.conflicts, setDims: plan.setDims, plannedAt: now });
    upsertXmpState(db, file.id, { target: target.path, targetKind: target.kind, status: 'pending', pending }, now);
  };
}
