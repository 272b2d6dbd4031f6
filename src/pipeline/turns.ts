import { performance } from 'node:perf_hooks';

/** Synchronous pipeline work one event-loop turn may hold before the loop serves I/O again. */
export const TURN_BUDGET_MS = 4;

/**
 * Bounded synchronous stretches of pipeline work per event-loop turn, across every worker.
 *
 * Each worker's claim and commit are synchronous SQLite work (about a millisecond each at 500K
 * files). When every worker yielded with its own `setImmediate`, all of them woke in the same
 * check phase: with 24 I/O workers that is 24 claims and commits back to back, 60 ms during which
 * no request, watcher event or SSE write is served (issue 11: /api/status p99 51 ms at 50K files
 * while the pipeline works, 4 ms paused). Here the workers queue for a shared turn instead: a
 * turn wakes waiters one after another while it is under its budget, then schedules the next turn
 * from inside the check phase, which Node runs only in the next loop iteration, after the poll
 * phase has served whatever arrived.
 */
export class Turns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;
  private turnStart = 0;

  constructor(private readonly budgetMs = TURN_BUDGET_MS) {}

  /** Resolves when this caller's turn has come: run the synchronous stretch right after it. */
  take(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(this.startTurn);
  }

  private readonly startTurn = (): void => {
    this.scheduled = false;
    this.turnStart = performance.now();
    this.wakeOne();
  };

  private wakeOne(): void {
    const next = this.waiting.shift();
    if (!next) return;
    next();
    // Queued after the woken stretch's continuation: runs once it reaches its next await.
    queueMicrotask(this.afterStretch);
  }

  private readonly afterStretch = (): void => {
    if (this.waiting.length > 0 && performance.now() - this.turnStart < this.budgetMs) this.wakeOne();
    else this.schedule();
  };
}
