/**
 * Worker-thread entry for the reading and computing half of a full regroup (planRegroup): loading
 * every face vector, the neighbour search and the clustering take tens of seconds of mostly
 * synchronous work on a big library, which on the main thread stalled the pipeline and the API.
 * Reads through its own read-only connection; the plan goes back to the main thread, which writes
 * it (applyRegroup). Started by threaded-regroup.ts; the protocol types live there.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DaemonError } from '../errors/index.js';
import { openReadonlyDb } from '../store/db.js';
import { planRegroup } from './grouping.js';
import type { RegroupWorkerData, RegroupWorkerReply } from './threaded-regroup.js';

const port = parentPort;
if (!port) throw new Error('regroup.worker.ts must run in a worker thread');
const data = workerData as RegroupWorkerData;
let reply: RegroupWorkerReply;
let transfer: ArrayBuffer[] = [];
try {
  const db = openReadonlyDb(data.dbPath);
  try {
    const plan = await planRegroup(db, data.opts);
    reply = { ok: true, plan };
    // Every typed array's buffer moves to the main thread instead of being copied there.
    if (plan) {
      const arrays = [plan.m, plan.ids, plan.rows, plan.target, plan.source, plan.similarity, plan.beforePerson, plan.beforeSource, plan.beforeConfirmed, plan.files];
      transfer = [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
    }
  } finally {
    db.close();
  }
} catch (e) {
  reply = { ok: false, code: e instanceof DaemonError ? e.code : 'INTERNAL', message: (e as Error).message, stack: (e as Error).stack ?? '' };
}
port.postMessage(reply, transfer);
