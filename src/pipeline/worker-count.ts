import os from 'node:os';

/**
 * Workers for the CPU pool: `auto` = one per core. Workers only run while jobs are pending (an idle
 * worker sleeps on the queue), so the count bounds the backlog's parallelism and costs nothing
 * once caught up; the daemon's low priority keeps the user's apps first meanwhile.
 */
export function cpuWorkers(setting: number | 'auto', cores: number = os.availableParallelism()): number {
  return setting === 'auto' ? Math.max(1, cores) : setting;
}
