import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DaemonError, NEEDS_INSTALL, storeError, toDaemonError } from '../errors/index.js';
import type { Pass, PassContext, PassOutcome, PassResource } from '../passes/pass.js';
import { claim, claimForFile, complete, enqueue, fail, hasWork, nextRunAfter, park, Priority, RECONSIDER_KEY, recoverLeases, release, renewLeases, requestPass, sweepExpiredLeases, workDue, type JobRow } from '../queue/queue.js';
import { tx, type WritableDb } from '../store/db.js';
import { getFile, markFileGone, markFileOffline, type FileRow } from '../store/repositories/file.repository.js';
import { rootAway } from '../platform/library-state.js';
import { getKv, setKv } from '../store/repositories/kv.repository.js';
import { countWaiting } from '../store/repositories/status.repository.js';
import { deleteResult, hasResult, lastRunErrorCode, recordRun, saveResult } from '../store/repositories/pass-result.repository.js';
import type { PipelineBus } from './events.js';
import { Doorbell, DOORBELL_MS } from './doorbell.js';
import { Turns } from './turns.js';
import { UserFocus } from './user-focus.js';

export interface PipelineOptions {
  db: WritableDb;
  passes: readonly Pass[];
  log: Logger;
  bus: PipelineBus;
  concurrency: Record<PassResource, number>;
  maxAttempts: number;
  retryBaseMs: number;
  leaseMs: number;
  /**
   * Upper bound for one pass run: past it the pass is aborted through its signal, its result (if
   * it still comes) dropped, and PASS_TIMEOUT recorded; its worker slot stays taken until it stops.
   */
  passTimeoutMs?: number;
  /** Failed runs kept this many days in pass_runs (queue.runHistoryDays). */
  runHistoryDays?: number;
  /** Called after each committed pass result (inside nothing: after the transaction). */
  onPassDone?: (file: FileRow, pass: Pass) => void;
}

/** kv: the (pass → version) map of the last completed start-up sweep. */
export const SWEPT_VERSIONS_KEY = 'pipeline.sweptVersions';

/** Files a piece of the start-up sweep considers (500: 13 ms of the event loop on average at 500K photos, 41 ms the longest: `npm run bench scale`). */
const SWEEP_CHUNK = 500;

/**
 * The next piece of the sweep for one pass: present files after the cursor id whose result is for
 * another version or missing and that have no job of the pass yet (its plan is pinned in a test).
 * Offline ones too (a drive unplugged over an upgrade): their step is kept until the drive is back,
 * whose return re-checks only a photo's first step (a whole drive at once). Not iCloud placeholders
 * (most were never read: a first start would park every step of each): a downloaded one has every
 * step re-checked (discover.ts).
 */
export function sweepChunkSql(): string {
  return `SELECT f.* FROM files f LEFT JOIN pass_results r ON r.file_id = f.id AND r.pass = @pass
          WHERE f.id > @after AND +f.state IN ('present', 'offline') AND (r.file_id IS NULL OR r.version != @version)
            AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.file_id = f.id AND j.pass = @pass)
          ORDER BY f.id LIMIT @limit`;
}

/** Results committed between two `PRAGMA optimize` runs during an import. */
export const OPTIMIZE_EVERY_RESULTS = 5000;

/**
 * How long a step of a photo on a drive that is away is put aside: until the photo is found again
 * (`wakeFileJobs`), which is what ends it; the day only bounds a photo the walk never revisits.
 */
const PARKED_MS = 24 * 3600_000;

/** Known and expected back: on a drive that is unplugged, or a placeholder whose bytes are in iCloud. */
function isAway(file: FileRow): boolean {
  return file.state === 'offline' || file.state === 'cloud';
}

export interface RunStats {
  executed: Record<string, number>;
  failed: { fileId: number; path: string; pass: string; code: string; error: string }[];
}

/**
 * Binds the durable queue to the passes. Decides what runs (hash-gated: a pass runs for a file only
 * when no result exists for its (version, input key)), runs jobs on two worker pools (cpu, io),
 * commits each result atomically with its job's removal and the enqueueing of what depends on it.
 */
export class Pipeline {
  readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly stats: RunStats = { executed: {}, failed: [] };
  private readonly byName = new Map<string, Pass>();
  /** The names of the passes registered here: the only jobs this pipeline runs or waits for. */
  private readonly passNames: readonly string[];
  private readonly dependents = new Map<string, Pass[]>();
  private readonly abort = new AbortController();
  // Keyed by the claimed row object, not its id: SQLite reuses the ids of deleted jobs.
  private readonly inflight = new Map<JobRow, Promise<unknown>>();
  /** Sleeping workers, each with its pool's pass names (one array per pool, compared by identity). */
  private readonly wakers = new Map<() => void, readonly string[]>();
  private running = false;
  private paused = false;
  private leaseTimer: NodeJS.Timeout | undefined;
  private committed = 0;
  private loops: Promise<void>[] = [];
  /** Workers take turns for their synchronous claims and commits (see turns.ts). */
  private readonly turns = new Turns();
  /** Libraries the log was told, this run, that a folder of theirs cannot be written (said once each). */
  private readonly toldReadOnly = new Set<string>();
  /** The passes a user waits for, by folder: the rest of those photos' passes go after them. */
  readonly focus = new UserFocus();
  /** Idle workers sleep until woken; this one poll finds work queued elsewhere (see doorbell.ts). */
  private readonly doorbell = new Doorbell<readonly string[]>({ due: () => this.poolsWithWorkDue(), ring: (pool) => this.wake(pool) });

  constructor(private readonly o: PipelineOptions) {
    this.passNames = o.passes.map((p) => p.name);
    for (const p of o.passes) {
      if (this.byName.has(p.name)) throw new DaemonError('INTERNAL', `two passes named ${p.name}`);
      this.byName.set(p.name, p);
    }
    for (const p of o.passes) {
      for (const dep of p.after) {
        // A pass that is not registered (feature switched off, model role absent) is simply not waited for.
        if (!this.byName.has(dep)) continue;
        const list = this.dependents.get(dep) ?? [];
        list.push(p);
        this.dependents.set(dep, list);
      }
    }
  }

  get passes(): readonly Pass[] {
    return this.o.passes;
  }

  pass(name: string): Pass | undefined {
    return this.byName.get(name);
  }

  /**
   * Queues `pass` for a file if its current input has no result yet. Returns true if queued. At
   * the user's priority only if the user waits for this pass there (see user-focus.ts).
   */
  consider(file: FileRow, pass: Pass, asked: number = Priority.backlog): boolean {
    // What a parked step (Priority.away) asks for after it is backlog at least, not parked itself.
    const priority = Math.max(asked, Priority.backlog);
    if (isAway(file)) {
      // Its drive went away (or iCloud took its bytes) after this was asked: a step that reads only
      // the index (places, tags) finishing meanwhile. The step that waits for it is kept for the
      // photo's return, its input worked out then; dropped here, nothing would ever ask again (a
      // place never written to the sidecar). Parked: found again, the photo wakes it.
      const now = Date.now();
      requestPass(this.o.db, file.id, pass.name, this.focus.priorityFor(file.path, pass.name, priority), now, now + PARKED_MS);
      return true;
    }
    if (file.state !== 'present') return false;
    const key = pass.inputKey(this.o.db, file);
    if (key === null) return false;
    if (hasResult(this.o.db, file.id, pass.name, pass.version, key)) return false;
    const queued = enqueue(this.o.db, file.id, pass.name, key, this.focus.priorityFor(file.path, pass.name, priority));
    if (queued) this.wake();
    return queued;
  }

  /** Considers the passes that wait for `settled` to settle (writeback): it ended without a new result. */
  private considerSettled(file: FileRow, settled: string, priority: number): void {
    for (const p of this.dependents.get(settled) ?? []) if (p.afterSettled) this.consider(file, p, priority);
  }

  /** Considers every pass that reads `done`'s output. */
  considerDependents(file: FileRow, done: string, priority: number): void {
    for (const p of this.dependents.get(done) ?? []) this.consider(file, p, priority);
  }

  /**
   * Considers every pass for a file (each hash-gated: only those without a result for the file's
   * current inputs are queued): a file found again after it was marked gone may have lost steps
   * on the way (a pass that found it vanished mid-move recorded nothing).
   */
  considerEveryPass(file: FileRow, priority: number = Priority.backlog): void {
    for (const p of this.o.passes) this.consider(file, p, priority);
  }

  /** Considers the whole chain for a file, from the first pass (used on discovery). */
  considerFile(file: FileRow, priority: number = Priority.backlog): void {
    for (const p of this.o.passes) if (p.after.length === 0) this.consider(file, p, priority);
  }

  /**
   * Start-up sweep, for the passes whose (name, version) differs from the last completed sweep
   * (a version bump, a pass switched on): queue that pass for every present file whose stored
   * result is for another version or missing. Nothing else needs a sweep (discovery queues new
   * files, each commit queues its dependents), so an ordinary start touches no file at all.
   * Synchronous, for a one-shot `rawlight index`; the daemon sweeps in the background
   * (sweepInBackground). Returns how many jobs it queued.
   */
  sweep(): number {
    let n = 0;
    for (const queued of this.sweeping()) n += queued;
    return n;
  }

  /**
   * The sweep in pieces with the event loop free between them, while the workers already run:
   * a version bump of the metadata pass queues every photo once, and at 500K photos that is ~18 s
   * and ~230 MB of rows when done in one go before the first claim (3.5 s and 63 MB at 100K,
   * measured), during which the daemon answered nothing. Stopped with the pipeline, it records
   * nothing: the next start sweeps again, skipping what was queued or done meanwhile.
   */
  async sweepInBackground(): Promise<number> {
    this.sweepsRunning++;
    let n = 0;
    try {
      for (const queued of this.sweeping(() => this.running)) {
        n += queued;
        if (queued) this.wake();
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.sweepsRunning--;
      this.noteIdle();
    }
    return n;
  }

  /** Sweeps going on now: the queue is not "idle" while one may still queue work. */
  private sweepsRunning = 0;

  /**
   * The sweep, one transaction of at most SWEEP_CHUNK files at a time, walking files by id from
   * where the last piece ended (the primary key drives; a cursor, never a list of every file).
   * Yields how many jobs each piece queued; `goOn` is asked between pieces.
   */
  private *sweeping(goOn: () => boolean = () => true): Generator<number> {
    const db = this.o.db;
    const swept = getKv<Record<string, number>>(db, SWEPT_VERSIONS_KEY) ?? {};
    const stmt = db.prepare(sweepChunkSql());
    for (const p of this.o.passes) {
      if (swept[p.name] === p.version) continue;
      for (let after = 0; ; ) {
        const batch = stmt.all({ after, pass: p.name, version: p.version, limit: SWEEP_CHUNK }) as FileRow[];
        if (batch.length === 0) break;
        let n = 0;
        tx(db, () => {
          for (const f of batch) if (this.consider(f, p)) n++;
        });
        after = batch.at(-1)!.id;
        yield n;
        if (!goOn()) return;
      }
    }
    // Exactly the passes registered now: one switched off and on again is swept again (files
    // found while it was off were never queued for it).
    setKv(db, SWEPT_VERSIONS_KEY, Object.fromEntries(this.o.passes.map((p) => [p.name, p.version])));
  }

  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.o.bus.emit('paused', paused);
    if (!paused) this.wake();
  }

  isPaused(): boolean {
    return this.paused;
  }

  /** Starts the worker pools. Leases left by a killed process are recovered first. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const recovered = recoverLeases(this.o.db, this.owner);
    if (recovered) this.o.log.info({ recovered }, 'recovered jobs leased by a previous process');
    // Leases are renewed for jobs still running and expired ones swept back to pending while the
    // daemon runs (a release that failed on a full disk must not strand its job until a restart).
    this.leaseTimer = setInterval(() => this.tendLeases(), Math.max(1000, Math.floor(this.o.leaseMs / 3)));
    this.leaseTimer.unref();
    for (const resource of ['io', 'cpu'] as const) {
      const names = this.o.passes.filter((p) => p.resource === resource).map((p) => p.name);
      // io workers go depth-first (a file's scan, then its metadata, …): ExifTool then reads while
      // other workers hash, instead of idling until every file is hashed. The cpu pool stays
      // breadth-first, so every file gets its preview before the slower ML passes.
      const last = this.o.passes.filter((p) => p.resource === resource && p.runsLast).map((p) => p.name);
      for (let i = 0; i < this.o.concurrency[resource]; i++) this.loops.push(this.loop(names, resource === 'io', last));
    }
  }

  /** Wakes idle workers (new work was queued, possibly by another process); `pool`: only its workers. */
  wake(pool: readonly string[] | null = null): void {
    for (const [w, passes] of [...this.wakers]) if (pool === null || passes === pool) w();
  }

  /** True when nothing is leased (by any worker or process) and nothing is runnable now. */
  isIdle(): boolean {
    if (this.inflight.size > 0 || this.sweepsRunning > 0) return false;
    return !hasWork(this.o.db, this.passNames);
  }

  /** `PRAGMA optimize` on the pipeline's connection (after large imports). */
  optimize(): void {
    try {
      this.o.db.pragma('optimize');
    } catch (e) {
      this.o.log.warn({ err: e }, 'PRAGMA optimize failed; the nightly optimize will retry');
    }
  }

  /** Renews the leases of jobs still running here, then returns expired leases to pending. */
  tendLeases(now = Date.now()): { renewed: number; swept: number } {
    try {
      const renewed = renewLeases(this.o.db, [...this.inflight.keys()].map((j) => j.id), this.owner, this.o.leaseMs, now);
      const swept = sweepExpiredLeases(this.o.db, now);
      if (swept) {
        this.o.log.warn({ swept }, 'expired leases returned to the queue');
        this.wake();
      }
      return { renewed, swept };
    } catch (e) {
      const err = storeError(e);
      this.o.log.error({ err: e, code: err.code }, `could not tend leases: ${err.message}`);
      return { renewed: 0, swept: 0 };
    }
  }

  /** Resolves when the queue has nothing runnable and nothing in flight. */
  async whenIdle(pollMs = 100): Promise<void> {
    for (;;) {
      if (this.isIdle()) {
        // settle: a finishing job may enqueue its dependents right after
        await new Promise((r) => setTimeout(r, 20));
        if (this.isIdle()) return;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /**
   * Like `whenIdle`, but also waits out retries due within `retryWithinMs`: a one-shot
   * `rawlight index` should not exit while a transient failure (a busy sidecar, an ExifTool
   * timeout) is seconds away from its retry. A failure only an install heals (a decoder or a model
   * missing: NEEDS_INSTALL) is not waited for: its retries would fail alike (90 s lost at the end
   * of every run without heif-convert). Resolves with the retries still waiting.
   */
  async whenSettled(retryWithinMs: number, pollMs = 100): Promise<{ waitingRetries: number; nextRetryAt: number | null }> {
    for (;;) {
      await this.whenIdle(pollMs);
      const next = nextRunAfter(this.o.db, this.passNames, NEEDS_INSTALL);
      const wait = next === null ? 0 : next - Date.now();
      if (next === null || wait > retryWithinMs || !this.running) {
        const waitingRetries = countWaiting(this.o.db, Date.now(), this.passNames);
        return { waitingRetries, nextRetryAt: waitingRetries ? nextRunAfter(this.o.db, this.passNames) : null };
      }
      this.o.log.info({ retryInMs: wait }, `waiting ${Math.ceil(wait / 1000)} s for a retry before finishing`);
      await new Promise((r) => setTimeout(r, Math.max(0, wait) + 1));
      this.wake();
    }
  }

  /**
   * Stops taking work, lets running passes finish within `graceMs`, then gives back the leases of
   * those still running (they will run again at next start).
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.leaseTimer);
    this.doorbell.disarm();
    this.wake();
    const all = Promise.allSettled([...this.inflight.values()]);
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([all.then(() => 'done' as const), timer])) === 'timeout') {
      this.abort.abort();
      for (const job of this.inflight.keys()) release(this.o.db, job.id);
      this.o.log.warn({ released: this.inflight.size }, 'passes still running at shutdown; leases released');
    }
    await Promise.race([Promise.allSettled(this.loops), new Promise((r) => setTimeout(r, 1000).unref())]);
  }

  private async loop(passNames: string[], depthFirst: boolean, last: readonly string[]): Promise<void> {
    let next: JobRow | undefined;
    while (this.running) {
      // One job's synchronous work per event-loop turn, across all workers: requests and watcher
      // events that arrived meanwhile are served between two jobs, never after a chain of them.
      await this.turns.take();
      if (!this.running) break;
      let job: JobRow | undefined = next;
      next = undefined;
      try {
        if (!job && !this.paused) job = claim(this.o.db, passNames, this.owner, this.o.leaseMs, Date.now(), last);
        if (!job) {
          this.noteIdle();
          await this.sleep(passNames);
          continue;
        }
        this.idleAnnounced = false;
        const p = this.execute(job, depthFirst ? passNames : null).finally(() => this.inflight.delete(job!));
        this.inflight.set(job, p);
        const done = await p;
        if (done) next = done.next;
        else if (depthFirst && this.running && !this.paused) next = claimForFile(this.o.db, job.file_id, passNames, this.owner, this.o.leaseMs);
      } catch (e) {
        // The store itself failed (disk full, I/O error): a worker must never die of it. The job's
        // lease expires and it runs again once the store accepts writes.
        const err = storeError(e);
        this.o.log.error({ err: e, code: err.code, pass: job?.pass, fileId: job?.file_id }, err.message);
        if (job) {
          this.o.bus.emit('job-error', { fileId: job.file_id, path: '', pass: job.pass, error: err.message, code: err.code, dead: false });
          try {
            release(this.o.db, job.id); // an UPDATE in place usually still fits; else the lease expires
          } catch {
            /* the lease expires */
          }
        }
        await new Promise((r) => setTimeout(r, Math.max(200, this.o.retryBaseMs)));
      }
    }
    if (next) {
      try {
        release(this.o.db, next.id); // claimed as a continuation, never started
      } catch {
        /* the lease expires */
      }
    }
  }

  private idleAnnounced = false;

  /** Emits 'idle' once each time the queue runs dry (the agent settles out of turbo on it). */
  private noteIdle(): void {
    if (this.idleAnnounced || this.paused || !this.isIdle()) return;
    this.idleAnnounced = true;
    this.o.bus.emit('idle');
  }

  /** Sleeps until woken, or until a retry of these passes falls due within the doorbell's interval. */
  private sleep(passNames: string[]): Promise<void> {
    if (!this.running) return Promise.resolve(); // stopped meanwhile: nobody would wake it
    const next = this.paused ? null : nextRunAfter(this.o.db, passNames);
    const ms = next === null ? null : Math.max(next - Date.now(), 10);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wakers.delete(done);
        if (this.wakers.size === 0) this.doorbell.disarm();
        resolve();
      };
      // Later retries and work queued by other processes: the doorbell rings for them.
      const t = ms !== null && ms <= DOORBELL_MS ? setTimeout(done, ms) : undefined;
      this.wakers.set(done, passNames);
      this.doorbell.arm();
    });
  }

  /**
   * The pools with sleeping workers and runnable work (the doorbell's question; none while paused).
   * One question over every sleeping pool's passes, as an idle daemon asks it; split per pool only
   * when work is due and more than one pool sleeps.
   */
  private poolsWithWorkDue(): (readonly string[])[] {
    if (this.paused || !this.running) return [];
    const pools = [...new Set(this.wakers.values())];
    if (pools.length === 0 || !workDue(this.o.db, pools.flat())) return [];
    return pools.length === 1 ? pools : pools.filter((p) => workDue(this.o.db, p));
  }

  /**
   * Runs a job and records its outcome. `continueIn`: the passes of a depth-first pool, whose next
   * job for this file is then leased in the transaction that commits this one (`next`: one write
   * transaction a step, not two; ~0.3 ms of the daemon's thread each). Resolves to undefined when
   * it did not look (the job failed or was superseded): then the caller does.
   */
  private async execute(job: JobRow, continueIn: readonly string[] | null): Promise<{ next: JobRow | undefined } | undefined> {
    const db = this.o.db;
    const pass = this.byName.get(job.pass);
    const file = getFile(db, job.file_id);
    if (pass && file && isAway(file)) {
      // Its drive is away (or its bytes in iCloud): the step waits for it (made due when the photo
      // is found again; downloading it would be the user's call, not ours).
      park(db, job.id, Date.now() + PARKED_MS);
      return;
    }
    if (!pass || !file || file.state !== 'present') {
      // Unknown pass (removed in an update) or a file that is gone: nothing to do.
      complete(db, job.id);
      return;
    }
    const key = pass.inputKey(db, file);
    if (key === null || (job.input_key !== RECONSIDER_KEY && job.input_key !== key) || hasResult(db, file.id, pass.name, pass.version, key)) {
      // Superseded: the file changed since this job was queued (its current input has its own job).
      tx(db, () => {
        complete(db, job.id);
        const again = key !== null && job.input_key !== RECONSIDER_KEY && this.consider(file, pass, job.priority);
        // Settled without running (its input has its result, or it has none): what waits for this
        // pass to settle looks again, as after a final failure — it may have found this job queued.
        if (!again) this.considerSettled(file, pass.name, job.priority);
      });
      return;
    }
    const started = Date.now();
    const log = this.o.log.child({ pass: pass.name, fileId: file.id });
    try {
      const outcome = await this.runBounded(pass, { file, inputKey: key, log, db });
      await this.turns.take(); // the commit is this worker's next synchronous stretch
      const durationMs = Date.now() - started;
      let next: JobRow | undefined;
      tx(db, () => {
        outcome.commit?.(db);
        const output = outcome.warnings?.length ? { ...(outcome.output ?? {}), warnings: outcome.warnings } : outcome.output;
        saveResult(db, {
          file_id: file.id, pass: pass.name, version: pass.version, input_key: key, status: 'ok',
          output: output ? JSON.stringify(output) : null, error_code: null, error: null, completed_at: Date.now(), duration_ms: durationMs,
        });
        recordRun(db, { file_id: file.id, pass: pass.name, version: pass.version, input_key: key, status: 'ok', error_code: null, error: null, started_at: started, duration_ms: durationMs }, this.o.runHistoryDays);
        complete(db, job.id);
        const fresh = getFile(db, file.id);
        if (fresh) this.considerDependents(fresh, pass.name, job.priority);
        // After the dependents are queued: the file's next step is usually one of them.
        if (continueIn && this.running && !this.paused) next = claimForFile(db, file.id, continueIn, this.owner, this.o.leaseMs);
      });
      try {
        this.stats.executed[pass.name] = (this.stats.executed[pass.name] ?? 0) + 1;
        // A first import grows every table by orders of magnitude: refresh the planner's statistics
        // as it goes, not only at the nightly optimize (cheap: only stale tables are analysed).
        if (++this.committed % OPTIMIZE_EVERY_RESULTS === 0) this.optimize();
        this.o.bus.emit('pass-done', { fileId: file.id, path: file.path, pass: pass.name, status: 'ok', durationMs });
        const fresh = getFile(db, file.id);
        if (fresh) this.o.onPassDone?.(fresh, pass);
      } catch (e) {
        // The result is committed; a listener after it failed. That is not the pass failing: its
        // job is gone, and recording a failure would touch whichever job has its id now.
        log.error({ err: e }, 'after the pass result was saved');
        try {
          if (next) release(db, next.id); // leased for the caller: the loop looks again
        } catch {
          /* the lease expires */
        }
        return undefined;
      }
      return { next };
    } catch (e) {
      if (this.abort.signal.aborted) return; // shutdown: the lease is released by stop()
      await this.turns.take();
      this.recordFailure(job, pass, file, key, started, toDaemonError(e), log);
    }
  }

  private recordFailure(job: JobRow, pass: Pass, file: FileRow, key: string, started: number, err: DaemonError, log: Logger): void {
    const db = this.o.db;
    const durationMs = Date.now() - started;
    const message = err.message;
    let dead = false;
    let final = false;
    let rerender = false;
    let movedMeanwhile = false;
    let driveAway = false;
    let readOnly = false;
    tx(db, () => {
      const now = err.code === 'FILE_NOT_FOUND' ? getFile(db, file.id) : undefined;
      if (now && now.state === 'present' && now.path !== file.path) {
        // Not vanished: moved while the pass read it (its folder renamed meanwhile, the move
        // already recorded). The step runs again at the new path; the file is not marked gone.
        movedMeanwhile = true;
        complete(db, job.id);
        this.consider(now, pass, job.priority);
        return;
      }
      if (err.code === 'FILE_NOT_FOUND' && rootAway(file.root)) {
        // Its library folder went with it (a drive unplugged mid-read): offline, not deleted; the
        // step waits for the drive, its attempt not counted.
        driveAway = true;
        markFileOffline(db, file.id);
        park(db, job.id, Date.now() + PARKED_MS);
        return;
      }
      if (err.code === 'FOLDER_READ_ONLY') {
        // Its folder cannot be written (an NTFS drive on a Mac, a locked card): not a failed attempt
        // but a wait, as for a drive that is away; a remount (the drive away and back) wakes it.
        readOnly = true;
        park(db, job.id, Date.now() + PARKED_MS, Date.now(), { code: err.code, message });
        recordRun(db, { file_id: file.id, pass: pass.name, version: pass.version, input_key: key, status: 'retry', error_code: err.code, error: message, started_at: started, duration_ms: durationMs }, this.o.runHistoryDays);
        return;
      }
      if (err.code === 'FILE_NOT_FOUND') {
        // Vanished between discovery and this pass: the file is gone, not failed.
        markFileGone(db, file.id);
        complete(db, job.id);
        recordRun(db, { file_id: file.id, pass: pass.name, version: pass.version, input_key: key, status: 'failed', error_code: err.code, error: message, started_at: started, duration_ms: durationMs }, this.o.runHistoryDays);
        final = true;
        return;
      }
      if (err.code === 'PREVIEW_MISSING' && lastRunErrorCode(db, file.id, pass.name) !== 'PREVIEW_MISSING') {
        // The cache lost this photo's preview (the user cleared it): render it again. This pass
        // records no result, so the preview's completion queues it afresh. Once only: missing
        // again right after a re-render is recorded as this pass's failure, not looped on.
        rerender = true;
        complete(db, job.id);
        deleteResult(db, file.id, 'preview');
        requestPass(db, file.id, 'preview', Math.max(job.priority, Priority.backlog));
        recordRun(db, { file_id: file.id, pass: pass.name, version: pass.version, input_key: key, status: 'failed', error_code: err.code, error: message, started_at: started, duration_ms: durationMs }, this.o.runHistoryDays);
        return;
      }
      if (!err.retryable) {
        complete(db, job.id); // a final answer for this input: the result row records it
        final = true;
      } else {
        dead = fail(db, job, { code: err.code, message }, { maxAttempts: this.o.maxAttempts, retryBaseMs: this.o.retryBaseMs, retryable: true });
        final = dead;
      }
      recordRun(db, { file_id: file.id, pass: pass.name, version: pass.version, input_key: key, status: final ? 'failed' : 'retry', error_code: err.code, error: message, started_at: started, duration_ms: durationMs }, this.o.runHistoryDays);
      if (final) {
        saveResult(db, {
          file_id: file.id, pass: pass.name, version: pass.version, input_key: key, status: 'failed',
          output: null, error_code: err.code, error: message, completed_at: Date.now(), duration_ms: durationMs,
        });
        // A final answer settles this pass for the file: what waits for it to settle looks again.
        const fresh = getFile(db, file.id);
        if (fresh) this.considerSettled(fresh, pass.name, job.priority);
      }
    });
    if (movedMeanwhile) {
      log.info({ path: file.path }, `${pass.name}: the file moved while it was read; it runs again at its new path`);
      this.wake();
      return;
    }
    if (driveAway) {
      log.info({ path: file.path, root: file.root }, `${pass.name}: the library folder went away while the file was read (drive unplugged?); the step runs when it is back`);
      this.o.bus.emit('root-away', { root: file.root, path: file.path });
      return;
    }
    if (readOnly) {
      // Said once per library a run: a read-only drive holds thousands of photos.
      if (!this.toldReadOnly.has(file.root)) {
        this.toldReadOnly.add(file.root);
        log.warn({ root: file.root, path: file.path, error: message }, `${pass.name}: a folder of this library cannot be written (read-only volume?); its XMP waits until it can be, every value kept in the index; the rest of the indexing goes on`);
      }
      return;
    }
    if (err.code === 'FILE_NOT_FOUND') {
      log.info({ path: file.path }, 'file vanished before it could be processed; marked gone');
      this.o.bus.emit('file-changed', { fileId: file.id, path: file.path, change: 'gone' });
      return;
    }
    if (rerender) {
      log.warn({ path: file.path, code: err.code }, `${pass.name}: the cached preview is missing (cache cleared?); rendering it again`);
      this.wake();
      return;
    }
    const level = err.code === 'INTERNAL' ? 'error' : 'warn';
    log[level]({ path: file.path, code: err.code, err: err.code === 'INTERNAL' ? err.cause ?? err : undefined, attempt: job.attempts, dead, final }, `${pass.name} failed: ${message}`);
    if (final) {
      this.stats.failed.push({ fileId: file.id, path: file.path, pass: pass.name, code: err.code, error: message });
      this.o.bus.emit('pass-done', { fileId: file.id, path: file.path, pass: pass.name, status: 'failed', durationMs, error: message, code: err.code });
    }
    this.o.bus.emit('job-error', { fileId: file.id, path: file.path, pass: pass.name, error: message, code: err.code, dead });
  }

  /**
   * Runs a pass with a signal aborted at shutdown or when it exceeds the pass timeout. A timed-out
   * pass is waited for (its slot is not given to another job while it still works: an ExifTool
   * task is cancelled, an ONNX run finishes); whatever it returns is dropped and PASS_TIMEOUT thrown.
   */
  private async runBounded(pass: Pass, ctx: Omit<PassContext, 'signal'>): Promise<PassOutcome> {
    const ms = this.o.passTimeoutMs;
    const job = new AbortController();
    const onShutdown = () => job.abort(this.abort.signal.reason);
    this.abort.signal.addEventListener('abort', onShutdown, { once: true });
    // Made only when it fires: an error's stack trace costs more than a short pass run.
    let timeout: DaemonError | undefined;
    const t = ms ? setTimeout(() => job.abort((timeout = new DaemonError('PASS_TIMEOUT', `${pass.name} ran longer than ${ms} ms`))), ms) : undefined;
    try {
      const outcome = await pass.run({ ...ctx, signal: job.signal });
      if (timeout) throw timeout;
      return outcome;
    } catch (e) {
      if (timeout) throw timeout;
      throw e;
    } finally {
      clearTimeout(t);
      this.abort.signal.removeEventListener('abort', onShutdown);
    }
  }
}
