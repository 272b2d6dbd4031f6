import { summarize, type UpkeepJob } from './upkeep-job.js';

/** Nightly walk of every library: catches what the watcher missed (the walk itself is the daemon's). */
export const reconcileJob: UpkeepJob = {
  name: 'reconcile',
  enabled: () => true,
  run: async (ctx) => summarize(await ctx.deps.reconcile()),
};
