import { summarize, type UpkeepJob } from './upkeep-job.js';

/**
 * Weekly `rawlight writeback --repair`: removes exact duplicates of rawlight's own values that an
 * older version left in sidecars and files. The daemon hands in `repair`, which runs through its
 * one ExifTool writer (never a second one); disabled when no writer is given.
 */
export const repairJob: UpkeepJob = {
  name: 'repair',
  enabled: (deps) => typeof deps.repair === 'function',
  run: async (ctx) => summarize(ctx.deps.repair ? await ctx.deps.repair() : undefined),
};
