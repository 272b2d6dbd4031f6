import type { Dirent } from 'node:fs';
import { lstat, readdir, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { tx, type WritableDb } from '../store/db.js';
import { deletedBefore, forgetDeletedFile } from '../store/repositories/file.repository.js';
import type { UpkeepJob } from './upkeep-job.js';
import { referencedCachePaths } from './upkeep.repository.js';

/** Cache folders of rebuildable files: previews, thumbnails (preview pass), face crops (faces pass). */
export const PRUNE_DIRS = ['previews', 'thumbs', 'faces'] as const;
/**
 * A file younger than this is never pruned: passes write their cache file during run() and the row
 * pointing at it only in the commit that follows, so a fresh file may not be referenced yet.
 */
export const PRUNE_GRACE_MS = 60 * 60 * 1000;

interface Candidate {
  rel: string;
  bytes: number;
}

async function walk(root: string, rel: string, out: Candidate[], olderThan: number, signal: AbortSignal): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(path.join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (signal.aborted) return;
    const r = path.join(rel, e.name);
    if (e.isDirectory()) await walk(root, r, out, olderThan, signal);
    else if (e.isFile()) {
      try {
        const st = await lstat(path.join(root, r));
        if (st.mtimeMs < olderThan) out.push({ rel: r, bytes: st.size });
      } catch {
        // gone meanwhile
      }
    }
    // symlinks and others are never followed nor removed: we only delete what we wrote
  }
}

async function removeEmptyDirs(root: string, rel: string): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(path.join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) await removeEmptyDirs(root, path.join(rel, e.name));
  if (rel.includes(path.sep)) await rmdir(path.join(root, rel)).catch(() => {}); // keep the top-level folders
}

/**
 * How long one transaction of forgetting may work before it commits: a photo takes 0.5-2 ms with its
 * faces, results, runs and jobs (measured at 20K and 550K photos), so a fixed count of photos held
 * the loop 20-80 ms. A commit that crosses the WAL's checkpoint threshold adds up to ~13 ms at 550K
 * (WAL_AUTOCHECKPOINT_PAGES; the pipeline's commits meet the same); the API's p99 goal is 50 ms
 * (`npm run bench scale` prints the longest hold).
 */
const FORGET_BUDGET_MS = 8;
/** Deleted photos listed at a time (ids only), then forgotten transaction by transaction. */
const FORGET_LIST = 500;

/** Forgets the photos deleted before `before`, transactions of FORGET_BUDGET_MS; stops early when asked. */
async function forgetDeleted(db: WritableDb, before: number, signal: AbortSignal): Promise<number> {
  let n = 0;
  for (let after = 0; ; ) {
    const ids = deletedBefore(db, before, after, FORGET_LIST);
    for (let i = 0; i < ids.length; ) {
      const started = performance.now();
      tx(db, () => {
        do if (forgetDeletedFile(db, ids[i++]!, before)) n++;
        while (i < ids.length && performance.now() - started < FORGET_BUDGET_MS);
      });
      if (signal.aborted) return n;
      await nextTurn(); // the API and the workers get their turns between two transactions
    }
    if (ids.length < FORGET_LIST) return n;
    after = ids.at(-1)!;
  }
}

export function createPruneJob(opts: { graceMs?: number; dirs?: readonly string[] } = {}): UpkeepJob {
  const grace = opts.graceMs ?? PRUNE_GRACE_MS;
  return {
    name: 'prune',
    enabled: () => true,
    async run(ctx) {
      const cache = ctx.places.cacheDir;
      // First the photos deleted long enough ago: their previews and face crops are then no row's.
      const days = ctx.config.schedule.deletedKeptDays;
      const forgotten = days > 0 ? await forgetDeleted(ctx.db, ctx.now() - days * 24 * 3600_000, ctx.signal) : 0;
      if (forgotten) ctx.log.info({ forgotten, days }, `forgot ${forgotten} photo(s) deleted more than ${days} days ago (schedule.deletedKeptDays)`);
      const before = await referencedCachePaths(ctx.db);
      const dirs = new Set<string>(opts.dirs ?? PRUNE_DIRS);
      const candidates: Candidate[] = [];
      for (const d of dirs) await walk(cache, d, candidates, ctx.now() - grace, ctx.signal);
      // Second look right before deleting: a row committed during the walk (say, a restored photo
      // whose preview file was still here) keeps its file.
      const after = await referencedCachePaths(ctx.db);
      let removed = 0;
      let bytes = 0;
      for (const c of candidates) {
        if (ctx.signal.aborted) break;
        const key = c.rel.split(path.sep).join('/');
        if (before.has(key) || after.has(key) || before.has(c.rel) || after.has(c.rel)) continue;
        try {
          await unlink(path.join(cache, c.rel));
          removed++;
          bytes += c.bytes;
        } catch {
          // already gone
        }
      }
      for (const d of dirs) await removeEmptyDirs(cache, d);
      return { forgotten, checked: candidates.length, removed, bytesFreed: bytes, referenced: after.size };
    },
  };
}
