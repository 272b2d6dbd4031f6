import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { parseConfig, type ConfigInput } from '../../../src/config/index.js';
import { silentLogger } from '../../../src/log/index.js';
import type { Pass, PassOutcome } from '../../../src/passes/pass.js';
import type { WritableDb } from '../../../src/store/db.js';
import { getFile } from '../../../src/store/repositories/file.repository.js';

/**
 * Makes the upright preview the spine would (EXIF orientation applied, long side <= 2048) in the
 * cache folder, and the files + previews rows pointing at it. Returns the file id.
 */
export async function addPhoto(db: WritableDb, cacheDir: string, src: string, orientation: number): Promise<number> {
  const now = Date.now();
  const r = db
    .prepare(`INSERT INTO files (path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, ?, 'image', 'present', ?, ?)`)
    .run(src, path.dirname(src), path.extname(src).slice(1).toLowerCase(), now, now);
  const fileId = Number(r.lastInsertRowid);
  const { data, info } = await sharp(src).rotate().resize(2048, 2048, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 90 }).toBuffer({ resolveWithObject: true });
  const hash = createHash('sha256').update(data).digest('hex').slice(0, 32);
  const rel = path.join('previews', hash.slice(0, 2), `${hash}.jpg`);
  mkdirSync(path.dirname(path.join(cacheDir, rel)), { recursive: true });
  await sharp(data).toFile(path.join(cacheDir, rel));
  db.prepare(
    `INSERT INTO previews (file_id, preview_hash, source, width, height, bytes, path, thumb_path, orientation, made_at)
     VALUES (?, ?, 'file', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(fileId, hash, info.width, info.height, statSync(path.join(cacheDir, rel)).size, rel, rel, orientation, now);
  return fileId;
}

export function config(input: ConfigInput = {}) {
  return parseConfig(input);
}

/** Runs a pass for a file the way the worker does: inputKey -> run -> commit in a transaction. */
export async function runPass(db: WritableDb, pass: Pass, fileId: number): Promise<PassOutcome & { inputKey: string }> {
  const file = getFile(db, fileId)!;
  const inputKey = pass.inputKey(db, file);
  if (!inputKey) throw new Error(`pass ${pass.name} has no input for file ${fileId}`);
  const outcome = await pass.run({ file, inputKey, log: silentLogger(), signal: new AbortController().signal, db });
  if (outcome.commit) db.transaction(() => outcome.commit!(db)).immediate();
  return { ...outcome, inputKey };
}
