import { statSync } from 'node:fs';
import type { UpkeepJob } from './upkeep-job.js';

function size(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

/**
 * `PRAGMA optimize` (refreshes the planner's statistics where they are stale) and a TRUNCATE
 * checkpoint, which folds the WAL back into the database and shrinks the -wal file to zero. A
 * reader in another process (the CLI) can keep the checkpoint from finishing: that is reported as
 * busy, not as a failure; the next run catches up.
 */
export const optimizeJob: UpkeepJob = {
  name: 'optimize',
  enabled: () => true,
  async run(ctx) {
    const walBefore = size(`${ctx.dbPath}-wal`);
    ctx.db.pragma('optimize');
    const [cp] = ctx.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    return {
      walBytesBefore: walBefore,
      walBytesAfter: size(`${ctx.dbPath}-wal`),
      checkpoint: cp ? { busy: cp.busy === 1, logFrames: cp.log, checkpointedFrames: cp.checkpointed } : null,
    };
  },
};
