import type { Logger } from 'pino';
import type { NetworkVolume } from '../platform/network-volume.js';
import { Repeating } from './repeating.js';

export interface NetworkRootsOptions {
  /** The file server each root is on, or null for a local disk (the platform's mount table, read once). */
  volumesOf: (roots: readonly string[]) => Promise<(NetworkVolume | null)[]>;
  /** Walks a root (the daemon's serialised rescan). */
  walk: (root: string) => Promise<unknown>;
  /** How often a root on a file server is walked; 0: never (the nightly walk only). */
  intervalMs: number;
  log: Logger;
}

/**
 * Library roots on a file server, walked every `intervalMs`. A photo that another Mac, a phone's
 * backup app or the NAS itself puts on a share raises no event here (FSEvents and inotify only see
 * this computer's own writes to a network volume), so without this it would wait for the nightly
 * walk. A walk of an unchanged library stats its files and reads nothing else. Nothing runs while
 * every root is on a local disk.
 */
export class NetworkRoots {
  private roots: readonly string[] = [];
  private readonly told = new Set<string>();
  private readonly rounds: Repeating;

  constructor(private readonly o: NetworkRootsOptions) {
    this.rounds = new Repeating(() => this.walkAll(), o.intervalMs);
  }

  /** The roots walked on the timer. */
  get watched(): readonly string[] {
    return this.roots;
  }

  /** Looks at which of the libraries are on a file server (at start, and when the list or a drive changes). */
  async update(libraries: readonly string[]): Promise<void> {
    if (this.o.intervalMs <= 0) return;
    const found: string[] = [];
    let volumes: (NetworkVolume | null)[] = [];
    try {
      volumes = await this.o.volumesOf(libraries);
    } catch (e) {
      this.o.log.debug({ err: e }, 'could not read the mount table');
    }
    for (const [i, root] of libraries.entries()) {
      const volume = volumes[i];
      if (!volume) continue;
      found.push(root);
      if (!this.told.has(root)) {
        this.told.add(root);
        const minutes = Math.round(this.o.intervalMs / 60_000);
        this.o.log.info(
          { root, fsType: volume.fsType, server: volume.source, rescanMinutes: this.o.intervalMs / 60_000 },
          `library folder is on a file server (${volume.fsType}): photos other computers add there raise no event here, so it is walked every ${minutes || '<1'} min (watch.networkRescanMinutes)`,
        );
      }
    }
    if (this.rounds.closed) return;
    this.roots = found;
    if (found.length) this.rounds.arm();
    else this.rounds.disarm();
  }

  private async walkAll(): Promise<void> {
    for (const root of this.roots) {
      if (this.rounds.closed) return;
      try {
        await this.o.walk(root);
      } catch (e) {
        this.o.log.warn({ err: e, root }, 'could not walk a library on a file server; the next round or the nightly walk will');
      }
    }
  }

  close(): Promise<void> {
    return this.rounds.close();
  }
}
