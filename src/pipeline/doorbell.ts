/**
 * One cheap poll for work the pipeline was not told about, instead of every idle worker polling.
 *
 * Work queued in this process wakes the workers directly (Pipeline.wake). Work queued by another
 * process (a CLI run, an upkeep job on its own connection) or a retry falling due has no such
 * signal, so idle workers used to poll: each of the 26 default workers ran a claim and a
 * `nextRunAfter` every 5 s, about five SQLite transactions a second and their garbage in a
 * caught-up daemon (issue 14: 1.3 % of a core idle). Now workers with nothing scheduled sleep
 * until woken, and this one timer asks one indexed question every `everyMs`, only while some
 * worker sleeps; it rings (wakes every worker) when work is due.
 */
export interface DoorbellOptions {
  /** Poll interval while armed (default DOORBELL_MS). */
  everyMs?: number;
  /** True when work is due that sleeping workers could take (one cheap query). */
  due: () => boolean;
  /** Wakes the workers. */
  ring: () => void;
}

export const DOORBELL_MS = 5000;

export class Doorbell {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: DoorbellOptions) {}

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
    let due = false;
    try {
      due = this.o.due();
    } catch {
      // The store failing (disk full, locked): ring, the workers report it through their own paths.
      due = true;
    }
    if (due) this.o.ring();
  }
}
