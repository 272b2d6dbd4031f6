import type { Logger } from 'pino';
import type { ReadableDb, WritableDb } from '../store/db.js';
import type { FileRow } from '../store/repositories/file.repository.js';

/** Which worker pool runs a pass: CPU-heavy (decode, inference) or I/O-bound (hash, exiftool, writes). */
export type PassResource = 'cpu' | 'io';

export interface PassContext {
  file: FileRow;
  /** The input key the job was queued with (already checked to be current). */
  inputKey: string;
  log: Logger;
  /** Aborted on shutdown or past the pass timeout: a pass stops early (cancels its ExifTool task, drops an ONNX result). */
  signal: AbortSignal;
  /** Read access for inputs. Writes belong in the outcome's `commit`. */
  db: ReadableDb;
}

export interface PassOutcome {
  /** Small JSON summary stored with the result (shown by `show`). */
  output?: Record<string, unknown>;
  warnings?: string[];
  /**
   * Synchronous writes of the pass's own rows. Runs inside the same transaction that records the
   * result and removes the job, so a crash leaves either all of it or none.
   */
  commit?: (db: WritableDb) => void;
}

/**
 * A pass: a unit with a name, a version, declared inputs and outputs. It runs for a file only when
 * no result exists for (pass, version, inputKey). Failure is a thrown DaemonError: non-retryable
 * codes become a final recorded failure (not retried until the input changes); retryable codes are
 * retried with backoff, then the job is dead.
 */
export interface Pass {
  readonly name: string;
  readonly version: number;
  readonly resource: PassResource;
  /** Passes whose completion may make this one runnable (its inputs). */
  readonly after: readonly string[];
  /**
   * Among runnable jobs of one priority in its pool, this pass's run after every other pass's. For
   * a costly pass whose results are the least awaited: text recognition costs 20-30x the faces pass
   * on a camera photo, and in creation order it held back the faces, tags and CLIP of the rest of a
   * first import. Priority still comes first: a new photo's job runs before the backlog's.
   */
  readonly runsLast?: boolean;
  /**
   * It waits for its `after` passes to settle, each with a result or a final failure, rather than
   * reading their output: a final failure of one of them makes it look again too. Writeback: a
   * RAW whose preview cannot be made has no faces or tags, but its places still go to its XMP.
   */
  readonly afterSettled?: boolean;
  /** Human words for what it reads and writes (status page, docs). */
  readonly description: string;
  /**
   * The key of this pass's input for the file as it is now, or null when the pass does not apply
   * or its inputs are not there yet. Must be cheap: it is called for every candidate.
   */
  inputKey(db: ReadableDb, file: FileRow): string | null;
  run(ctx: PassContext): Promise<PassOutcome>;
}
