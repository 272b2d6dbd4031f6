import { Worker } from 'node:worker_threads';
import { DaemonError, ErrorCodes, type ErrorCode } from '../errors/index.js';
import type { WritableDb } from '../store/db.js';
import { applyRegroup, emptyRegroupReport, regroupAll, type GroupingOptions, type RegroupPlan, type RegroupReport } from './grouping.js';
import { workerModule } from '../platform/worker-module.js';

export interface RegroupWorkerData {
  dbPath: string;
  opts: GroupingOptions;
}

export type RegroupWorkerReply = { ok: true; plan: RegroupPlan | null } | { ok: false; code: string; message: string; stack: string };

/**
 * regroupAll for the daemon: the plan is computed in a worker thread on its own read-only
 * connection (regroup.worker.ts) while the pipeline and the API go on; only the write, one
 * transaction, runs here on the daemon's writer. A database without a file (tests' in-memory
 * ones) has nothing a worker could open: it is grouped in-process.
 */
export async function regroupInWorker(db: WritableDb, opts: GroupingOptions = {}): Promise<RegroupReport> {
  if (db.memory) return regroupAll(db, opts);
  const t0 = performance.now();
  const plan = await planInWorker({ dbPath: db.name, opts });
  return plan ? applyRegroup(db, plan, opts, t0) : emptyRegroupReport(null);
}

function planInWorker(data: RegroupWorkerData): Promise<RegroupPlan | null> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerModule(import.meta.url, 'regroup.worker'), { name: 'rawlight-people', workerData: data });
    let settled = false;
    w.once('message', (r: RegroupWorkerReply) => {
      settled = true;
      if (r.ok) resolve(r.plan);
      else reject(new DaemonError(r.code in ErrorCodes ? (r.code as ErrorCode) : 'INTERNAL', `grouping: ${r.message}`));
    });
    w.once('error', (e) => {
      if (!settled) reject(e);
      settled = true;
    });
    w.once('exit', (code) => {
      if (!settled) reject(new DaemonError('INTERNAL', `the grouping worker exited (code ${code}) before it answered`));
      settled = true;
    });
  });
}
