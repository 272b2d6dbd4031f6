/**
 * One cheap poll for work the pipeline was not told about, instead of every idle worker polling.
 *
 * Work queued in this process wakes the workers directly (Pipeline.wake). Work queued by another
 * process (a CLI run, an upkeep job on its own connection) or a retry falling due has no such
 * signal, so idle workers used to poll: each of the 26 default workers ran a claim and a
 * `nextRunAfter` every 5 s, about five SQLite transactions a second and their garbage in a
 * caught-up daemon (issue 14: 1.3 % of a core idle). Now workers with nothing scheduled sleep
 * until woken, and this one timer asks one indexed question every `everyMs`, only while some
 * worker sleeps; it rings for the groups of sleeping workers (the pools) that have work due, so a
 * backlog in one pool does not wake the other pool's workers to claim nothing.
 */
export interface DoorbellOptions<G> {
  /** Poll interval while armed (default DOORBELL_MS). */
  everyMs?: number;
  /** The groups of sleeping workers that have work due now (cheap indexed questions). */
  due: () => readonly G[];
  /** Wakes one group's workers, or every sleeping worker (`null`: the store failed). */
  ring: (group: G | null) => void;
}

export const DOORBELL_MS = 5000;

export class Doorbell<G> {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: DoorbellOptions<G>) {}

  /** Some worker sleeps with nothing scheduled: poll until disarmed. Idempotent. */
  arm(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), this.o.everyMs ?? DOORBELL_MS);
    this.timer.unref(); // never what keeps the process alive
  }

  /** No worker sleeps any more (or the pipeline stopped). */
  disarm(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  get armed(): boolean {
    return this.timer !== undefined;
  }

  private check(): void {
    let due: readonly G[];
    try {
      due = this.o.due();
    } catch {
      // The store failing (disk full, locked): wake everyone, the workers report it through their own paths.
      this.o.ring(null);
      return;
    }
    for (const group of due) this.o.ring(group);
  }
}
