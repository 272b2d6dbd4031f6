import type { ReadableDb, WritableDb } from '../db.js';

/**
 * The counts behind status, kept by the triggers of migrations/0060-status-counts.sql. Reading
 * them costs O(passes); recounting them costs O(files), so it happens only when asked (the nightly
 * optimize, `rawlight doctor`) and rewrites only when the kept counts disagree.
 */
export interface KeptCounts {
  files: Record<string, number>;
  results: Record<string, Record<string, number>>;
  jobs: Record<string, Record<string, number>>;
}

const KEPT = {
  files: 'SELECT state AS a, NULL AS b, n FROM file_counts WHERE n <> 0',
  results: 'SELECT pass AS a, status AS b, n FROM pass_result_counts WHERE n <> 0',
  jobs: 'SELECT pass AS a, state AS b, n FROM job_counts WHERE n <> 0',
} as const;

const TRUE = {
  files: 'SELECT state AS a, NULL AS b, count(*) AS n FROM files GROUP BY state',
  results: `SELECT r.pass AS a, r.status AS b, count(*) AS n FROM pass_results r JOIN files f ON f.id = r.file_id
            WHERE f.state = 'present' GROUP BY r.pass, r.status`,
  jobs: 'SELECT pass AS a, state AS b, count(*) AS n FROM jobs GROUP BY pass, state',
} as const;

type Row = { a: string; b: string | null; n: number };

function shape(rows: Row[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) (out[r.a] ??= {})[r.b ?? ''] = r.n;
  return out;
}

function flat(rows: Row[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.a] = r.n;
  return out;
}

function read(db: ReadableDb, q: typeof KEPT | typeof TRUE): KeptCounts {
  return {
    files: flat(db.prepare(q.files).all() as Row[]),
    results: shape(db.prepare(q.results).all() as Row[]),
    jobs: shape(db.prepare(q.jobs).all() as Row[]),
  };
}

/** The kept counts: a few dozen rows whatever the library's size. */
export function keptCounts(db: ReadableDb): KeptCounts {
  return read(db, KEPT);
}

/** Counts the rows themselves (O(files)): the reference the kept counts are checked against. */
export function recount(db: ReadableDb): KeptCounts {
  return read(db, TRUE);
}

/**
 * Compares the kept counts with a recount and rewrites them when they differ (a database edited
 * with triggers off, a bug). Returns which tables were wrong; runs in one write transaction so no
 * writer changes rows between the recount and the rewrite.
 */
export function verifyStatusCounts(db: WritableDb): { repaired: ('files' | 'results' | 'jobs')[] } {
  return db
    .transaction(() => {
      const kept = keptCounts(db);
      const truth = recount(db);
      const repaired: ('files' | 'results' | 'jobs')[] = [];
      if (JSON.stringify(sorted(kept.files)) !== JSON.stringify(sorted(truth.files))) {
        repaired.push('files');
        db.prepare('DELETE FROM file_counts').run();
        db.prepare('INSERT INTO file_counts (state, n) SELECT state, count(*) FROM files GROUP BY state').run();
      }
      if (JSON.stringify(sortedDeep(kept.results)) !== JSON.stringify(sortedDeep(truth.results))) {
        repaired.push('results');
        db.prepare('DELETE FROM pass_result_counts').run();
        db.prepare(`INSERT INTO pass_result_counts (pass, status, n) ${TRUE.results}`).run();
      }
      if (JSON.stringify(sortedDeep(kept.jobs)) !== JSON.stringify(sortedDeep(truth.jobs))) {
        repaired.push('jobs');
        db.prepare('DELETE FROM job_counts').run();
        db.prepare(`INSERT INTO job_counts (pass, state, n) ${TRUE.jobs}`).run();
      }
      return { repaired };
    })
    .immediate();
}

function sorted(o: Record<string, number>): [string, number][] {
  return Object.entries(o).filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function sortedDeep(o: Record<string, Record<string, number>>): [string, [string, number][]][] {
  return Object.entries(o)
    .map(([k, v]) => [k, sorted(v)] as [string, [string, number][]])
    .filter(([, v]) => v.length > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
