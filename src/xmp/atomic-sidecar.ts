import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { XmpWriter } from '../exiftool/writer.js';
import { tx, type WritableDb } from '../store/db.js';
import { journalDelete } from './journal.repository.js';
import { beginOwnWrite, finishOwnWrite, settleOwnWrite, sha256File, statSig } from './own-writes.js';

/** What a sidecar looked like when rawlight read it to plan (null: it did not exist). */
export interface SidecarFingerprint {
  size: number;
  mtimeNs: string;
  sha256: string;
}

export async function fingerprint(p: string): Promise<SidecarFingerprint | null> {
  const sig = statSig(p);
  if (!sig) return null;
  return { ...sig, sha256: await sha256File(p) };
}

/** True when the file is still exactly as fingerprinted (size, mtime and content). */
export async function unchangedSince(p: string, fp: SidecarFingerprint | null): Promise<boolean> {
  const now = statSig(p);
  if (!fp || !now) return fp === null && now === null;
  if (now.size !== fp.size || now.mtimeNs !== fp.mtimeNs) return false;
  return (await sha256File(p)) === fp.sha256;
}

/**
 * The temp file beside the sidecar: same folder (so the rename is atomic on one volume), a dot
 * name the watcher ignores, `.xmp` last so ExifTool writes it as XMP.
 */
export function tempSidecarPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.rawlight-${process.pid}-${randomBytes(4).toString('hex')}.xmp`);
}

const TEMP_NAME = /^\.(.+)\.rawlight-(\d+)-[0-9a-f]{8}\.xmp$/;

/** A temp sidecar's name read back: the sidecar it was for (same folder) and the pid that wrote it. */
export function parseTempSidecarName(name: string): { target: string; pid: number } | null {
  const m = TEMP_NAME.exec(name);
  return m ? { target: m[1]!, pid: Number(m[2]) } : null;
}

/** Thrown when the sidecar changed between plan and write (Lightroom saving at that moment). */
export class SidecarChangedError extends Error {
  constructor(readonly target: string) {
    super(`${target} changed while rawlight was writing it`);
  }
}

/**
 * Steps of a sidecar write, in order; `onStep` is a fault-injection point (the kill -9 tests end
 * the process at each one). Between any two of them a crash leaves the old sidecar or the new
 * one, complete.
 */
export type SidecarStep = 'journaled' | 'temp-written' | 'temp-synced' | 'checked' | 'renamed' | 'dir-synced';

export interface AtomicSidecarWrite {
  db: WritableDb;
  writer: XmpWriter;
  target: string;
  /** The photo the sidecar belongs to: a new sidecar takes its permissions. */
  photo: string;
  fileId: number;
  args: readonly string[];
  /** The sidecar as it was read for planning. */
  planned: SidecarFingerprint | null;
  now: number;
  onStep?: ((step: SidecarStep) => void) | undefined;
}

function fsyncPath(p: string, flags: 'r' | 'r+' = 'r'): void {
  const fd = openSync(p, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The permissions of a new sidecar: its photo's read and write bits, and always its owner's. The
 * daemon's umask (0077, which keeps its own folders private) must not make a file in the user's
 * library unreadable to the other accounts and machines that read the photo: a shared folder, a
 * NAS another Mac's Lightroom opens. A photo gone meanwhile: the owner's alone.
 */
export function newSidecarMode(photo: string): number {
  try {
    return (statSync(photo).mode & 0o666) | 0o600;
  } catch {
    return 0o600;
  }
}

/**
 * Writes a sidecar crash-safely: ExifTool writes the edited copy to a temp file in the same
 * folder, which is fsynced, checked against the plan-time fingerprint of the sidecar (a change
 * means another tool saved it: SidecarChangedError, the caller re-reads and plans again), renamed
 * over the sidecar, and the folder fsynced. The journal names the temp file first, so start-up
 * recovery can remove a leftover.
 */
export async function writeSidecarAtomically(w: AtomicSidecarWrite): Promise<void> {
  const { db, target } = w;
  const tmp = tempSidecarPath(target);
  const step = (s: SidecarStep) => w.onStep?.(s);
  tx(db, () => beginOwnWrite(db, target, w.fileId, w.now, { tempPath: tmp }));
  step('journaled');
  let renamed = false;
  try {
    if (!(await unchangedSince(target, w.planned))) throw new SidecarChangedError(target);
    await w.writer.writeNew(w.planned ? target : null, tmp, w.args);
    step('temp-written');
    // The temp file replaces the sidecar: it keeps the sidecar's permissions, or a new one its photo's.
    chmodSync(tmp, w.planned ? statSync(target).mode & 0o7777 : newSidecarMode(w.photo));
    fsyncPath(tmp);
    step('temp-synced');
    // Last look before the rename: a save by another tool since the plan wins, we plan again.
    if (!(await unchangedSince(target, w.planned))) throw new SidecarChangedError(target);
    step('checked');
    renameSync(tmp, target);
    renamed = true;
    step('renamed');
    fsyncPath(path.dirname(target));
    step('dir-synced');
  } catch (e) {
    if (renamed) {
      await settleOwnWrite(db, target);
    } else {
      // The sidecar was never touched by us: whatever it holds now is someone else's.
      rmSync(tmp, { force: true });
      tx(db, () => journalDelete(db, target));
    }
    throw e;
  }
  await finishOwnWrite(db, target, w.now);
}
