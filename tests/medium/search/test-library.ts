import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { renderPreview } from '../../../src/image/render.js';
import { silentLogger } from '../../../src/log/index.js';
import type { Pass, PassOutcome } from '../../../src/passes/pass.js';
import { openDb, tx, type WritableDb } from '../../../src/store/db.js';
import { getFile } from '../../../src/store/repositories/file.repository.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

/** A temp rawlight home with a migrated database and a cache folder of upright previews. */
export interface TestLibrary {
  dir: string;
  db: WritableDb;
  cacheDir: string;
  libraryDir: string;
  cleanup: () => void;
}

export function makeLibrary(): TestLibrary {
  const t = tempDir('rawlight-search-');
  const { db } = openDb(path.join(t.dir, 'rawlight.db'));
  const cacheDir = path.join(t.dir, 'cache');
  const libraryDir = path.join(t.dir, 'Pictures');
  mkdirSync(cacheDir, { recursive: true });
  return {
    dir: t.dir,
    db,
    cacheDir,
    libraryDir,
    cleanup: () => {
      db.close();
      t.cleanup();
    },
  };
}

export interface PhotoOptions {
  /** Path inside the library folder (default: the fixture's own relative path). */
  as?: string;
  make?: string;
  model?: string;
  captured?: string;
  keywords?: string[];
  people?: string[];
  /** Skip the preview (a file the preview pass has not reached yet). */
  noPreview?: boolean;
}

/**
 * Indexes a fixture photo as the spine would: a files row, a metadata row, and an upright preview
 * JPEG (long side ≤ 2048, EXIF orientation applied) in the cache with its previews row.
 */
/** `fixtureRel` is relative to fixtures/photos (as in labels.json). */
export async function addPhoto(lib: TestLibrary, fixtureRel: string, o: PhotoOptions = {}): Promise<number> {
  const rel = o.as ?? fixtureRel;
  const p = path.join(lib.libraryDir, rel);
  const now = Date.now();
  const id = Number(
    lib.db
      .prepare(`INSERT INTO files (path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, ?, 'image', 'present', ?, ?)`)
      .run(p, lib.libraryDir, path.extname(p).slice(1).toLowerCase(), now, now).lastInsertRowid,
  );
  lib.db
    .prepare(`INSERT INTO metadata (file_id, make, model, captured_at, captured_ts, keywords, people, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(id, o.make ?? null, o.model ?? null, o.captured ?? null, o.captured ? Date.parse(`${o.captured}Z`) : null, JSON.stringify(o.keywords ?? []), JSON.stringify(o.people ?? []), now);
  if (!o.noPreview) {
    // The spine's own renderer: upright, ≤ 2048 px, JPEG q85, content-addressed in the cache.
    const r = await renderPreview(path.join(FIXTURES, 'photos', fixtureRel), null, { cacheDir: lib.cacheDir });
    lib.db
      .prepare(`INSERT INTO previews (file_id, preview_hash, source, width, height, bytes, path, thumb_path, orientation, made_at) VALUES (?, ?, 'file', ?, ?, ?, ?, ?, 1, ?)`)
      .run(id, r.previewHash, r.width, r.height, r.bytes, r.path, r.thumbPath, now);
  }
  return id;
}

const log = silentLogger();

/** Runs a pass for a file the way the worker does: inputKey, run, commit in one transaction. */
export async function runPass(lib: TestLibrary, pass: Pass, fileId: number): Promise<{ key: string | null; outcome: PassOutcome | null }> {
  const file = getFile(lib.db, fileId);
  if (!file) throw new Error(`no file ${fileId}`);
  const key = pass.inputKey(lib.db, file);
  if (key === null) return { key, outcome: null };
  const outcome = await pass.run({ file, inputKey: key, log, signal: new AbortController().signal, db: lib.db });
  tx(lib.db, () => outcome.commit?.(lib.db));
  return { key, outcome };
}
