import type { Logger } from 'pino';
import { Repeating } from './repeating.js';

export interface OfflineRootsOptions {
  /** Whether the root can be read again (the platform's library check). */
  isOnline: (root: string) => Promise<boolean>;
  /** A root that was away is back: watch it again and walk it. */
  back: (root: string) => Promise<void>;
  /** How often roots that are away are looked at. */
  intervalMs: number;
  log: Logger;
}

/**
 * Library roots that are away (a drive unplugged, or not plugged in when the daemon started),
 * looked at every `intervalMs` until they can be read again. Nothing tells the daemon a drive was
 * mounted: macOS' file events and Linux' inotify report nothing for a volume that appears, and a
 * root missing when the watcher started has no watch at all. One stat (and a mount-table read) per
 * root that is away; nothing at all while every root is there.
 */
export class OfflineRoots {
  private readonly roots = new Set<string>();
  private readonly rounds: Repeating;

  constructor(private readonly o: OfflineRootsOptions) {
    this.rounds = new Repeating(() => this.checkAll(), o.intervalMs);
  }

  /** The roots being waited for. */
  get waiting(): readonly string[] {
    return [...this.roots];
  }

  add(root: string): void {
    if (this.rounds.closed || this.roots.has(root)) return;
    this.roots.add(root);
    this.o.log.info({ root, recheckSeconds: this.o.intervalMs / 1000 }, 'library folder is away; it is walked again as soon as it is back');
    this.rounds.arm();
  }

  /** A library removed from the config: no longer waited for. */
  remove(root: string): void {
    this.roots.delete(root);
    if (this.roots.size === 0) this.rounds.disarm();
  }

  /** Looks at every root that is away once (the timer's tick; tests call it directly). */
  check(): Promise<void> {
    return this.rounds.tick();
  }

  private async checkAll(): Promise<void> {
    for (const root of [...this.roots]) {
      if (this.rounds.closed) return;
      let online = false;
      try {
        online = await this.o.isOnline(root);
      } catch (e) {
        this.o.log.debug({ err: e, root }, 'could not look at a library folder that is away');
      }
      if (!online || !this.roots.delete(root)) continue;
      if (this.roots.size === 0) this.rounds.disarm();
      this.o.log.info({ root }, 'library folder is back: watching and walking it');
      try {
        await this.o.back(root);
      } catch (e) {
        this.o.log.warn({ err: e, root }, 'could not walk a library folder that came back; the nightly walk will');
      }
    }
  }

  async close(): Promise<void> {
    this.roots.clear();
    await this.rounds.close();
  }
}
