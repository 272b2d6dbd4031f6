import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { DaemonError, toDaemonError } from '../errors/index.js';
import type { ReadableDb, WritableDb } from '../store/db.js';
import type { FileRow } from '../store/repositories/file.repository.js';
import { stmt } from '../store/statements.js';
import { maybeDataless, type DatalessProbe } from '../platform/dataless.js';
import { HashSlots } from './hash-slots.js';
import type { Pass, PassContext, PassOutcome } from './pass.js';

export const HASH_ALGO = 'sha256';

/** Read in pieces of this size, each hashed before the next is read. */
const CHUNK = 2 ** 20;
/** Read buffers kept from one file to the next (as many as files are hashed at once, about). */
const spare: Buffer[] = [];
const MAX_SPARE = 4;

/**
 * SHA-256 of a file (OpenSSL; hardware-accelerated where the CPU has SHA extensions), read in 1 MiB
 * pieces into a buffer reused from file to file. Reading a whole file into a fresh buffer (as this
 * did up to 64 MiB) cost 2-5x the CPU of the hash itself in page faults: 26 MB RAWs hashed at
 * 235-720 MB/s and 0.29-0.87 s CPU for 198 MB, against 1.18 GB/s and 0.16 s now (the shared
 * fixtures: 173-360 MB/s against 743-783). Each piece is a short turn on the daemon's thread
 * instead of one 25-40 ms update for a whole RAW.
 */
export async function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  signal?.throwIfAborted();
  const h = createHash(HASH_ALGO);
  const fh = await fs.open(file, 'r');
  const buf = spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      signal?.throwIfAborted();
    }
  } finally {
    if (spare.length < MAX_SPARE) spare.push(buf);
    await fh.close();
  }
  return h.digest('hex');
}

export interface ScanPassDeps {
  dataless?: DatalessProbe;
  /** Caps the files hashed at once, however many I/O workers run the pass (default DEFAULT_HASH_SLOTS). */
  hashSlots?: HashSlots;
  /** The content hash (default hashFile; tests instrument it). */
  hash?: (file: string, signal?: AbortSignal) => Promise<string>;
}

/**
 * `scan`: stat, dataless check, content hash (gate 2). Keyed on size + mtime + inode, so a touch
 * re-hashes; when the hash is unchanged nothing downstream runs, because their keys are unchanged.
 */
export function createScanPass(deps: ScanPassDeps = {}): Pass {
  const slots = deps.hashSlots ?? new HashSlots();
  const hashOf = deps.hash ?? hashFile;
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
        hash = await slots.run(() => hashOf(f.path, ctx.signal), ctx.signal);
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
