/**
 * Gives back what only a busy queue needs (loaded ML models, the place index, decoded pixels) once
 * the queue has stayed dry for a while, so a caught-up daemon idles small. Not at the first dry
 * moment: a photo arriving every few seconds would otherwise reload every model each time. Each
 * resource comes back by itself on its next use.
 */
export interface IdleReleaseOptions {
  /** How long the queue must stay dry first (default IDLE_RELEASE_MS). */
  delayMs?: number;
  /** True when nothing is queued or running (Pipeline.isIdle). */
  isIdle: () => boolean;
  /** What to give back, by name (for the log); each may refuse (e.g. a request still pending). */
  releases: { name: string; release: () => unknown }[];
  /** Told what was released, or what failed to. */
  onReleased?: (names: string[], failed: { name: string; err: unknown }[]) => void;
}

export const IDLE_RELEASE_MS = 30_000;

export class IdleRelease {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: IdleReleaseOptions) {}

  /** The queue just ran dry: release after the delay, unless work came back meanwhile. */
  queueDry(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.releaseNow(), this.o.delayMs ?? IDLE_RELEASE_MS);
    this.timer.unref(); // never what keeps the process alive
  }

  /** Releases everything now if the queue is still dry (returns what was released). */
  async releaseNow(): Promise<string[]> {
    this.timer = undefined;
    if (!this.o.isIdle()) return [];
    const done: string[] = [];
    const failed: { name: string; err: unknown }[] = [];
    for (const r of this.o.releases) {
      try {
        await r.release();
        done.push(r.name);
      } catch (err) {
        failed.push({ name: r.name, err });
      }
    }
    this.o.onReleased?.(done, failed);
    return done;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
