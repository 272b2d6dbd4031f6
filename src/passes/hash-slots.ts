import os from 'node:os';
import { DaemonError } from '../errors/index.js';

/**
 * Files hashed at once, whatever the number of I/O workers: the scan reads a file of up to 64 MB
 * whole before hashing it, so this bounds the memory hashing holds (slots × 64 MB), while the other
 * I/O workers keep ExifTool's batches full. SHA-256 runs at a core's speed: more slots than cores
 * gain nothing; two keep a disk busy while one digests.
 */
export const DEFAULT_HASH_SLOTS = Math.max(2, Math.min(4, os.availableParallelism()));

/** A counting semaphore for the scan pass's hashing; a waiter leaves the line when its signal aborts. */
export class HashSlots {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly slots: number = DEFAULT_HASH_SLOTS) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`hash slots must be a positive integer, not ${slots}`);
  }

  /** Files being hashed now (for tests and benches). */
  get active(): number {
    return this.busy;
  }

  /** Files waiting for a slot (for tests). */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `fn` once a slot is free; the slot is given back when it settles. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (this.busy < this.slots) {
      this.busy++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      // The slot is handed over by release() (busy stays counted), so no newcomer can overtake.
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy--;
  }
}

function cancelled(): DaemonError {
  return new DaemonError('PASS_TIMEOUT', 'stopped while waiting to hash');
}
