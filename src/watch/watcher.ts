import { watch as fsWatch, type BigIntStats, type FSWatcher } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { watch as chokidarWatch, type FSWatcher as ChokidarWatcher } from 'chokidar';
import type { Logger } from 'pino';
import { Priority } from '../queue/queue.js';
import type { ReadableDb } from '../store/db.js';
import { presentPathsUnder, presentPathsWithPrefix } from '../store/repositories/file.repository.js';
import { Discovery } from './discover.js';
import { compileExcludes, isIgnoredName, isSidecarName, mediaKind, sidecarOwnerStem } from './media.js';
import { inPrivateStore, isPrivateStoreName } from './private-stores.js';
import { rootAway, type RootAway } from '../platform/library-state.js';
import { Settler } from './settle.js';

export type WatchBackend = 'chokidar' | 'recursive';

export interface WatcherOptions {
  db: ReadableDb;
  discovery: Discovery;
  log: Logger;
  roots: readonly string[];
  exclude: readonly string[];
  settleMs: number;
  backend: 'auto' | WatchBackend;
  /** A folder appeared (moved in) or events were lost: walk that subtree. */
  rescan: (dir: string) => Promise<void>;
  /** A root went away (its drive unplugged): its photos were marked offline; wait for it to be back. */
  onRootAway?: (root: string) => void;
}

/**
 * chokidar opens one watcher per folder on macOS (EMFILE on big trees, its issues #1369/#1385/
 * #1452), so macOS uses Node's recursive fs.watch: one FSEvents stream per library root. Linux
 * uses chokidar (inotify: one watch per folder, within the user's max_user_watches).
 */
export function chooseBackend(choice: 'auto' | WatchBackend, platform = process.platform): WatchBackend {
  if (choice !== 'auto') return choice;
  return platform === 'darwin' ? 'recursive' : 'chokidar';
}

export class LibraryWatcher {
  readonly backend: WatchBackend;
  private readonly settler: Settler;
  private readonly excluded: (p: string) => boolean;
  private chokidar: ChokidarWatcher | null = null;
  private readonly native: FSWatcher[] = [];
  private closed = false;
  private ready = false;
  /** Roots found away by a vanish event, and when the last look was (one look a second per root). */
  private readonly away = new Set<string>();
  private readonly lookedAt = new Map<string, { at: number; away: RootAway | null }>();
  events = 0;

  constructor(private readonly o: WatcherOptions) {
    this.backend = chooseBackend(o.backend);
    this.excluded = compileExcludes(o.exclude);
    this.settler = new Settler(o.settleMs, (p, st) => void this.settled(p, st));
  }

  get state(): { backend: WatchBackend; roots: readonly string[]; ready: boolean; pendingSettles: number; events: number } {
    return { backend: this.backend, roots: this.o.roots, ready: this.ready, pendingSettles: this.settler.pending, events: this.events };
  }

  async start(): Promise<void> {
    if (this.o.roots.length === 0) return;
    if (this.backend === 'chokidar') {
      const w = chokidarWatch([...this.o.roots], {
        ignoreInitial: true,
        persistent: true,
        followSymlinks: false,
        ignored: (p: string, st?: { isFile(): boolean }) => {
          const name = path.basename(p);
          // A private store's folder (Photos' library, Synology's thumbnails…): not entered at all.
          // (A library folder chosen inside one is the user's choice: chokidar asks about the root too.)
          if (isIgnoredName(name) || (isPrivateStoreName(name) && !this.o.roots.includes(p)) || this.excluded(p)) return true;
          return st?.isFile() === true && !mediaKind(name) && !isSidecarName(name);
        },
      });
      w.on('add', (p) => this.onPath(p));
      w.on('change', (p) => this.onPath(p));
      w.on('unlink', (p) => this.onPath(p));
      w.on('unlinkDir', (p) => this.onPath(p));
      w.on('error', (e) => this.onError(e as NodeJS.ErrnoException));
      this.chokidar = w;
      await new Promise<void>((resolve) => w.once('ready', () => resolve()));
    } else {
      for (const root of this.o.roots) {
        // A root that is not there (a drive not plugged in) cannot be watched: the daemon looks
        // for it again (OfflineRoots) and starts a new watcher when it is back.
        if (this.isAway(root)) continue;
        try {
          const w = fsWatch(root, { recursive: true, persistent: true }, (_ev, name) => {
            if (name) this.onPath(path.join(root, name.toString()));
            else void this.o.rescan(root); // the OS dropped events: walk again
          });
          w.on('error', (e) => this.onError(e as NodeJS.ErrnoException));
          this.native.push(w);
        } catch (e) {
          this.onError(e as NodeJS.ErrnoException, root);
        }
      }
    }
    this.ready = true;
    this.o.log.info({ backend: this.backend, roots: this.o.roots }, 'watching libraries');
  }

  private onError(e: NodeJS.ErrnoException, where?: string): void {
    if (e.code === 'ENOSPC' || e.code === 'EMFILE') {
      this.o.log.error(
        { code: e.code, where },
        e.code === 'ENOSPC'
          ? 'the inotify watch limit is exhausted: raise fs.inotify.max_user_watches (sysctl) or watch fewer folders; the nightly reconcile still catches changes'
          : 'too many open files while watching; the nightly reconcile still catches changes',
      );
    } else {
      this.o.log.warn({ err: e, where }, 'watcher error');
    }
  }

  private onPath(p: string): void {
    if (this.closed) return;
    const name = path.basename(p);
    if (isIgnoredName(name) || this.excluded(p)) return;
    // The native backend reports every path under a root, a private store's included.
    if (this.o.roots.some((r) => inPrivateStore(r, p))) return;
    this.events++;
    this.settler.touch(p);
  }

  private async settled(p: string, st: BigIntStats | null): Promise<void> {
    if (this.closed) return;
    const root = this.o.roots.find((r) => p === r || p.startsWith(r + path.sep));
    if (!root) return;
    try {
      // Something vanished: a photo deleted, or every photo of a drive just unplugged. Nothing
      // under a root that is itself away is deleted: its photos are offline, kept as they are.
      if (!st && this.isAway(root)) {
        this.wentAway(root);
        return;
      }
      if (st?.isDirectory()) {
        await this.o.rescan(p); // a folder moved in (or a burst inside it): walk it
        return;
      }
      const name = path.basename(p);
      if (isSidecarName(name)) {
        await this.sidecarTouched(p, root);
        return;
      }
      if (!mediaKind(name)) {
        if (!st) this.goneUnder(p); // a folder was removed or moved away
        return;
      }
      if (!st) {
        this.o.discovery.markGone([p]);
        return;
      }
      if (!st.isFile()) return;
      await this.o.discovery.observeMany([{ path: p, root, stat: st, sidecar: await Discovery.findSidecar(p) }], Priority.watch);
    } catch (e) {
      this.o.log.warn({ err: e, path: p }, 'could not process a file-system change');
    }
  }

  /** A sidecar changed, appeared or vanished: re-observe the photos it belongs to. */
  private async sidecarTouched(sidecar: string, root: string): Promise<void> {
    const { exact, stem } = sidecarOwnerStem(sidecar);
    const owners = exact
      ? [exact]
      : presentPathsWithPrefix(this.o.db, stem + '.')
          .filter((p) => path.dirname(p) === path.dirname(stem) && mediaKind(p));
    const batch = [];
    for (const p of owners) {
      try {
        const st = await fs.lstat(p, { bigint: true });
        batch.push({ path: p, root, stat: st, sidecar: await Discovery.findSidecar(p) });
      } catch {
        /* photo gone too */
      }
    }
    if (batch.length) await this.o.discovery.observeMany(batch, Priority.watch);
  }

  /** Whether the root is away now; looked at once a second at most (an unplugged drive's files all vanish at once). */
  private isAway(root: string): RootAway | null {
    const now = Date.now();
    const last = this.lookedAt.get(root);
    if (last && now - last.at < 1000) return last.away;
    const away = rootAway(root);
    this.lookedAt.set(root, { at: now, away });
    return away;
  }

  private wentAway(root: string): void {
    if (this.away.has(root)) return;
    this.away.add(root);
    const files = this.o.discovery.markRootOffline(root);
    this.o.log.warn({ root, why: this.lookedAt.get(root)?.away?.why, files }, 'library folder went away (drive unplugged?): its photos are kept as offline until it is back');
    this.o.onRootAway?.(root);
  }

  private goneUnder(dir: string): void {
    const paths = presentPathsUnder(this.o.db, dir);
    if (paths.length) this.o.discovery.markGone(paths);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.settler.close();
    for (const w of this.native) w.close();
    await this.chokidar?.close();
  }
}
