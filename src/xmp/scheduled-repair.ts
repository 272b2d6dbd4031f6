import { runWriteback, type RunWritebackOptions } from './run-writeback.js';

export interface RepairSummary {
  /** True when writeback is off: the user asked rawlight not to write, so nothing is repaired. */
  skipped: boolean;
  considered: number;
  repaired: number;
  failed: number;
  /** A few failures for `status` (the stored summary stays small on a 500K-file library). */
  failures: { path: string; code: string }[];
}

/**
 * The upkeep job's repair: `rawlight writeback --repair` over every file, through the writer it is
 * given (the daemon's one). Returns counts, not the per-file report.
 */
export async function scheduledRepair(opts: Omit<RunWritebackOptions, 'dryRun' | 'repair' | 'restore' | 'paths'>): Promise<RepairSummary> {
  if (opts.config.writeback === 'off') return { skipped: true, considered: 0, repaired: 0, failed: 0, failures: [] };
  const r = await runWriteback({ ...opts, dryRun: false, repair: true, paths: [] });
  const failures = r.files.filter((f) => f.error).slice(0, 10).map((f) => ({ path: f.path, code: f.error!.code }));
  return { skipped: false, considered: r.summary.considered, repaired: r.summary.written, failed: r.summary.failed, failures };
}
