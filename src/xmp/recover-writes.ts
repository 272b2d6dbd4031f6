import { copyFileSync, existsSync, lstatSync, rmSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from '../platform/process-alive.js';
import { tx, type ReadableDb, type WritableDb } from '../store/db.js';
import { parseTempSidecarName } from './atomic-sidecar.js';
import { journalDelete, listWritingJournal, type JournalRow } from './journal.repository.js';
import { sha256File } from './own-writes.js';
import { assertSidecarWritable } from './sidecar-path.js';

export type RecoveryAction = 'restored' | 'restore-failed' | 'temp-removed' | 'temp-kept';

export interface Recovery {
  path: string;
  action: RecoveryAction;
  detail: string;
}

function intactSidecar(p: string): boolean {
  try {
    assertSidecarWritable(p);
    return true;
  } catch {
    return false;
  }
}

/** A sidecar write killed midway: the rename is atomic, so the sidecar is the old or the new one. */
function recoverSidecar(j: JournalRow & { temp_path: string }): Recovery | null {
  if (!existsSync(j.temp_path)) return null;
  if (intactSidecar(j.path)) {
    rmSync(j.temp_path, { force: true });
    return { path: j.path, action: 'temp-removed', detail: `removed ${path.basename(j.temp_path)}; the sidecar is intact` };
  }
  if (!existsSync(j.path) && j.pre_size === null) {
    // It was a new sidecar and the rename never happened: the photo had none and still has none.
    rmSync(j.temp_path, { force: true });
    return { path: j.path, action: 'temp-removed', detail: `removed ${path.basename(j.temp_path)}; no sidecar had been written yet` };
  }
  // Should not happen (rename is atomic); keep every byte for the user.
  return { path: j.path, action: 'temp-kept', detail: `the sidecar is missing or unreadable; the temp file ${j.temp_path} is kept` };
}

/** An embedded write killed midway: put the journaled backup back, verified by hash. */
async function recoverEmbedded(j: JournalRow & { backup_path: string }): Promise<Recovery> {
  const want = j.backup_sha256;
  if (!existsSync(j.backup_path)) return { path: j.path, action: 'restore-failed', detail: `backup ${j.backup_path} is missing` };
  if (!want || (await sha256File(j.backup_path)) !== want) {
    return { path: j.path, action: 'restore-failed', detail: `backup ${j.backup_path} does not match its recorded hash; file and backup left as they are` };
  }
  const exiftoolTmp = `${j.path}_exiftool_tmp`;
  if (existsSync(j.path) && (await sha256File(j.path)) === want) {
    rmSync(path.dirname(j.backup_path), { recursive: true, force: true });
    rmSync(exiftoolTmp, { force: true });
    return { path: j.path, action: 'restored', detail: 'the file was still the original; backup removed' };
  }
  // Over the same inode, as the write itself: keeps xattrs and hard links.
  copyFileSync(j.backup_path, j.path);
  if ((await sha256File(j.path)) !== want) {
    return { path: j.path, action: 'restore-failed', detail: `copied back but the hash differs; backup kept at ${j.backup_path}` };
  }
  rmSync(path.dirname(j.backup_path), { recursive: true, force: true });
  rmSync(exiftoolTmp, { force: true });
  return { path: j.path, action: 'restored', detail: 'the interrupted write was undone from the backup (hash verified)' };
}

/**
 * At start, before the journal is reconciled: every write still in its writing phase was killed
 * midway. Embedded writes get their backup restored (verified by hash); sidecar writes lose their
 * temp file once the sidecar is intact. Each action is recorded for `status`.
 */
export async function recoverInterruptedWrites(db: WritableDb, now = Date.now()): Promise<Recovery[]> {
  const out: Recovery[] = [];
  for (const j of listWritingJournal(db)) {
    let r: Recovery | null = null;
    if (j.backup_path) {
      r = await recoverEmbedded({ ...j, backup_path: j.backup_path });
      if (r.action === 'restored') tx(db, () => journalDelete(db, j.path));
    } else if (j.temp_path) {
      r = recoverSidecar({ ...j, temp_path: j.temp_path });
    }
    if (!r) continue;
    out.push(r);
    record(db, r, now);
  }
  return out;
}

/**
 * A temp sidecar younger than this whose writer is alive is a write in progress (this process's,
 * or another home's daemon writing into a shared library); older, whatever its pid, it is a
 * leftover: a sidecar write takes milliseconds, and after a restart the pid may be reused.
 */
const TEMP_IN_FLIGHT_MS = 60 * 60_000;

function record(db: WritableDb, r: Recovery, now: number): void {
  tx(db, () => db.prepare('INSERT INTO xmp_recoveries (path, action, detail, at) VALUES (?, ?, ?, ?)').run(r.path, r.action, r.detail, now));
}

/**
 * Temp sidecars the library walk found that start-up recovery could not: a write killed midway
 * whose folder was renamed or moved before the daemon started again, so its journal names a temp
 * path that is no longer there. Only rawlight's own names (`.NAME.rawlight-PID-HEX.xmp`) are
 * looked at, and one is removed only when its sidecar is intact or absent — the rename is atomic,
 * so the temp holds nothing the sidecar lacks but rawlight's values, which the writeback puts
 * back. Beside a sidecar that no longer reads, it is kept and said once.
 */
export function removeLeftoverTemps(db: WritableDb, temps: readonly string[], now = Date.now(), alive = isProcessAlive): Recovery[] {
  const out: Recovery[] = [];
  for (const temp of temps) {
    const name = parseTempSidecarName(path.basename(temp));
    if (!name) continue;
    let mtimeMs: number;
    try {
      const st = lstatSync(temp);
      if (!st.isFile()) continue;
      mtimeMs = st.mtimeMs;
    } catch {
      continue; // renamed into place or removed meanwhile
    }
    if (now - mtimeMs < TEMP_IN_FLIGHT_MS && alive(name.pid)) continue;
    const target = path.join(path.dirname(temp), name.target);
    if (existsSync(target) && !intactSidecar(target)) {
      const said = db.prepare(`SELECT 1 FROM xmp_recoveries WHERE path = ? AND action = 'temp-kept' AND instr(detail, ?) > 0`).get(target, temp);
      if (said) continue;
      const r: Recovery = { path: target, action: 'temp-kept', detail: `the sidecar is unreadable; rawlight's interrupted write ${temp} is kept` };
      record(db, r, now);
      out.push(r);
      continue;
    }
    rmSync(temp, { force: true });
    const r: Recovery = { path: target, action: 'temp-removed', detail: `removed ${path.basename(temp)}, left by a write cut short before its folder was moved; the sidecar is ${existsSync(target) ? 'intact' : 'not written yet'}` };
    record(db, r, now);
    out.push(r);
  }
  return out;
}

export interface RecoveryCounts {
  restored: number;
  restoreFailed: number;
  tempRemoved: number;
  lastAt: number | null;
}

export function recoveryCounts(db: ReadableDb): RecoveryCounts {
  const r = db
    .prepare(
      `SELECT coalesce(sum(action = 'restored'), 0) AS restored, coalesce(sum(action IN ('restore-failed', 'temp-kept')), 0) AS restoreFailed,
              coalesce(sum(action = 'temp-removed'), 0) AS tempRemoved, max(at) AS lastAt FROM xmp_recoveries`,
    )
    .get() as RecoveryCounts;
  return r;
}
