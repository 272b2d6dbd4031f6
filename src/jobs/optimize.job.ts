import { statSync } from 'node:fs';
import { DEFAULT_RUN_HISTORY_DAYS, pruneRunHistory } from '../store/repositories/pass-result.repository.js';
import { verifyStatusCounts } from '../store/repositories/status-counts.repository.js';
import type { UpkeepJob } from './upkeep-job.js';

function size(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

/**
 * Prunes failed runs older than `queue.runHistoryDays` (the latest run of each file and pass
 * stays), checks the status counts against a recount (repairing them if a writer went around the
 * triggers), then `PRAGMA optimize` (refreshes the planner's statistics where they are stale) and a TRUNCATE
 * checkpoint, which folds the WAL back into the database and shrinks the -wal file to zero. A
 * reader in another process (the CLI) can keep the checkpoint from finishing: that is reported as
 * busy, not as a failure; the next run catches up.
 */
export const optimizeJob: UpkeepJob = {
  name: 'optimize',
  enabled: () => true,
  async run(ctx) {
    const walBefore = size(`${ctx.dbPath}-wal`);
    const runsPruned = pruneRunHistory(ctx.db, ctx.config.queue?.runHistoryDays ?? DEFAULT_RUN_HISTORY_DAYS, ctx.now());
    const counts = verifyStatusCounts(ctx.db);
    if (counts.repaired.length) ctx.log.warn({ repaired: counts.repaired }, 'status counts disagreed with the rows; rebuilt');
    ctx.db.pragma('optimize');
    const [cp] = ctx.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    return {
      runsPruned,
      countsRepaired: counts.repaired,
      walBytesBefore: walBefore,
      walBytesAfter: size(`${ctx.dbPath}-wal`),
      checkpoint: cp ? { busy: cp.busy === 1, logFrames: cp.log, checkpointedFrames: cp.checkpointed } : null,
    };
  },
};
