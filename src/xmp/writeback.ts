import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { DaemonError, toDaemonError } from '../errors/index.js';
import type { XmpWriter } from '../exiftool/writer.js';
import { tx, type ReadableDb, type WritableDb } from '../store/db.js';
import type { FileRow } from '../store/repositories/file.repository.js';
import { readDesiredState, type DesiredState } from './desired-state.js';
import { planArgs } from './exiftool-args.js';
import { LIST_FIELDS, READ_TAGS, SCALAR_FIELDS, parseRegionKey } from './fields.js';
import { isEmbeddable } from './formats.js';
import { beginOwnWrite, finishOwnWrite, settleOwnWrite, sha256File } from './own-writes.js';
import { planChanges, planIsNoop, type Plan, type ValueRecord } from './plan.js';
import { assertSidecarWritable, chooseSidecar, existingSidecars } from './sidecar-path.js';
import { emptySnapshot, parseSnapshot, type XmpSnapshot } from './snapshot.js';
import type { SpotlightAdapter, SpotlightRecord } from './spotlight.js';
import { getXmpState, loadValueRecords, replaceValueRecords, upsertXmpState, type TargetKind } from './xmp.repository.js';

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
}

const SIBLING_EXT_RE = /^[^./\\]+$/;

/** Other known photos in the same folder with the same base name (IMG_1.JPG beside IMG_1.CR3). */
export function siblingsOf(db: ReadableDb, file: Pick<FileRow, 'path'>): { path: string; isRaw: boolean }[] {
  const ext = path.extname(file.path);
  const prefix = (ext ? file.path.slice(0, -ext.length) : file.path) + '.';
  // A range on the unique path index rather than LIKE (case and wildcard characters in names).
  const rows = db
    .prepare(`SELECT path, kind FROM files WHERE path >= ? AND path < ? AND path <> ? AND state = 'present'`)
    .all(prefix, prefix + '\uffff', file.path) as { path: string; kind: string }[];
  return rows.filter((r) => SIBLING_EXT_RE.test(r.path.slice(prefix.length))).map((r) => ({ path: r.path, isRaw: r.kind === 'raw' }));
}

/** Where this file's XMP goes: the file itself (embedded opt-in, safe formats only) or a sidecar. */
export function resolveTarget(db: ReadableDb, file: FileRow, config: Config): Target {
  // isEmbeddable is DNG/JPEG/HEIC/TIFF only: a proprietary RAW never gets written into.
  if (config.xmp.embedded && isEmbeddable(file.ext)) {
    return { path: file.path, kind: 'embedded', exists: true };
  }
  const choice = chooseSidecar({
    photoPath: file.path,
    existing: existingSidecars(file.path),
    siblings: siblingsOf(db, file),
    isRaw: file.kind === 'raw',
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
}

/** Reads everything and plans; writes nothing. Throws SIDECAR_MALFORMED for a broken sidecar. */
export async function prepareWriteback(deps: Pick<WritebackDeps, 'db' | 'writer' | 'config'>, file: FileRow): Promise<PreparedWriteback> {
  const target = resolveTarget(deps.db, file, deps.config);
  if (target.kind === 'sidecar' && target.exists) assertSidecarWritable(target.path);
  const desired = readDesiredState(deps.db, file.id, deps.config.xmp);
  const state = getXmpState(deps.db, file.id);
  // Records describe one target: after a move to another target rawlight starts afresh.
  const previous: ValueRecord[] = state && state.target === target.path ? loadValueRecords(deps.db, file.id) : [];
  const current = target.exists ? parseSnapshot(await deps.writer.readTags(target.path, READ_TAGS)) : emptySnapshot();
  const plan = planChanges(desired, current, previous);
  const spotlightBefore = state?.spotlight ? (JSON.parse(state.spotlight) as SpotlightRecord) : null;
  return { file, target, desired, current, plan, spotlightBefore };
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
 * Applies a prepared plan: journal first (so the watcher knows the change is ours), then one
 * ExifTool write, then, for embedded writes, the ImageDataHash check (a mismatch restores the
 * original and fails with WRITE_VERIFY_FAILED). Nothing is written when the plan is empty.
 */
export async function applyWriteback(deps: WritebackDeps, p: PreparedWriteback): Promise<WritebackResult> {
  const now = (deps.now ?? Date.now)();
  const { db, writer } = deps;
  const { file, target, plan } = p;
  const warnings: string[] = [];

  if (planIsNoop(plan)) {
    const spot = await updateSpotlight(deps, p, warnings);
    return {
      written: false,
      target,
      plan,
      warnings,
      commit: (wdb) => {
        replaceValueRecords(wdb, file.id, plan.records, now);
        upsertXmpState(wdb, file.id, { target: target.path, targetKind: target.kind, status: 'ok', ...(spot !== undefined ? { spotlight: spot && JSON.stringify(spot) } : {}) }, now);
      },
    };
  }

  let backup: string | null = null;
  let hashBefore: string | null = null;
  try {
    if (target.kind === 'embedded') {
      hashBefore = await writer.imageDataHash(target.path);
      if (!hashBefore) throw new DaemonError('WRITE_VERIFY_FAILED', `${target.path}: ExifTool cannot hash its image data, so an embedded write could not be verified; nothing written`);
      mkdirSync(deps.backupDir, { recursive: true });
      backup = path.join(mkdtempSync(path.join(deps.backupDir, 'wb-')), path.basename(target.path));
      copyFileSync(target.path, backup);
    }
    tx(db, () => beginOwnWrite(db, target.path, file.id, now));
    try {
      await writer.write(target.path, planArgs(plan, now));
    } catch (e) {
      if (backup) copyFileSync(backup, target.path);
      await settleOwnWrite(db, target.path);
      throw e;
    }
    if (target.kind === 'embedded' && backup) {
      const hashAfter = await writer.imageDataHash(target.path);
      if (hashAfter !== hashBefore) {
        // Copy back over the same inode: keeps xattrs and hard links, like the write itself.
        copyFileSync(backup, target.path);
        const restored = (await sha256File(target.path)) === (await sha256File(backup));
        await finishOwnWrite(db, target.path);
        throw new DaemonError(
          'WRITE_VERIFY_FAILED',
          `${target.path}: image data hash changed (${hashBefore} -> ${hashAfter ?? 'unreadable'}); ${restored ? 'original restored' : 'RESTORE FAILED, backup kept at ' + backup}`,
        );
      }
    }
    await finishOwnWrite(db, target.path, now);
  } catch (e) {
    const err = toDaemonError(e);
    if (err.code === 'INTERNAL') {
      const wrapped = new DaemonError('WRITE_FAILED', err.message, { cause: e });
      recordFailure(db, file.id, target, wrapped, now);
      throw wrapped;
    }
    recordFailure(db, file.id, target, err, now);
    if (err.code === 'WRITE_VERIFY_FAILED' && backup && err.message.includes('RESTORE FAILED')) backup = null;
    throw err;
  } finally {
    if (backup) rmSync(path.dirname(backup), { recursive: true, force: true });
  }

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
    commit: (wdb) => {
      replaceValueRecords(wdb, file.id, verified.records, now);
      upsertXmpState(
        wdb,
        file.id,
        { target: target.path, targetKind: target.kind, status: 'ok', writtenAt: now, ...(spot !== undefined ? { spotlight: spot && JSON.stringify(spot) } : {}) },
        now,
      );
    },
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
