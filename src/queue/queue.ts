import type { ReadableDb, WritableDb } from '../store/db.js';
import { countWaiting } from '../store/repositories/status.repository.js';
import { stmt } from '../store/statements.js';

/** Input key meaning "work out the current key when the job is claimed". */
export const RECONSIDER_KEY = '*';

/**
 * Priorities: work a user is waiting for first, then watcher events (a new or changed photo, a
 * sidecar edit), then a request to reconsider (a person named), then the passes a user did not
 * ask for of the photos they asked some for (`index DIR --passes faces`: the folder's tags), then
 * files a library walk found, then the backlog (version sweeps, retries). Dependents inherit their
 * file's priority.
 *
 * `away`: a parked step (its photo's drive unplugged, its bytes in iCloud, its folder read-only),
 * pending but not due for a day or until the photo is back. Below every other priority so that
 * the claim index (state, pass, priority, id) holds them after all real work: at their own
 * priority a claim walked past every parked step first (200K of an unplugged archive: 11 ms a
 * claim, 46 ms a continuation, against 0.2 ms). Woken, a step gets `walk` (the photo was found again).
 */
export const Priority = { away: -1, backlog: 0, walk: 3, userRest: 4, reconsider: 5, watch: 10, user: 20 } as const;

/** In an upsert: the job there is parked and not due yet (it stays parked whatever asks again). */
const STILL_PARKED = `jobs.priority < ${Priority.backlog} AND jobs.run_after > excluded.updated_at`;

export interface JobRow {
  id: number;
  file_id: number;
  pass: string;
  input_key: string;
  state: 'pending' | 'leased' | 'dead';
  priority: number;
  attempts: number;
  run_after: number;
  lease_until: number | null;
  lease_owner: string | null;
  last_error_code: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  /** 1: `requestPass` asked for it while it was leased; `complete` sets it pending again. */
  requested_again: number;
}

/**
 * Adds a job unless the same (file, pass, input key) is already queued; a dead job with that key
 * is left dead (retry is explicit). Returns true when a new job was inserted.
 */
export function enqueue(db: WritableDb, fileId: number, pass: string, inputKey: string, priority: number = Priority.backlog, now = Date.now()): boolean {
  const r = stmt(db, `INSERT INTO jobs (file_id, pass, input_key, state, priority, created_at, updated_at)
       VALUES (?, ?, ?, 'pending', ?, ?, ?)
       ON CONFLICT (file_id, pass, input_key) DO UPDATE SET
         priority = max(jobs.priority, excluded.priority)
       WHERE jobs.state = 'pending' AND jobs.priority < excluded.priority AND NOT (${STILL_PARKED})`).run(fileId, pass, inputKey, priority, now, now);
  return r.changes > 0;
}

/**
 * Raises the pending jobs of these files to `priority`, never lowering one: a user asking for a
 * folder the backlog already holds (`rawlight index` through the daemon) gets it next. `passes`:
 * only those passes' jobs (what the user waits for); the others keep their place. The passes
 * queued after them inherit it (Pipeline.considerDependents).
 */
export function raisePriority(db: WritableDb, fileIds: readonly number[], priority: number, passes?: readonly string[]): number {
  if (fileIds.length === 0) return 0;
  const only = passes ? ' AND pass IN (SELECT value FROM json_each(?))' : '';
  // Parked steps stay parked: their photo is away (`index` of it is refused as offline anyway).
  return stmt(db, `UPDATE jobs SET priority = ? WHERE file_id IN (SELECT value FROM json_each(?)) AND state = 'pending' AND priority < ? AND priority >= ${Priority.backlog}${only}`)
    .run(priority, JSON.stringify(fileIds), priority, ...(passes ? [JSON.stringify(passes)] : [])).changes;
}

/**
 * Asks for `pass` to be (re)considered for a file: durable, deduplicated, safe to call from any
 * process (CLI while the daemon runs). When claimed, the worker computes the pass's current input
 * key; if a result already exists for it nothing runs, otherwise the pass runs with that key.
 * Use it when something a pass reads has changed outside the pipeline (a person named, a tag
 * edited): e.g. requestPass(db, fileId, 'writeback').
 * `runAfter` later than `now`: parked until then (a photo whose drive is away: until `wakeFileJobs`
 * finds it back), at Priority.away.
 */
export function requestPass(db: WritableDb, fileId: number, pass: string, priority: number = Priority.reconsider, now = Date.now(), runAfter = 0): void {
  stmt(db, `INSERT INTO jobs (file_id, pass, input_key, state, priority, run_after, created_at, updated_at)
     VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)
     ON CONFLICT (file_id, pass, input_key) DO UPDATE SET
       state = CASE WHEN jobs.state = 'dead' THEN 'pending' ELSE jobs.state END,
       attempts = CASE WHEN jobs.state = 'dead' THEN 0 ELSE jobs.attempts END,
       run_after = CASE WHEN jobs.state = 'dead' THEN excluded.run_after ELSE jobs.run_after END,
       requested_again = CASE WHEN jobs.state = 'leased' THEN 1 ELSE jobs.requested_again END,
       priority = CASE WHEN jobs.state = 'dead' THEN excluded.priority WHEN ${STILL_PARKED} THEN jobs.priority ELSE max(jobs.priority, excluded.priority) END,
       updated_at = excluded.updated_at`).run(fileId, pass, RECONSIDER_KEY, runAfter > now ? Priority.away : priority, runAfter, now, now);
}

const LEASE = `UPDATE jobs AS j SET state = 'leased', lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?`;

/**
 * Leases the job the given SELECT (of `id`s) picks. Each lease is one UPDATE … RETURNING: no job is
 * ever claimed twice. `probe`: ask EXISTS before picking, for picks that mostly find nothing and
 * whose EXISTS is far cheaper than the pick's sort (one file's jobs: ~4 against ~40 µs).
 */
function leaseOne(db: WritableDb, pick: string, params: unknown[], owner: string, leaseMs: number, now: number, probe: boolean): JobRow | undefined {
  // Reads first: a read costs the daemon's thread a fraction of a write transaction.
  if (probe && stmt(db, `SELECT EXISTS (${pick})`).pluck().get(...params) !== 1) return undefined;
  const id = stmt(db, pick).pluck().get(...params) as number | undefined;
  if (id === undefined) return undefined;
  // Then that row, if it is still free: pending, due, and no other job of its file and pass leased
  // (the pick's rules, checked again in the same statement: meanwhile another process may have
  // run it, failed it and set it back with a retry delay, or given it up as dead). Picking once,
  // not again inside the UPDATE: a claim cost the daemon's thread 0.42 ms, now 0.24 (a first
  // import's queue).
  const row = stmt(db, `${LEASE} WHERE j.id = ? AND j.state = 'pending' AND j.run_after <= ? AND ${NOT_BUSY} RETURNING *`).get(owner, now + leaseMs, now, id, now) as JobRow | undefined;
  if (row) return row;
  // Another process (a CLI run beside the daemon) leased it between the two statements: pick and
  // lease as one statement, so it never waits for a job the other one took.
  return stmt(db, `${LEASE} WHERE j.id = (${pick}) RETURNING *`).get(owner, now + leaseMs, now, ...params) as JobRow | undefined;
}

/** No two jobs of one (file, pass) run at once (say a reconsider job beside a keyed one). */
const NOT_BUSY = `NOT EXISTS (SELECT 1 FROM jobs l WHERE l.file_id = j.file_id AND l.pass = j.pass AND l.state = 'leased')`;

/**
 * Claims the next runnable job among `passes` (highest priority, then the passes not in `last`,
 * then oldest) with a lease. The best job of each pass is one short range of the claim index
 * (state, pass, priority, id, run_after); the winner is picked among those few, so a pool never
 * walks past the other pool's backlog.
 */
export function claim(db: WritableDb, passes: readonly string[], owner: string, leaseMs: number, now = Date.now(), last: readonly string[] = []): JobRow | undefined {
  if (passes.length === 0) return undefined;
  // INDEXED BY: in a first import every job is pending, of one pass, at one priority, so the
  // statistics make the claim index look no better than jobs_waiting (run_after), and the planner
  // would then read and sort every pending job on each claim (O(n) a claim, O(n²) an import).
  // `late` is a constant of the statement (a pool's passes never change): one cached statement a pool.
  // `priority >= backlog`: the parked steps below it are never walked on the way (see Priority.away).
  const best = (late: 0 | 1) => `SELECT * FROM (SELECT j.id, j.priority, ${late} AS late FROM jobs j INDEXED BY jobs_claim
     WHERE j.state = 'pending' AND j.pass = ? AND j.priority >= ${Priority.backlog} AND j.run_after <= ? AND ${NOT_BUSY}
     ORDER BY j.priority DESC, j.id LIMIT 1)`;
  const pick = `SELECT id FROM (${passes.map((p) => best(last.includes(p) ? 1 : 0)).join(' UNION ALL ')}) ORDER BY priority DESC, late, id LIMIT 1`;
  return leaseOne(db, pick, passes.flatMap((p) => [p, now]), owner, leaseMs, now, false) ?? claimParked(db, passes, owner, leaseMs, now);
}

/**
 * With nothing else to do: a parked step whose day is up (its daily look: the photo may be back
 * without the watcher having seen it), the longest due first. Seeks jobs_parked, one pass at a time.
 */
function claimParked(db: WritableDb, passes: readonly string[], owner: string, leaseMs: number, now: number): JobRow | undefined {
  const one = `SELECT * FROM (SELECT j.id, j.run_after FROM jobs j INDEXED BY jobs_parked
     WHERE j.priority < ${Priority.backlog} AND j.pass = ? AND j.run_after <= ? AND j.state = 'pending' AND ${NOT_BUSY}
     ORDER BY j.run_after LIMIT 1)`;
  const pick = `SELECT id FROM (${passes.map(() => one).join(' UNION ALL ')}) ORDER BY run_after, id LIMIT 1`;
  return leaseOne(db, pick, passes.flatMap((p) => [p, now]), owner, leaseMs, now, false);
}

/**
 * Claims a runnable job of one file among `passes` (the next step of a file a worker has just
 * advanced), unless a job of higher priority is waiting among those passes: a continuation never
 * jumps ahead of more urgent work. Served by the (file_id, …) and claim indexes: no queue scan.
 */
export function claimForFile(db: WritableDb, fileId: number, passes: readonly string[], owner: string, leaseMs: number, now = Date.now()): JobRow | undefined {
  if (passes.length === 0) return undefined;
  const marks = passes.map(() => '?').join(',');
  const pick = `SELECT j.id FROM jobs j
     WHERE j.file_id = ? AND j.state = 'pending' AND j.run_after <= ? AND j.pass IN (${marks}) AND ${NOT_BUSY}
       AND NOT EXISTS (SELECT 1 FROM jobs h INDEXED BY jobs_claim WHERE h.state = 'pending' AND h.priority > j.priority AND h.run_after <= ? AND h.pass IN (${marks}))
     ORDER BY j.priority DESC, j.id LIMIT 1`;
  return leaseOne(db, pick, [fileId, now, ...passes, now, ...passes], owner, leaseMs, now, true);
}

/**
 * Removes a finished job (its result row is the record) — unless it was requested again while it
 * ran (`requestPass` on a leased job): its run read the inputs before that request's change, so it
 * goes back to pending, a fresh job, and runs again with the inputs as they are now.
 */
export function complete(db: WritableDb, jobId: number, now = Date.now()): void {
  if (stmt(db, 'DELETE FROM jobs WHERE id = ? AND requested_again = 0').run(jobId).changes > 0) return;
  // Due at once: a parked step (its daily look) asked again is not parked any more.
  stmt(db, `UPDATE jobs SET state = 'pending', requested_again = 0, attempts = 0, run_after = 0, lease_owner = NULL, lease_until = NULL,
       priority = max(priority, ?), last_error_code = NULL, last_error = NULL, updated_at = ? WHERE id = ?`).run(Priority.backlog, now, jobId);
}

/** Retries later with exponential backoff, or marks dead after maxAttempts. Returns true if dead. */
export function fail(
  db: WritableDb,
  job: Pick<JobRow, 'id' | 'attempts'>,
  err: { code: string; message: string },
  opts: { maxAttempts: number; retryBaseMs: number; retryable: boolean },
  now = Date.now(),
): boolean {
  const dead = !opts.retryable || job.attempts >= opts.maxAttempts;
  const delay = opts.retryBaseMs * 2 ** Math.max(0, job.attempts - 1);
  // A retry is backlog: a file that failed once never holds up a photo just dropped in. Asked for
  // again while it ran (a person named meanwhile): not given up but a fresh job, its first attempt
  // ahead at the request's priority.
  const row = stmt(db, `UPDATE jobs SET state = CASE WHEN requested_again = 1 THEN 'pending' ELSE ? END,
       attempts = CASE WHEN requested_again = 1 THEN 0 ELSE attempts END, requested_again = 0,
       run_after = ?, lease_owner = NULL, lease_until = NULL, priority = CASE WHEN requested_again = 1 THEN max(priority, ?) ELSE ? END,
       last_error_code = ?, last_error = ?, updated_at = ? WHERE id = ? RETURNING state`).get(dead ? 'dead' : 'pending', dead ? 0 : now + delay, Priority.backlog, Priority.backlog, err.code, err.message, now, job.id) as { state: string } | undefined;
  return row ? row.state === 'dead' : dead;
}

/**
 * Puts a job aside, pending, until `until`, the attempt not counted: its photo is on a drive that
 * is not plugged in, or its folder cannot be written (`why`, kept as the job's last error so
 * `index` and `status` say it). `wakeFileJobs` makes it due again when the photo is back; until
 * then it is neither run nor waited for (a sync or `index` waits only for work due within a minute).
 */
export function park(db: WritableDb, jobId: number, until: number, now = Date.now(), why?: { code: string; message: string }): void {
  stmt(db, `UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_until = NULL, attempts = max(0, attempts - 1), priority = ?,
       run_after = max(run_after, ?), last_error_code = coalesce(?, last_error_code), last_error = coalesce(?, last_error), updated_at = ? WHERE id = ?`).run(
    Priority.away, until, why?.code ?? null, why?.message ?? null, now, jobId,
  );
}

/**
 * A photo back from a drive that was away: its pending jobs (parked, or waiting to retry) are due
 * now. Read by the photo's own jobs (the unique index): a drive's worth of parked jobs waits in
 * jobs_waiting, which the `+` keep the planner from walking once per photo.
 */
export function wakeFileJobs(db: WritableDb, fileId: number, now = Date.now()): number {
  return stmt(db, `UPDATE jobs SET run_after = ?, priority = CASE WHEN priority < ? THEN ? ELSE priority END, updated_at = ? WHERE file_id = ? AND +state = 'pending' AND +run_after > ?`).run(now, Priority.backlog, Priority.walk, now, fileId, now).changes;
}

/** Gives a leased job back untouched (shutdown): the attempt does not count. */
export function release(db: WritableDb, jobId: number, now = Date.now()): void {
  stmt(db, `UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_until = NULL,
       attempts = max(0, attempts - 1), updated_at = ? WHERE id = ? AND state = 'leased'`).run(now, jobId);
}

/**
 * At start: leases held by a previous (killed) process go back to pending. Only one daemon runs
 * per home (lock), so every lease not owned by `owner` is orphaned.
 */
export function recoverLeases(db: WritableDb, owner: string, now = Date.now()): number {
  return stmt(db, `UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE state = 'leased' AND (lease_owner IS NOT ? OR lease_until < ?)`).run(now, owner, now).changes;
}

/**
 * While the daemon runs: leases whose holder stopped renewing them (a release that failed, a
 * worker that died) go back to pending. The pipeline renews its own in-flight leases first, so a
 * job still running is never handed to a second worker.
 */
export function sweepExpiredLeases(db: WritableDb, now = Date.now()): number {
  return stmt(db, `UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE state = 'leased' AND lease_until < ?`).run(now, now).changes;
}

/** Extends the leases `owner` holds on `jobIds` (jobs still running). */
export function renewLeases(db: WritableDb, jobIds: readonly number[], owner: string, leaseMs: number, now = Date.now()): number {
  if (jobIds.length === 0) return 0;
  const renew = stmt(db, `UPDATE jobs SET lease_until = ? WHERE id = ? AND state = 'leased' AND lease_owner = ?`);
  let n = 0;
  for (const id of jobIds) n += renew.run(now + leaseMs, id, owner).changes;
  return n;
}

/**
 * True when a job of one of `passes` is leased or runnable now (any process's). Jobs of other
 * passes are not this pipeline's work: a `rawlight index --passes` run would otherwise wait for
 * ever on a writeback another pass queued for the daemon, or a daemon on a pass since removed.
 */
export function hasWork(db: ReadableDb, passes: readonly string[], now = Date.now()): boolean {
  if (passes.length === 0) return false;
  const marks = passes.map(() => '?').join(',');
  const sql = `SELECT 1 WHERE EXISTS (SELECT 1 FROM jobs WHERE state = 'leased' AND pass IN (${marks})) OR ${dueAmong(marks)}`;
  return stmt(db, sql).get(...passes, ...dueParams(passes, now)) !== undefined;
}

/** Dead jobs back to pending (all, one, or only those whose error code is in `codes`). */
export function retryDead(db: WritableDb, opts: { jobId?: number; codes?: readonly string[] } = {}, now = Date.now()): number {
  if (opts.jobId !== undefined) {
    return stmt(db, `UPDATE jobs SET state='pending', attempts=0, run_after=0, updated_at=? WHERE id=? AND state='dead'`).run(now, opts.jobId).changes;
  }
  if (opts.codes) {
    if (opts.codes.length === 0) return 0;
    const marks = opts.codes.map(() => '?').join(',');
    return stmt(db, `UPDATE jobs SET state='pending', attempts=0, run_after=0, updated_at=? WHERE state='dead' AND last_error_code IN (${marks})`).run(now, ...opts.codes).changes;
  }
  return stmt(db, `UPDATE jobs SET state='pending', attempts=0, run_after=0, updated_at=? WHERE state='dead'`).run(now).changes;
}

export interface QueueCounts {
  pending: number;
  leased: number;
  dead: number;
  /** pending jobs whose backoff has not expired */
  waiting: number;
}

/** Queue totals from the trigger-kept job_counts (O(passes)) plus the few jobs in backoff. */
export function queueCounts(db: ReadableDb, now = Date.now()): QueueCounts {
  const r = stmt(db, `SELECT coalesce(sum(CASE WHEN state = 'pending' THEN n END), 0) AS pending,
              coalesce(sum(CASE WHEN state = 'leased' THEN n END), 0) AS leased,
              coalesce(sum(CASE WHEN state = 'dead' THEN n END), 0) AS dead
       FROM job_counts`).get() as Omit<QueueCounts, 'waiting'>;
  return { ...r, waiting: countWaiting(db, now) };
}

/** Jobs of these passes still to run (pending or leased), from the trigger-kept job_counts. */
export function jobsLeft(db: ReadableDb, passes: readonly string[]): number {
  if (passes.length === 0) return 0;
  return stmt(db, `SELECT coalesce(sum(n), 0) FROM job_counts WHERE state IN ('pending', 'leased') AND pass IN (${passes.map(() => '?').join(',')})`)
    .pluck()
    .get(...passes) as number;
}

/**
 * True when a pending job of one of these passes may run now. Stops at the first such job (the
 * doorbell asks every 5 s while a worker sleeps; the earliest run_after of every pending job is a
 * walk over the whole backlog).
 */
export function workDue(db: ReadableDb, passes: readonly string[], now = Date.now()): boolean {
  if (passes.length === 0) return false;
  // One statement (the doorbell's one question a ring).
  return stmt(db, `SELECT ${dueAmong(passes.map(() => '?').join(','))}`).pluck().get(...dueParams(passes, now)) === 1;
}

/**
 * "A pending job of these passes (`marks`, their placeholders) is due": the due work's range of the
 * claim index, then the parked steps' own index, never walking parked steps (Priority.away: an idle
 * daemon beside an unplugged archive walked them all on each doorbell ring, 9 ms at 200K).
 */
function dueAmong(marks: string): string {
  return `(EXISTS (SELECT 1 FROM jobs INDEXED BY jobs_claim WHERE state = 'pending' AND pass IN (${marks}) AND priority >= ${Priority.backlog} AND run_after <= ?)
    OR EXISTS (SELECT 1 FROM jobs INDEXED BY jobs_parked WHERE priority < ${Priority.backlog} AND pass IN (${marks}) AND run_after <= ? AND state = 'pending'))`;
}

/** dueAmong's parameters. */
const dueParams = (passes: readonly string[], now: number) => [...passes, now, ...passes, now];

/** Earliest time a waiting (backoff) job becomes runnable, or null. */
export function nextRunAfter(db: ReadableDb, passes: readonly string[], exceptCodes: readonly string[] = []): number | null {
  if (passes.length === 0) return null;
  const marks = passes.map(() => '?').join(',');
  // `exceptCodes`: retries not worth waiting for (a missing decoder stays missing until installed).
  const except = exceptCodes.length ? ` AND (last_error_code IS NULL OR last_error_code NOT IN (${exceptCodes.map(() => '?').join(',')}))` : '';
  // The parked steps' earliest from jobs_parked, a seek a pass (not a walk over all of them).
  const parked = passes.map(() => `SELECT min(run_after) AS t FROM jobs INDEXED BY jobs_parked WHERE priority < ${Priority.backlog} AND pass = ? AND state = 'pending'${except}`);
  const r = stmt(db, `SELECT min(t) AS t FROM (SELECT min(run_after) AS t FROM jobs INDEXED BY jobs_claim WHERE state = 'pending' AND pass IN (${marks}) AND priority >= ${Priority.backlog}${except} UNION ALL ${parked.join(' UNION ALL ')})`).get(
    ...passes,
    ...exceptCodes,
    ...passes.flatMap((p) => [p, ...exceptCodes]),
  ) as { t: number | null };
  return r.t;
}
