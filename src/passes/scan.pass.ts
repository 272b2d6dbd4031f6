import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { DaemonError, toDaemonError } from '../errors/index.js';
import type { ReadableDb, WritableDb } from '../store/db.js';
import type { FileRow } from '../store/repositories/file.repository.js';
import { stmt } from '../store/statements.js';
import { maybeDataless, type DatalessProbe } from '../platform/dataless.js';
import type { Pass, PassContext, PassOutcome } from './pass.js';

export const HASH_ALGO = 'sha256';

/** Files up to this size are read in one call: a stream's per-chunk overhead dominates for them. */
const ONE_READ_MAX = 64 * 2 ** 20;

/** SHA-256 of a file (OpenSSL; hardware-accelerated where the CPU has SHA extensions). */
export async function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  const h = createHash(HASH_ALGO);
  const st = await fs.stat(file);
  if (st.size <= ONE_READ_MAX) return h.update(await fs.readFile(file, signal ? { signal } : {})).digest('hex');
  const stream = createReadStream(file, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
  for await (const chunk of stream) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface ScanPassDeps {
  dataless?: DatalessProbe;
}

/**
 * `scan`: stat, dataless check, content hash (gate 2). Keyed on size + mtime + inode, so a touch
 * re-hashes; when the hash is unchanged nothing downstream runs, because their keys are unchanged.
 */
export function createScanPass(deps: ScanPassDeps = {}): Pass {
  return {
    name: 'scan',
    version: 1,
    resource: 'io',
    after: [],
    description: 'stat, iCloud placeholder check, SHA-256 of the file',
    inputKey(_db: ReadableDb, f: FileRow) {
      return f.size === null || f.mtime_ns === null ? null : `${f.size}:${f.mtime_ns}:${f.ino ?? 0}`;
    },
    async run(ctx: PassContext): Promise<PassOutcome> {
      const f = ctx.file;
      let st;
      try {
        st = await fs.stat(f.path, { bigint: true });
      } catch (e) {
        throw toDaemonError(e);
      }
      if (!st.isFile()) throw new DaemonError('FILE_UNREADABLE', 'not a regular file');
      if (maybeDataless(st) && deps.dataless && (await deps.dataless.check([f.path])).has(f.path)) {
        // Reading it would download it from iCloud: record it as cloud-only instead.
        return {
          output: { cloudOnly: true },
          commit: (db: WritableDb) => stmt(db, `UPDATE files SET state = 'cloud' WHERE id = ?`).run(f.id),
        };
      }
      if (st.size === 0n) throw new DaemonError('FILE_EMPTY');
      const sig = `${st.size}:${st.mtimeNs}:${st.ino}`;
      let hash: string;
      try {
        hash = await hashFile(f.path, ctx.signal);
      } catch (e) {
        throw toDaemonError(e);
      }
      const after = await fs.stat(f.path, { bigint: true }).catch((e: unknown) => {
        throw toDaemonError(e);
      });
      if (`${after.size}:${after.mtimeNs}:${after.ino}` !== sig) throw new DaemonError('FILE_CHANGED_DURING_PASS', 'file changed while hashing');
      const changed = f.content_hash !== null && f.content_hash !== hash;
      return {
        output: { hash, algo: HASH_ALGO, bytes: Number(st.size), contentChanged: changed },
        commit: (db: WritableDb) => {
          stmt(db, `UPDATE files SET content_hash = ?, hash_algo = ?, scanned_sig = ?, size = ?, mtime_ns = ? WHERE id = ?`).run(
            hash, HASH_ALGO, sig, Number(st.size), st.mtimeNs.toString(), f.id,
          );
        },
      };
    },
  };
}
