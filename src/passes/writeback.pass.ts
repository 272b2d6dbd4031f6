import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { isDaemonError, toDaemonError } from '../errors/index.js';
import type { XmpWriter } from '../exiftool/writer.js';
import type { ReadableDb, WritableDb } from '../store/db.js';
import type { FileRow } from '../store/repositories/file.repository.js';
import { desiredStateHash, isDesiredEmpty, readDesiredState } from '../xmp/desired-state.js';
import { XMP_NAME } from '../xmp/fields.js';
import type { SpotlightAdapter } from '../xmp/spotlight.js';
import { applyWriteback, prepareWriteback, recordWritebackFailure, resolveTarget, reviewCommit } from '../xmp/writeback.js';
import { displayValue } from '../xmp/xmp-state.js';
import { statSig } from '../xmp/own-writes.js';
import type { Pass, PassOutcome } from './pass.js';
import { stopIfAborted } from './abort.js';
import { upstreamPending, WRITEBACK_UPSTREAM } from './writeback-settled.js';

export interface WritebackPassDeps {
  /** The daemon's writable handle: the own-write journal is recorded before each write, outside the completion transaction. */
  db: WritableDb;
  writer: XmpWriter;
  spotlight?: SpotlightAdapter | null;
  config: Config;
  /** Folder for the temporary copy kept during an embedded write (e.g. <cache>/writeback). */
  backupDir: string;
  log?: Logger;
}

function ownsValues(db: ReadableDb, fileId: number): boolean {
  return db.prepare(`SELECT 1 FROM xmp_values WHERE file_id = ? AND status = 'written' LIMIT 1`).get(fileId) !== undefined;
}

/** Input key: the desired state's hash, the target, and the mode. Null when there is nothing to do. */
export function writebackInputKey(db: ReadableDb, file: FileRow, config: Config): string | null {
  if (config.writeback === 'off' || !config.passes.writeback || file.state !== 'present') return null;
  if (!db.prepare('SELECT 1 FROM metadata WHERE file_id = ?').get(file.id)) return null; // metadata not read yet
  if (upstreamPending(db, file.id)) return null; // not settled: the last upstream pass to finish considers writeback again
  const desired = readDesiredState(db, file.id, config.xmp);
  // Nothing to write and nothing of ours to take back: no job (most of a fresh library).
  if (isDesiredEmpty(desired) && !ownsValues(db, file.id)) return null;
  const target = resolveTarget(db, file, config);
  // The sidecar's size and mtime: another app saving it (Lightroom rewriting it) makes writeback
  // look again when the metadata pass re-reads the photo; rawlight's own writes are not re-read.
  const sig = target.kind === 'sidecar' ? statSig(target.path) : null;
  const h = createHash('sha256')
    .update(`${target.kind}\n${target.path}\n${desiredStateHash(desired)}\n${sig ? `${sig.size}:${sig.mtimeNs}` : '-'}`)
    .digest('hex')
    .slice(0, 32);
  return `${config.writeback}:${h}`;
}

/**
 * The `writeback` pass: writes what rawlight knows (keywords, named people with face regions,
 * places) into XMP where Lightroom, digiKam and friends read it, merging with what is there and
 * never overwriting a user's values. In review mode it records the planned changes instead;
 * `rawlight writeback` applies them.
 */
export function createWritebackPass(deps: WritebackPassDeps): Pass {
  const { config } = deps;
  return {
    name: 'writeback',
    // 2: the sidecar names table (RAW -> IMG.xmp, other photos -> IMG.JPG.xmp); a re-run moves values.
    version: 2,
    resource: 'io',
    after: WRITEBACK_UPSTREAM,
    afterSettled: true,
    description: 'Reads tags, named people, places; writes XMP sidecars (or embedded, opt-in) and Spotlight xattrs.',
    inputKey(db, file) {
      return writebackInputKey(db, file, config);
    },
    async run(ctx): Promise<PassOutcome> {
      const file = ctx.file;
      try {
        const prepared = await prepareWriteback({ db: deps.db, writer: deps.writer, config }, file);
        const conflicts = prepared.plan.conflicts.map(
          (c) => `conflict ${XMP_NAME[c.field]}: the file holds ${JSON.stringify(c.fileValue)}, rawlight would write ${JSON.stringify(displayValue(c.field, c.wanted))}; left alone`,
        );
        if (config.writeback === 'review') {
          return {
            output: { mode: 'review', target: prepared.target.path, planned: prepared.plan.changes.length, conflicts: prepared.plan.conflicts.length },
            warnings: conflicts,
            commit: reviewCommit(prepared),
          };
        }
        // Never start an XMP write after a timeout or at shutdown: the file is left as it was.
        stopIfAborted(ctx.signal, 'writing XMP');
        const res = await applyWriteback({ ...deps, config }, prepared);
        return {
          output: { target: res.target.path, targetKind: res.target.kind, written: res.written, changes: res.plan.changes.length, conflicts: res.plan.conflicts.length },
          warnings: [...conflicts, ...res.warnings],
          commit: res.commit,
        };
      } catch (e) {
        const err = toDaemonError(e);
        // Failures of the write itself were recorded by applyWriteback; record the earlier ones.
        if (isDaemonError(e) && err.code === 'SIDECAR_MALFORMED') recordWritebackFailure(deps.db, file, config, err);
        throw err;
      }
    },
  };
}
