import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { tx, type ReadableDb, type WritableDb } from '../store/db.js';
import { journalDelete, listJournal, type JournalRow } from './journal.repository.js';
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
  for (const j of listJournal(db)) {
    if (j.phase !== 'writing') continue;
    let r: Recovery | null = null;
    if (j.backup_path) {
      r = await recoverEmbedded({ ...j, backup_path: j.backup_path });
      if (r.action === 'restored') tx(db, () => journalDelete(db, j.path));
    } else if (j.temp_path) {
      r = recoverSidecar({ ...j, temp_path: j.temp_path });
    }
    if (!r) continue;
    out.push(r);
    const rec = r;
    tx(db, () => db.prepare('INSERT INTO xmp_recoveries (path, action, detail, at) VALUES (?, ?, ?, ?)').run(rec.path, rec.action, rec.detail, now));
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
