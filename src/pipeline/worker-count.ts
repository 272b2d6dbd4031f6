import os from 'node:os';

/**
 * Workers for the CPU pool: `auto` = one per core. Workers only run while jobs are pending (an idle
 * worker sleeps on the queue), so the count bounds the backlog's parallelism and costs nothing
 * once caught up; the daemon's low priority keeps the user's apps first meanwhile.
 */
export function cpuWorkers(setting: number | 'auto', cores: number = os.availableParallelism()): number {
  return setting === 'auto' ? Math.max(1, cores) : setting;
}

/**
 * Intra-op threads for the daemon's ML worker. It runs one inference at a time for every CPU worker
 * (one set of loaded models, not one per worker), so it gets as many threads as there are CPU
 * workers: with half of them (the old default) one core sat idle through the faces/tags/OCR stretch
 * of a first import. At background priority, like the rest of the daemon.
 */
export function inferenceThreads(setting: number | 'auto', cores: number = os.availableParallelism()): number {
  return Math.min(cpuWorkers(setting, cores), Math.max(1, cores));
}
