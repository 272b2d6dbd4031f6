import { summarize, type UpkeepJob } from './upkeep-job.js';

/** Re-clusters faces into people; disabled until the people feature hands in `regroup`. */
export const regroupJob: UpkeepJob = {
  name: 'regroup',
  enabled: (deps) => typeof deps.regroup === 'function',
  run: async (ctx) => summarize(ctx.deps.regroup ? await ctx.deps.regroup() : undefined),
};
