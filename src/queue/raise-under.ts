import { tx, type WritableDb } from '../store/db.js';
import { presentIdsUnder } from '../store/repositories/file.repository.js';
import { raisePriority } from './queue.js';

/**
 * Raises the pending jobs of the present files under `dirs` to `priority`, a page of files per
 * transaction with the event loop let go between them: a folder of 100K photos holds up to a
 * million jobs, more than one write should hold the daemon's only writer for. `passes`: only
 * those passes' jobs.
 */
export async function raiseUnder(db: WritableDb, dirs: readonly string[], priority: number, passes?: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    for (let after = ''; ; ) {
      const page = presentIdsUnder(db, dir, after, 2000);
      if (page.length === 0) break;
      tx(db, () => raisePriority(db, page.map((f) => f.id), priority, passes));
      after = page[page.length - 1]!.path;
      await new Promise((r) => setImmediate(r));
    }
  }
}
