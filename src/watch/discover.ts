import { existsSync, type BigIntStats } from 'node:fs';
import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { PipelineBus } from '../pipeline/events.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { TURN_BUDGET_MS } from '../pipeline/turns.js';
import { Priority, wakeFileJobs } from '../queue/queue.js';
import { tx, type WritableDb } from '../store/db.js';
import { stmt } from '../store/statements.js';
import { getFile, getFileByPath, markFileGone, type FileRow } from '../store/repositories/file.repository.js';
import { maybeDataless, noDatalessProbe, type DatalessProbe } from '../platform/dataless.js';
import { extOf, mediaKind, sidecarCandidates } from './media.js';

export type Change = 'added' | 'changed' | 'moved' | 'unchanged' | 'cloud' | 'sidecar';

export interface Observation {
  path: string;
  root: string;
  stat: BigIntStats;
  /**
   * The sidecar that belongs to this photo now (and its stat), if any. `others`: further sidecars
   * of the same photo (`IMG_1.xmp` beside `IMG_1.CR3.xmp`); the metadata pass reads them all, so an
   * edit to any of them is a sidecar change.
   */
  sidecar: { path: string; stat: BigIntStats; others?: { path: string; stat: BigIntStats }[] } | null;
}

/** The stored sidecar signature: the first sidecar's size:mtime, then any other's (same as before with one). */
export function sidecarSigOf(sidecar: Observation['sidecar']): string | null {
  if (!sidecar) return null;
  return [sidecar, ...(sidecar.others ?? [])].map((s) => statSig(s.stat)).join('+');
}

export interface DiscoveryOptions {
  db: WritableDb;
  pipeline: Pipeline;
  bus: PipelineBus;
  log: Logger;
  dataless?: DatalessProbe;
  /** True when a stat matches a write rawlight itself made (XMP journal): such changes are ours. */
  isOwnWrite?: (path: string, stat: BigIntStats) => boolean;
}

export function statSig(st: BigIntStats): string {
  return `${st.size}:${st.mtimeNs}`;
}

/**
 * Turns "this path looks like this now" into database facts and queued work. Gate 1 lives here:
 * an unchanged size + mtime (ns) + inode means nothing to do, without reading a byte.
 */
export class Discovery {
  constructor(private readonly o: DiscoveryOptions) {}

  /** Finds the sidecar of a photo by stat (watcher path; the reconcile walk uses its listing). */
  static async findSidecar(photo: string): Promise<Observation['sidecar']> {
    const found: { path: string; stat: BigIntStats }[] = [];
    for (const c of sidecarCandidates(photo)) {
      // On a case-insensitive volume IMG_1.xmp and IMG_1.XMP are one file: keep the first spelling.
      if (found.some((f) => f.path.toLowerCase() === c.toLowerCase())) continue;
      try {
        const st = await fs.stat(c, { bigint: true });
        // A directory named like a sidecar is malformed: report it to the metadata pass as a sidecar.
        if (st.isFile() || st.isDirectory()) found.push({ path: c, stat: st });
      } catch {
        /* not there */
      }
    }
    const [first, ...others] = found;
    if (!first) return null;
    return others.length ? { ...first, others } : first;
  }

  /**
   * Applies a batch of observations, queuing work for what changed. Each observation is atomic on
   * its own; they are committed in transactions of at most TURN_BUDGET_MS each, with the event loop
   * free between two: 500 new files cost 100–280 ms of SQLite (insert, name index, queue), which in
   * one transaction held every API request and watcher event of a first scan that long.
   */
  async observeMany(batch: Observation[], priority: number = Priority.backlog): Promise<Map<string, Change>> {
    const out = new Map<string, Change>();
    const candidates = batch.filter((b) => maybeDataless(b.stat)).map((b) => b.path);
    const cloud = candidates.length ? await (this.o.dataless ?? noDatalessProbe).check(candidates) : new Set<string>();
    let i = 0;
    while (i < batch.length) {
      if (i > 0) await nextTurn();
      const events: { id: number; path: string; change: Exclude<Change, 'unchanged'> }[] = [];
      const started = performance.now();
      tx(this.o.db, () => {
        do {
          const ob = batch[i++]!;
          const r = this.observeOne(ob, cloud.has(ob.path), priority);
          out.set(ob.path, r.change);
          if (r.change !== 'unchanged') events.push({ id: r.id, path: ob.path, change: r.change });
        } while (i < batch.length && performance.now() - started < TURN_BUDGET_MS);
      });
      for (const e of events) this.o.bus.emit('file-changed', { fileId: e.id, path: e.path, change: e.change });
    }
    return out;
  }

  private observeOne(ob: Observation, dataless: boolean, priority: number): { id: number; change: Change } {
    const db = this.o.db;
    const now = Date.now();
    const kind = mediaKind(ob.path);
    if (!kind) throw new Error(`not a media file: ${ob.path}`);
    const st = ob.stat;
    const size = Number(st.size);
    const mtimeNs = st.mtimeNs.toString();
    const dev = Number(st.dev);
    const ino = Number(st.ino);
    const sidecarSig = sidecarSigOf(ob.sidecar);
    let row = getFileByPath(db, ob.path);
    let change: Change = 'unchanged';

    if (!row) {
      // A file we know under another path that no longer exists there: a move or rename.
      const moved = stmt(db, `SELECT * FROM files WHERE dev = ? AND ino = ? AND size = ? AND mtime_ns = ?`).all(dev, ino, size, mtimeNs) as FileRow[];
      const from = moved.find((m) => m.state === 'gone' || !existsSync(m.path));
      if (from) {
        stmt(db, `UPDATE files SET path = ?, root = ?, ext = ?, state = 'present', gone_at = NULL, last_seen_at = ? WHERE id = ?`).run(
          ob.path, ob.root, extOf(ob.path), now, from.id,
        );
        this.o.log.info({ from: from.path, to: ob.path }, 'file moved; results kept');
        row = getFile(db, from.id)!;
        change = 'moved';
        // Marked gone meanwhile (a pass found it vanished mid-move): the steps it missed run now.
        if (from.state === 'gone') this.o.pipeline.considerEveryPass(row, priority);
        if (from.state !== 'present' && wakeFileJobs(db, from.id, now) > 0) this.o.pipeline.wake();
      } else {
        const r = stmt(
          db,
          `INSERT INTO files (path, root, ext, kind, dev, ino, size, mtime_ns, state, sidecar_path, sidecar_sig, first_seen_at, last_seen_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(ob.path, ob.root, extOf(ob.path), kind, dev, ino, size, mtimeNs, dataless ? 'cloud' : 'present', ob.sidecar?.path ?? null, sidecarSig, now, now);
        row = getFile(db, Number(r.lastInsertRowid))!;
        if (dataless) return { id: row.id, change: 'cloud' };
        this.o.pipeline.considerFile(row, priority);
        return { id: row.id, change: 'added' };
      }
    }

    if (dataless) {
      if (row.state !== 'cloud') stmt(db, `UPDATE files SET state = 'cloud', last_seen_at = ? WHERE id = ?`).run(now, row.id);
      return { id: row.id, change: row.state === 'cloud' ? 'unchanged' : 'cloud' };
    }

    const contentChanged = row.size !== size || row.mtime_ns !== mtimeNs || row.ino !== ino || row.dev !== dev;
    const sidecarChanged = row.sidecar_sig !== sidecarSig || row.sidecar_path !== (ob.sidecar?.path ?? null);
    const revived = row.state !== 'present';
    stmt(
      db,
      `UPDATE files SET dev = ?, ino = ?, size = ?, mtime_ns = ?, state = 'present', gone_at = NULL, root = ?,
         sidecar_path = ?, sidecar_sig = ?, last_seen_at = ? WHERE id = ?`,
    ).run(dev, ino, size, mtimeNs, ob.root, ob.sidecar?.path ?? null, sidecarSig, now, row.id);
    if (!contentChanged && !sidecarChanged && !revived) return { id: row.id, change: change === 'moved' ? 'moved' : 'unchanged' };
    const fresh = getFile(db, row.id)!;
    if (revived) {
      // Back from a drive that was away: the steps put aside for it run now.
      if (wakeFileJobs(db, row.id, now) > 0) this.o.pipeline.wake();
    }
    if (revived && !contentChanged && (row.state === 'gone' || row.state === 'cloud')) {
      // Found again as it was after it was marked gone: a step that found it vanished recorded
      // nothing, and its dependents never ran (as for a move found after the file was marked gone).
      // Downloaded from iCloud: a start-up sweep passed it by while it was a placeholder. One photo
      // at a time, unlike a drive plugged back (its steps were kept for it, see Pipeline.consider).
      this.o.pipeline.considerEveryPass(fresh, priority);
      if (change !== 'moved') change = 'added';
    } else if (contentChanged || revived) {
      this.o.pipeline.considerFile(fresh, priority);
      if (change !== 'moved') change = revived && !contentChanged ? 'added' : 'changed';
    }
    if (sidecarChanged) {
      const own = this.isOwnSidecarChange(ob.sidecar, row.sidecar_sig);
      if (!own) {
        // Someone else edited the sidecar: re-read metadata only (ML passes key on the preview).
        const meta = this.o.pipeline.pass('metadata');
        if (meta) this.o.pipeline.consider(fresh, meta, priority);
        if (change === 'unchanged') change = 'sidecar';
      } else {
        this.adoptOwnSidecarWrite(fresh);
      }
    }
    return { id: row.id, change };
  }

  /**
   * The sidecar change is rawlight's own write: at least one sidecar is as rawlight wrote it, every
   * other is unchanged since last seen (its size:mtime was in the stored signature), and none
   * went away. A user's edit of the other sidecar is thus never taken for ours.
   */
  private isOwnSidecarChange(sidecar: Observation['sidecar'], prevSig: string | null): boolean {
    if (!sidecar || !this.o.isOwnWrite) return false;
    const all = [sidecar, ...(sidecar.others ?? [])];
    const prev = new Set(prevSig ? prevSig.split('+') : []);
    if (prev.size > all.length) return false;
    let ours = false;
    for (const s of all) {
      if (this.o.isOwnWrite(s.path, s.stat)) ours = true;
      else if (!prev.has(statSig(s.stat))) return false;
    }
    return ours;
  }

  /**
   * Our own XMP write changed the sidecar: the metadata we would re-read is what we wrote, and the
   * writeback that made it is done, so both results are re-keyed to the new sidecar state instead
   * of re-running them (else the next upstream change, even a touch, would write the file again).
   */
  private adoptOwnSidecarWrite(file: FileRow): void {
    // A writeback asked for since that write (a person named between the write and this event,
    // seconds on a busy watcher) is for values the write did not hold: re-keyed to the inputs as
    // they are now, its result would make that job find "done" and skip it. It keeps the old key,
    // so the job runs (and re-keys through its own write).
    const asked = stmt(this.o.db, `SELECT 1 FROM jobs WHERE file_id = ? AND pass = 'writeback' AND +state = 'pending'`).get(file.id) !== undefined;
    for (const name of asked ? ['metadata'] : ['metadata', 'writeback']) {
      const pass = this.o.pipeline.pass(name);
      const key = pass?.inputKey(this.o.db, file) ?? null;
      if (key === null) continue;
      stmt(this.o.db, `UPDATE pass_results SET input_key = ? WHERE file_id = ? AND pass = ? AND status = 'ok'`).run(key, file.id, name);
    }
  }

  /** Marks files gone (deleted, or moved out of every library). */
  markGone(paths: string[]): number {
    let n = 0;
    const now = Date.now();
    const gone: { id: number; path: string }[] = [];
    tx(this.o.db, () => {
      for (const p of paths) {
        const row = getFileByPath(this.o.db, p);
        if (!row || row.state === 'gone') continue;
        markFileGone(this.o.db, row.id, now);
        stmt(this.o.db, `DELETE FROM jobs WHERE file_id = ? AND state != 'leased'`).run(row.id);
        gone.push({ id: row.id, path: p });
        n++;
      }
    });
    for (const g of gone) this.o.bus.emit('file-changed', { fileId: g.id, path: g.path, change: 'gone' });
    return n;
  }

  /** A library root is unreachable (unmounted drive): its files are offline, not deleted. */
  markRootOffline(root: string): number {
    return this.o.db.prepare(`UPDATE files SET state = 'offline' WHERE root = ? AND state = 'present'`).run(root).changes;
  }
}
