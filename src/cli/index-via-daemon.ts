import type { IndexStarted } from '../api/api-deps.js';
import type { Config } from '../config/index.js';
import { DaemonError, ErrorCodes, NEEDS_INSTALL } from '../errors/index.js';
import type { ReadableDb } from '../store/db.js';
import { UsageError, type CliEnv } from './command.js';
import { createDaemonClient, DaemonRefusal, type DaemonClient } from './daemon-client.js';
import { indexReport, type IndexReport } from './index-report.js';
import { daemonRunning } from './lock.js';
import { openIndex } from './open-index.js';
import { atOrUnder } from '../store/path-range.js';

export interface ViaDaemonOptions {
  roots: readonly string[];
  /** `--passes`: wait for these (and what they read from) only; default every pass. */
  onlyPasses?: readonly string[] | undefined;
  config: Config;
  /** How far ahead a due retry is still waited for (as `index` waits when it runs the queue). */
  retryWaitMs: number;
  /** How often the database is looked at while waiting (ms). */
  pollMs?: number;
  /** Said to the user along the way (a paused daemon runs nothing until it resumes). */
  warn?: (line: string) => void;
  /** Told how many steps are left, at every look (the terminal's progress line). */
  onProgress?: (left: number) => void;
  now?: () => number;
}

/**
 * `rawlight index DIR...` while the daemon runs. One process drives a home's queue (the daemon
 * holds its lock), so the daemon does the work: it walks the folders at once, queues their photos
 * ahead of its backlog, and this command follows that work in the database (read-only) until the
 * passes asked for are done for them, then reports as `index` does when it runs the queue itself.
 * With `--passes metadata` it returns once the metadata is in; the daemon goes on with the rest,
 * as it would for any new photo. The new faces are grouped (the page's "Group now") before the
 * last wait, so the names that grouping puts on photos reach their XMP, as at the end of `index`.
 */
export async function indexThroughDaemon(env: CliEnv, o: ViaDaemonOptions): Promise<IndexReport> {
  const now = o.now ?? Date.now;
  const t0 = now();
  const client = createDaemonClient(env.places, o.config);
  const started = await post<IndexStarted>(client, '/api/index', { dirs: o.roots, ...(o.onlyPasses ? { passes: o.onlyPasses } : {}) });
  const status = await client.fetch('/api/status').then((r) => (r.ok ? (r.json() as Promise<{ paused?: boolean }>) : null)).catch(() => null);
  if (status?.paused) o.warn?.('the daemon is paused: these folders\' photos wait until it resumes (Resume on the page, `rawlight open`)');
  const db = openIndex(env.places);
  try {
    const follow = () => settled(env, db, o, started.waitFor, now);
    await follow();
    if (started.waitFor.includes('faces')) {
      // The folders' work is done either way: a failed grouping is said, not the import failed.
      const grouped = await post(client, '/api/people/group', {}).then(
        () => true,
        (e: unknown) => (o.warn?.(`grouping the new faces failed (${(e as Error).message}); the daemon groups them when it is idle`), false),
      );
      if (grouped) await follow();
    }
    return indexReport(db, {
      roots: o.roots,
      reports: started.roots,
      // As when `index` runs the queue: the runs of the passes asked for (the daemon's others are its own).
      executed: executedSince(db, o.roots, t0, started.waitFor),
      waitingRetries: stepsLeft(db, o.roots, started.waitFor, Infinity),
      ms: now() - t0,
    });
  } finally {
    db.close();
  }
}

/** Resolves once no step of these passes is left for the folders' photos but retries due later. */
async function settled(env: CliEnv, db: ReadableDb, o: ViaDaemonOptions, passes: readonly string[], now: () => number): Promise<void> {
  for (;;) {
    const t = performance.now();
    const left = stepsLeft(db, o.roots, passes, now() + o.retryWaitMs);
    // A look at a whole library's steps (hundreds of thousands of jobs) takes a while: looked at
    // no more often than ten times its own length, so following the daemon never costs it a core.
    const pause = Math.max(o.pollMs ?? 500, 10 * (performance.now() - t));
    o.onProgress?.(left);
    if (left === 0) return;
    // Asked after the count: work done just before the daemon stopped still counts as done.
    if (!daemonRunning(env.places)) {
      throw new DaemonError('DAEMON_STOPPED', `${left} step(s) of these folders were not done yet; they run when it starts again, or run \`rawlight index\` again`);
    }
    await new Promise((r) => setTimeout(r, pause));
  }
}

/**
 * Jobs of these passes for the folders' photos still to run: leased, or pending and due by `dueBy`
 * (a failure only an install heals is not waited for: its retries would fail alike). With
 * `dueBy` Infinity: every one left, the retries due later included.
 */
export function stepsLeft(db: ReadableDb, roots: readonly string[], passes: readonly string[], dueBy: number): number {
  if (passes.length === 0) return 0;
  const w = atOrUnder('f.path', roots);
  const due = Number.isFinite(dueBy) ? ` AND j.run_after <= ? AND (j.last_error_code IS NULL OR j.last_error_code NOT IN (${NEEDS_INSTALL.map(() => '?').join(',')}))` : '';
  // CROSS JOIN keeps the folder's files outside: with the store's sampled statistics SQLite
  // otherwise starts from every job of these passes (the whole backlog) for a small folder.
  const sql = `SELECT count(*) FROM files f CROSS JOIN jobs j ON j.file_id = f.id
    WHERE ${w.sql} AND j.pass IN (${passes.map(() => '?').join(',')}) AND (j.state = 'leased' OR (j.state = 'pending'${due}))`;
  const params = [...w.params, ...passes, ...(due ? [dueBy, ...NEEDS_INSTALL] : [])];
  return db.prepare(sql).pluck().get(...params) as number;
}

/** Runs of these passes for the folders' photos since `t0`, by pass: what the daemon ran for them. */
export function executedSince(db: ReadableDb, roots: readonly string[], t0: number, passes: readonly string[]): Record<string, number> {
  if (passes.length === 0) return {};
  const w = atOrUnder('f.path', roots);
  const rows = db
    .prepare(`SELECT r.pass, count(*) AS n FROM files f CROSS JOIN pass_runs r ON r.file_id = f.id WHERE r.started_at >= ? AND ${w.sql} AND r.pass IN (${passes.map(() => '?').join(',')}) GROUP BY r.pass`)
    .all(t0, ...w.params, ...passes) as { pass: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.pass, r.n]));
}

/** A POST to the daemon; its refusals as this command says them (an unknown pass name: a usage error). */
async function post<T>(client: DaemonClient, p: string, body: unknown): Promise<T> {
  try {
    return await client.post<T>(p, body);
  } catch (e) {
    if (!(e instanceof DaemonRefusal)) throw e;
    // A daemon started before an upgrade runs the old build until it is restarted.
    if (e.status === 404 && e.code === 'API_NOT_FOUND') {
      throw new DaemonError('API_FEATURE_UNAVAILABLE', `the running daemon is older than this rawlight and has no ${p}: restart it (\`rawlight agent restart\`), then run this again`);
    }
    if (e.code === 'PASS_UNKNOWN') throw new UsageError(`--passes: ${e.detail.charAt(0).toLowerCase()}${e.detail.slice(1)}`);
    // Said again with its own code, its summary not twice.
    const stopped = `${ErrorCodes.DAEMON_STOPPED.message}: `;
    if (e.code === 'DAEMON_STOPPED') throw new DaemonError('DAEMON_STOPPED', e.detail.startsWith(stopped) ? e.detail.slice(stopped.length) : e.detail);
    throw new DaemonError('API_FEATURE_UNAVAILABLE', `the daemon refused ${p} (${e.message})`);
  }
}
