import type { ReadableDb } from '../store/db.js';
import { atOrUnder } from '../store/path-range.js';

/** What one walked folder held (the reconcile's report, as `index --json` gives it). */
export interface RootReport {
  root: string;
  state: string;
  seen: number;
  added: number;
  changed: number;
  moved: number;
  gone: number;
  unreadable: { path: string; why: string }[];
}

/** `rawlight index --json`: the same fields whether the command ran the queue or the daemon did. */
export interface IndexReport {
  files: number;
  executed: Record<string, number>;
  failed: { path: string; pass: string; error: string; code: string | null }[];
  cloudOnly: number;
  /** Jobs that failed transiently and retry later than `index` waits (the daemon retries them). */
  waitingRetries: number;
  gone: number;
  roots: Omit<RootReport, 'unreadable'>[];
  /** Folders and files the walk could not read (permission denied, a name that is not UTF-8), and why. */
  unreadable: { path: string; why: string }[];
  ms: number;
}

/** The report of an index run over `roots`, read from the database once the work settled. */
export function indexReport(db: ReadableDb, o: { roots: readonly string[]; reports: readonly RootReport[]; executed: Record<string, number>; waitingRetries: number; ms: number }): IndexReport {
  const w = atOrUnder('f.path', o.roots);
  const failed = db
    .prepare(
      `SELECT f.path, r.pass, r.error, r.error_code AS code FROM pass_results r JOIN files f ON f.id = r.file_id
       WHERE r.status = 'failed' AND f.state = 'present' AND ${w.sql} ORDER BY f.path, r.pass`,
    )
    .all(...w.params) as IndexReport['failed'];
  const dead = db
    .prepare(
      `SELECT f.path, j.pass, j.last_error AS error, j.last_error_code AS code FROM jobs j JOIN files f ON f.id = j.file_id
       WHERE (j.state = 'dead' OR j.last_error IS NOT NULL) AND ${w.sql} AND NOT EXISTS (SELECT 1 FROM pass_results r WHERE r.file_id = j.file_id AND r.pass = j.pass AND r.status = 'failed')`,
    )
    .all(...w.params) as IndexReport['failed'];
  const count = (state: string) => (db.prepare(`SELECT count(*) AS n FROM files f WHERE f.state = ? AND ${w.sql}`).get(state, ...w.params) as { n: number }).n;
  return {
    files: count('present') + count('cloud'),
    executed: o.executed,
    failed: [...failed, ...dead].map((f) => ({ path: f.path, pass: f.pass, error: f.error ?? '', code: f.code })),
    cloudOnly: count('cloud'),
    waitingRetries: o.waitingRetries,
    gone: o.reports.reduce((n, r) => n + r.gone, 0),
    roots: o.reports.map((r) => ({ root: r.root, state: r.state, seen: r.seen, added: r.added, changed: r.changed, moved: r.moved, gone: r.gone })),
    unreadable: o.reports.flatMap((r) => r.unreadable),
    ms: o.ms,
  };
}
