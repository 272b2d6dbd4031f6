/**
 * A round run every `intervalMs` while armed, never two at once (a tick that finds one running
 * joins it), on an unref'd timer: it never keeps the process alive. `close` disarms and waits for
 * the round in flight. What the roots that are away and the roots on a file server share.
 */
export class Repeating {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private isClosed = false;

  constructor(
    private readonly round: () => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  arm(): void {
    if (this.timer || this.isClosed) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  disarm(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs a round now (the timer's tick; tests call it directly). */
  tick(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = null));
    return this.running;
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.disarm();
    await this.running;
  }
}
