import path from 'node:path';
import { DaemonError } from '../errors/index.js';
import { dhash } from '../duplicates/dhash.js';
import { putImageHash } from '../duplicates/image-hash.repository.js';
import type { ReadableDb } from '../store/db.js';
import type { Pass, PassOutcome } from './pass.js';

export interface FingerprintPassDeps {
  /** Folder the previews' relative paths start from. */
  cacheDir: string;
}

function thumbOf(db: ReadableDb, fileId: number): { preview_hash: string; thumb_path: string } | undefined {
  return db.prepare('SELECT preview_hash, thumb_path FROM previews WHERE file_id = ?').get(fileId) as { preview_hash: string; thumb_path: string } | undefined;
}

/**
 * The `fingerprint` pass: a perceptual hash (dHash) of the upright preview's thumbnail, for
 * `rawlight duplicates`. Keyed on the preview pixels like the ML passes; costs a 360 px decode.
 */
export function createFingerprintPass({ cacheDir }: FingerprintPassDeps): Pass {
  return {
    name: 'fingerprint',
    version: 1,
    resource: 'cpu',
    after: ['preview'],
    description: 'Reads the preview thumbnail; writes its perceptual hash (duplicates).',
    inputKey(db, file) {
      if (file.state !== 'present') return null;
      return thumbOf(db, file.id)?.preview_hash ?? null;
    },
    async run(ctx): Promise<PassOutcome> {
      const t = thumbOf(ctx.db, ctx.file.id);
      if (!t || t.preview_hash !== ctx.inputKey) throw new DaemonError('JOB_STALE', 'the preview changed since the job was queued');
      let h: bigint;
      try {
        h = await dhash(path.join(cacheDir, t.thumb_path));
      } catch (e) {
        const missing = /Input file is missing|ENOENT/.test((e as Error).message);
        // The cached thumbnail gone is not the photo gone: the pipeline renders the preview again.
        throw new DaemonError(missing ? 'PREVIEW_MISSING' : 'PREVIEW_DECODE_FAILED', `${t.thumb_path}: ${(e as Error).message}`, { cause: e });
      }
      const fileId = ctx.file.id;
      return { output: { dhash: BigInt.asUintN(64, h).toString(16).padStart(16, '0') }, commit: (db) => putImageHash(db, fileId, t.preview_hash, h) };
    },
  };
}
