// (being written by the lead; see the exported signatures below)
import type { WritableDb } from '../store/db.js';

/** Input key meaning "work out the current key when the job is claimed". */
export const RECONSIDER_KEY = '*';

/**
 * Asks for `pass` to be (re)considered for a file: durable, deduplicated, safe to call from any
 * process (CLI while the daemon runs). When claimed, the worker computes the pass's current input
 * key; if a result already exists for it nothing runs, otherwise the pass runs with that key.
 * Use it when something a pass reads has changed outside the pipeline (a person named, a tag
 * edited): e.g. requestPass(db, fileId, 'writeback').
 */
export function requestPass(db: WritableDb, fileId: number, pass: string, priority = 5, now = Date.now()): void {
  db.prepare(
    `INSERT INTO jobs (file_id, pass, input_key, state, priority, created_at, updated_at)
     VALUES (?, ?, ?, 'pending', ?, ?, ?)
     ON CONFLICT (file_id, pass, input_key) DO UPDATE SET
       state = CASE WHEN jobs.state = 'dead' THEN 'pending' ELSE jobs.state END,
       attempts = CASE WHEN jobs.state = 'dead' THEN 0 ELSE jobs.attempts END,
       priority = max(jobs.priority, excluded.priority), updated_at = excluded.updated_at`,
  ).run(fileId, pass, RECONSIDER_KEY, priority, now, now);
}
