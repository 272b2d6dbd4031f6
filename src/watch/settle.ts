import fs from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';

/**
 * Waits until a file stops growing: a photo still being copied from a card must not be hashed
 * half-way. Calls back once per path with its settled stat (or null if it vanished).
 */
export class Settler {
  private readonly timers = new Map<string, { t: NodeJS.Timeout; last: string | null }>();

  constructor(
    private readonly settleMs: number,
    private readonly onSettled: (path: string, st: BigIntStats | null) => void,
    /** How a file is looked at; tests pass one to drive a copy in progress under mocked timers. */
    private readonly stat: (path: string) => Promise<BigIntStats> = (p) => fs.lstat(p, { bigint: true }),
  ) {}

  touch(p: string): void {
    const cur = this.timers.get(p);
    if (cur) clearTimeout(cur.t);
    const entry = { t: setTimeout(() => void this.check(p), this.settleMs), last: cur?.last ?? null };
    this.timers.set(p, entry);
  }

  private async check(p: string): Promise<void> {
    const entry = this.timers.get(p);
    if (!entry) return;
    let st: BigIntStats | null = null;
    try {
      st = await this.stat(p);
    } catch {
      st = null;
    }
    const sig = st ? `${st.size}:${st.mtimeNs}` : null;
    if (st && sig !== entry.last && this.settleMs > 0) {
      // Still changing (or first look): look again after another quiet period.
      entry.last = sig;
      entry.t = setTimeout(() => void this.check(p), this.settleMs);
      return;
    }
    this.timers.delete(p);
    this.onSettled(p, st);
  }

  get pending(): number {
    return this.timers.size;
  }

  close(): void {
    for (const { t } of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
