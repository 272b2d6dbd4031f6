import type { ReadableDb } from '../store/db.js';

/**
 * Every pass whose output flows into a file's XMP, directly or through another pass. Writeback
 * waits for all of them (it is listed after each, so whichever settles last considers it).
 */
export const WRITEBACK_UPSTREAM = ['scan', 'metadata', 'preview', 'faces', 'embed', 'tags', 'places'] as const;

/**
 * True while any upstream job of the file is queued or running (dead jobs do not count: they will
 * not run again on their own). Writeback then has no input yet, so a new file is written once,
 * after the last of its passes, not once per pass. Uses the (file_id, pass, input_key) index.
 */
export function upstreamPending(db: ReadableDb, fileId: number): boolean {
  return (
    db
      .prepare(`SELECT 1 FROM jobs WHERE file_id = ? AND pass IN (${WRITEBACK_UPSTREAM.map(() => '?').join(', ')}) AND state <> 'dead' LIMIT 1`)
      .get(fileId, ...WRITEBACK_UPSTREAM) !== undefined
  );
}
