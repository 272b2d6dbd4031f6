/**
 * When to regroup while photos arrive. The faces pass attaches new faces to known people at once
 * (attachNewFaces); the faces that fit nobody used to wait for the nightly regroup, so a first
 * import showed no groups while the user was watching. This trigger runs the same full grouping
 * (regroupAll, the nightly job's clustering: names, merges and rejections are replayed) once
 * enough unplaced faces have gathered, or soon after the queue goes idle, debounced:
 * - at most one run at a time; faces arriving during a run schedule one more run after it;
 * - never more often than `costFactor` times the last run's duration, so on a big library
 *   (22 s for 100K faces) grouping takes a bounded share of the machine during an import;
 * - `flush()` runs it now if faces wait (the end of `rawlight index`, "Group now").
 */

export interface GroupingTriggerOptions {
  /** The grouping run (regroupAll on the daemon's writable handle). */
  run: () => Promise<unknown>;
  /** Unplaced faces that start a run without waiting for idle (default 32). */
  batch?: number;
  /** Quiet time after the last new face or idle before a run starts (default 2 s). */
  debounceMs?: number;
  /** Minimum gap between runs as a multiple of the last run's duration (default 10). */
  costFactor?: number;
  /** Told about every run's outcome (logging lives with the caller). */
  onRun?: (r: { ok: true; result: unknown; ms: number; faces: number } | { ok: false; error: unknown; ms: number; faces: number }) => void;
  now?: () => number;
}

export const DefaultGroupingTriggerOptions = Object.freeze({ batch: 32, debounceMs: 2000, costFactor: 10 });

export class GroupingTrigger {
  private waiting = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private lastEnd = -Infinity;
  private lastMs = 0;
  private closed = false;
  private readonly batch: number;
  private readonly debounceMs: number;
  private readonly costFactor: number;
  private readonly now: () => number;

  constructor(private readonly o: GroupingTriggerOptions) {
    this.batch = o.batch ?? DefaultGroupingTriggerOptions.batch;
    this.debounceMs = o.debounceMs ?? DefaultGroupingTriggerOptions.debounceMs;
    this.costFactor = o.costFactor ?? DefaultGroupingTriggerOptions.costFactor;
    this.now = o.now ?? (() => Date.now());
  }

  /** Faces that attached to nobody (AttachReport.left). */
  get pending(): number {
    return this.waiting;
  }

  /** True while a grouping run is in progress. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** New faces that fit no known person: a run comes once `batch` have gathered (or on idle). */
  facesLeft(n: number): void {
    if (n <= 0 || this.closed) return;
    this.waiting += n;
    if (this.waiting >= this.batch) this.schedule();
  }

  /** The queue went idle: group whatever waits, after the debounce. */
  idle(): void {
    if (this.waiting > 0 && !this.closed) this.schedule();
  }

  /** Runs now when faces wait (or a run is under way: waits for it and any follow-up). */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.running || (this.waiting > 0 && !this.closed)) {
      if (this.running) await this.running;
      else await this.start();
    }
  }

  /**
   * One full run now, whatever waits ("Group now", the nightly job), after any run in progress:
   * two grouping runs never overlap. Resolves to the run's result; rejects with its error.
   */
  async runNow(): Promise<unknown> {
    this.clearTimer();
    while (this.running) await this.running;
    let out: { ok: boolean; value: unknown } = { ok: true, value: undefined };
    await this.start((r) => (out = r));
    if (!out.ok) throw out.value;
    return out.value;
  }

  /** Stops scheduling; waits for a run in progress (it writes in one transaction). */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    await this.running;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    if (this.running) return; // the run's end looks at `waiting` again
    const gap = this.lastEnd + this.lastMs * this.costFactor - this.now();
    const delay = Math.max(this.debounceMs, gap);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.start();
    }, delay);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private start(report?: (r: { ok: boolean; value: unknown }) => void): Promise<void> {
    if (this.running) return this.running;
    const faces = this.waiting;
    this.waiting = 0;
    const t0 = this.now();
    this.running = (async () => {
      try {
        const result = await this.o.run();
        report?.({ ok: true, value: result });
        this.o.onRun?.({ ok: true, result, ms: this.now() - t0, faces });
      } catch (error) {
        report?.({ ok: false, value: error });
        // The faces stay unassigned; the next trigger or the nightly job tries again.
        this.o.onRun?.({ ok: false, error, ms: this.now() - t0, faces });
      } finally {
        this.lastEnd = this.now();
        this.lastMs = this.lastEnd - t0;
        this.running = null;
      }
      if (this.waiting > 0 && !this.closed) this.schedule();
    })();
    return this.running;
  }
}
