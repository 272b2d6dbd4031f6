import { ErrorCodes } from '../errors/index.js';
import { tx } from '../store/db.js';
import type { UpkeepJob } from './upkeep-job.js';
import { retryDeadJobs } from './upkeep.repository.js';

/** Error codes whose cause can go away by itself (the catalog marks them retryable). */
export function retryableCodes(): string[] {
  return Object.entries(ErrorCodes)
    .filter(([, v]) => v.retryable)
    .map(([k]) => k);
}

/** Puts dead jobs with a retryable cause back in the queue (present files only). */
export const retryDeadJob: UpkeepJob = {
  name: 'retryDead',
  enabled: () => true,
  async run(ctx) {
    const byCode = tx(ctx.db, () => retryDeadJobs(ctx.db, retryableCodes(), ctx.now()));
    const retried = Object.values(byCode).reduce((a, b) => a + b, 0);
    return { retried, byCode };
  },
};
