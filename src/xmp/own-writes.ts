import { createHash } from 'node:crypto';
import { createReadStream, statSync, type BigIntStats, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tx, type ReadableDb, type WritableDb } from '../store/db.js';
import { getJournal, journalBegin, journalDelete, journalFinish, journalPage, sigOf, type FileSig, type JournalRow, type WriteLeftovers } from './journal.repository.js';

/** A write still marked in progress after this long is assumed dead (crash), not ours. */
export const STALE_WRITE_MS = 10 * 60_000;

export async function sha256File(p: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(p)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function statSig(p: string): FileSig | null {
  try {
    return sigOf(statSync(p, { bigint: true }));
  } catch {
    return null;
  }
}

/** ns mtimes from a non-bigint Stats are rounded: compare within a microsecond. */
function sameMtime(a: string, b: string): boolean {
  const d = BigInt(a) - BigInt(b);
  return (d < 0n ? -d : d) <= 1000n;
}

/**
 * For the watcher: true when the file at `path` is exactly as rawlight's last write left it (or a
 * rawlight write to it is in progress), so the event is ours and needs no re-processing.
 */
export function isOwnWrite(db: ReadableDb, path: string, stat: Stats | BigIntStats, now = Date.now()): boolean {
  const j = getJournal(db, path);
  if (!j) return false;
  if (j.phase === 'writing') return now - j.started_at < STALE_WRITE_MS;
  if (j.size === null || j.mtime_ns === null) return false;
  const s = sigOf(stat);
  return s.size === j.size && sameMtime(s.mtimeNs, j.mtime_ns);
}

/** Records the intent before a write (the pre-write signature, if the file exists). */
export function beginOwnWrite(db: WritableDb, path: string, fileId: number | null, now = Date.now(), left: WriteLeftovers = {}): void {
  journalBegin(db, path, fileId, statSig(path), now, left);
}

/** Records the post-write size, mtime and hash. */
export async function finishOwnWrite(db: WritableDb, path: string, now = Date.now()): Promise<void> {
  const sha256 = await sha256File(path);
  const sig = statSig(path);
  if (!sig) {
    journalDelete(db, path);
    return;
  }
  journalFinish(db, path, { ...sig, sha256 }, now);
}

/**
 * After a failed write: if the file is as it was, forget the intent; if it changed, record the
 * new state as ours (it was our process that changed it).
 */
export async function settleOwnWrite(db: WritableDb, path: string, now = Date.now()): Promise<void> {
  const j = getJournal(db, path);
  const sig = statSig(path);
  if (!j) return;
  if (!sig || (j.pre_size === sig.size && j.pre_mtime_ns !== null && sameMtime(j.pre_mtime_ns, sig.mtimeNs))) {
    journalDelete(db, path);
    return;
  }
  await finishOwnWrite(db, path, now);
}

export interface ReconcileReport {
  /** Entries that still match the file: kept, so a late watcher event is still recognised. */
  kept: number;
  /** Paths changed by someone else since rawlight wrote them (or mid-write at a crash): re-import metadata. */
  changed: string[];
  /** Entries whose file is gone. */
  gone: number;
}

export interface ReconcileOptions {
  /** Only entries begun before this: the writes of this run (it goes on beside the pipeline) are its own. */
  startedBefore?: number;
  /** Stops between pages (the daemon stopping). */
  signal?: AbortSignal;
  /**
   * A pause between two pages, so the check takes a small share of the daemon's thread: run flat
   * out at 250K entries it took half of it for 2.3 s (`npm run bench scale`).
   */
  pauseMs?: number;
}

/**
 * Entries per page: their files stat'ed together off the loop, their rows checked and updated in one
 * transaction (~2 ms with the journal's statements kept compiled; compiled per call, 500 held the
 * loop 12-37 ms).
 */
const RECONCILE_PAGE = 200;

async function statSigAsync(p: string): Promise<FileSig | null> {
  try {
    return sigOf(await stat(p, { bigint: true }));
  } catch {
    return null;
  }
}

/**
 * At start: compares every journal entry with the file on disk. A file whose size/mtime differ is
 * confirmed by hash (a touch without a change is still ours); one that really differs, or whose
 * write never finished, was changed outside rawlight and is reported for a metadata re-import.
 *
 * A page at a time, the files stat'ed off the event loop: the journal holds an entry per sidecar
 * rawlight wrote, and read whole with a stat each on the loop it took 0.84 s and ~140 MB at 100K
 * entries (measured), before the daemon claimed its first job. So the daemon runs it beside the
 * pipeline, once the queue is dry: an entry whose write began since it was read (`started_at`
 * changed) is the pipeline's, left alone, and entries begun after `startedBefore` are never read.
 */
export async function reconcileJournal(db: WritableDb, o: ReconcileOptions = {}): Promise<ReconcileReport> {
  const out: ReconcileReport = { kept: 0, changed: [], gone: 0 };
  const startedBefore = o.startedBefore ?? Number.MAX_SAFE_INTEGER;
  // The entry as it was read, if this run has not begun a write to its path since.
  const unchanged = (j: JournalRow) => getJournal(db, j.path)?.started_at === j.started_at;
  for (let after = ''; !o.signal?.aborted; ) {
    const page = journalPage(db, after, startedBefore, RECONCILE_PAGE);
    if (page.length === 0) break;
    after = page.at(-1)!.path;
    const sigs = await Promise.all(page.map((j) => statSigAsync(j.path)));
    if (o.signal?.aborted) break; // the daemon stopping: its database closes next
    if (o.pauseMs) await sleep(o.pauseMs);
    if (o.signal?.aborted) break;
    const confirm: { j: JournalRow; sig: FileSig }[] = [];
    tx(db, () => {
      page.forEach((j, i) => {
        if (!unchanged(j)) return;
        const sig = sigs[i];
        if (!sig) {
          journalDelete(db, j.path);
          out.gone++;
        } else if (j.phase === 'written' && j.size === sig.size && j.mtime_ns !== null && sameMtime(j.mtime_ns, sig.mtimeNs)) {
          out.kept++;
        } else if (j.phase === 'written' && j.sha256 && j.size === sig.size) {
          confirm.push({ j, sig });
        } else {
          journalDelete(db, j.path);
          out.changed.push(j.path);
        }
      });
    });
    // Same size, another mtime: a touch (still ours) or an edit of the same length; the hash says.
    for (const { j, sig } of confirm) {
      const ours = await sha256File(j.path).then((h) => h === j.sha256, () => false);
      if (o.signal?.aborted) break;
      tx(db, () => {
        if (!unchanged(j)) return;
        if (ours) {
          journalFinish(db, j.path, { ...sig, sha256: j.sha256! });
          out.kept++;
        } else {
          journalDelete(db, j.path);
          out.changed.push(j.path);
        }
      });
    }
  }
  return out;
}
