import { Priority } from '../queue/queue.js';
import { isAtOrUnder } from '../store/path-range.js';

interface Focus {
  roots: readonly string[];
  /** The passes the user waits for (with what they read from); null: every pass. */
  passes: ReadonlySet<string> | null;
}

/**
 * Which passes of a folder's photos a user is waiting for. `rawlight index DIR --passes faces`
 * with the daemon running queues the folder at the user's priority, and a pass's dependents
 * inherit its job's priority: without this, the folder's tags, embeddings, text and fingerprints
 * would go at the user's priority too, sharing the CPU workers with the faces the user waits for.
 * Here the passes not asked for get a priority just above a library walk's: they follow once the
 * asked ones are through, ahead of the backlog, behind photos the watcher finds.
 *
 * Kept in memory: after a restart the folder's remaining jobs keep the priority they were queued
 * at, and their dependents inherit it (every pass at the user's, as before there was a focus).
 */
export class UserFocus {
  private entries: Focus[] = [];

  /** The folders' photos are wanted for `passes` (null: all of them); replaces what covered them. */
  set(roots: readonly string[], passes: readonly string[] | null): void {
    const covered = (old: Focus) => old.roots.every((r) => roots.some((n) => isAtOrUnder(r, n)));
    this.entries = [...this.entries.filter((e) => !covered(e)), { roots: [...roots], passes: passes ? new Set(passes) : null }];
  }

  /**
   * The priority a job of `pass` for the photo at `path` is queued at, given the one it would
   * inherit: below the user's, unchanged; at it, unchanged for a pass the user waits for there.
   */
  priorityFor(path: string, pass: string, inherited: number): number {
    if (inherited < Priority.user) return inherited;
    // The newest request covering the photo says what the user waits for.
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (!e.roots.some((r) => isAtOrUnder(path, r))) continue;
      return !e.passes || e.passes.has(pass) ? inherited : Priority.userRest;
    }
    return inherited;
  }
}
