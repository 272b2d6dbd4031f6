import { after, before } from 'node:test';
import { createExifToolWriter, type ExifToolWriter } from '../../../src/exiftool/writer.js';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseConfig, type Config, type ConfigInput } from '../../../src/config/index.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import type { FileRow } from '../../../src/store/repositories/file.repository.js';
import { copyFixtures, FIXTURES, REPO } from '../../helpers/fixtures.js';

/**
 * The team-contract DDL of the tables writeback reads (faces 0030, tags 0032, places 0036,
 * persons/face_person 0040), created here only when missing, so these tests do not depend on
 * other engineers' migrations being finished.
 */
export const CONTRACT_DDL = `
CREATE TABLE IF NOT EXISTS faces (id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  preview_hash TEXT NOT NULL, idx INTEGER NOT NULL, box_x REAL, box_y REAL, box_w REAL, box_h REAL,
  stored_x REAL, stored_y REAL, stored_w REAL, stored_h REAL, landmarks TEXT, score REAL, detector TEXT, embedder TEXT,
  embedding BLOB, crop_path TEXT, created_at INTEGER);
CREATE TABLE IF NOT EXISTS tags (file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE, label TEXT NOT NULL,
  score REAL NOT NULL, source TEXT NOT NULL, model TEXT, PRIMARY KEY (file_id, label));
CREATE TABLE IF NOT EXISTS places (file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE, city TEXT, region TEXT,
  country TEXT, country_code TEXT, distance_km REAL, source TEXT, lat REAL, lon REAL);
CREATE TABLE IF NOT EXISTS persons (id INTEGER PRIMARY KEY, name TEXT, ignored INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS face_person (face_id INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES persons(id), source TEXT, confirmed INTEGER);
`;

/** A database with the spine + writeback migrations only, plus the contract tables. */
export function openTestDb(dir: string): WritableDb {
  const mig = path.join(dir, 'migrations');
  mkdirSync(mig, { recursive: true });
  for (const f of ['0010-spine.sql', '0020-writeback.sql', '0070-writeback-atomic.sql', '0071-writeback-overwritten.sql']) copyFileSync(path.join(REPO, 'migrations', f), path.join(mig, f));
  const { db } = openDb(path.join(dir, 'rawlight.db'), { migrationsDir: mig });
  db.exec(CONTRACT_DDL);
  return db;
}

export function testConfig(over: Partial<ConfigInput> = {}): Config {
  return parseConfig(over);
}

const RAW = new Set(['cr2', 'cr3', 'crw', 'nef', 'nrw', 'arw', 'sr2', 'raf', 'orf', 'rw2', 'pef', 'dng', '3fr', 'iiq', 'erf', 'mrw', 'x3f', 'gpr', 'kdc', 'raw']);

export function addFile(db: WritableDb, p: string, meta: { width?: number; height?: number; orientation?: number } = {}): FileRow {
  const ext = path.extname(p).slice(1).toLowerCase();
  const st = statSync(p);
  const now = Date.now();
  const id = Number(
    db
      .prepare(`INSERT INTO files (path, root, ext, kind, size, mtime_ns, state, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, 'present', ?, ?)`)
      .run(p, path.dirname(p), ext, RAW.has(ext) ? 'raw' : 'image', st.size, String(BigInt(Math.round(st.mtimeMs * 1e6))), now, now).lastInsertRowid,
  );
  db.prepare(`INSERT INTO metadata (file_id, width, height, orientation, read_at) VALUES (?, ?, ?, ?, ?)`).run(
    id,
    meta.width ?? 4000,
    meta.height ?? 3000,
    meta.orientation ?? 1,
    now,
  );
  return db.prepare('SELECT * FROM files WHERE id = ?').get(id) as FileRow;
}

export function addTag(db: WritableDb, fileId: number, label: string, score = 0.9): void {
  db.prepare(`INSERT OR REPLACE INTO tags (file_id, label, score, source, model) VALUES (?, ?, ?, 'clip', 'test')`).run(fileId, label, score);
}

export function addPlace(db: WritableDb, fileId: number, p: { city?: string; region?: string; country?: string; code?: string }): void {
  db.prepare(`INSERT OR REPLACE INTO places (file_id, city, region, country, country_code, source) VALUES (?, ?, ?, ?, ?, 'test')`).run(
    fileId,
    p.city ?? null,
    p.region ?? null,
    p.country ?? null,
    p.code ?? null,
  );
}

let nextIdx = 0;
/** A face with a person. `box` is upright top-left+size; `stored` (optional) in stored orientation. */
export function addFace(
  db: WritableDb,
  fileId: number,
  name: string | null,
  box: { x: number; y: number; w: number; h: number },
  stored?: { x: number; y: number; w: number; h: number },
): { faceId: number; personId: number } {
  const faceId = Number(
    db
      .prepare(
        `INSERT INTO faces (file_id, preview_hash, idx, box_x, box_y, box_w, box_h, stored_x, stored_y, stored_w, stored_h, score, created_at)
         VALUES (?, 'ph', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0.99, ?)`,
      )
      .run(fileId, nextIdx++, box.x, box.y, box.w, box.h, stored?.x ?? null, stored?.y ?? null, stored?.w ?? null, stored?.h ?? null, Date.now()).lastInsertRowid,
  );
  const existing = name === null ? undefined : (db.prepare('SELECT id FROM persons WHERE name = ?').get(name) as { id: number } | undefined);
  const personId = existing?.id ?? Number(db.prepare('INSERT INTO persons (name) VALUES (?)').run(name).lastInsertRowid);
  db.prepare(`INSERT INTO face_person (face_id, person_id, source, confirmed) VALUES (?, ?, 'user', 1)`).run(faceId, personId);
  return { faceId, personId };
}

import type { XmpWriter } from '../../../src/exiftool/writer.js';
import { tx } from '../../../src/store/db.js';
import { applyWriteback, prepareWriteback, type WritebackResult } from '../../../src/xmp/writeback.js';
import type { SpotlightAdapter } from '../../../src/xmp/spotlight.js';

/** prepare + apply + commit, as the pass does. */
export async function writeback(
  db: WritableDb,
  writer: XmpWriter,
  file: FileRow,
  config: Config,
  backupDir: string,
  spotlight: SpotlightAdapter | null = null,
): Promise<WritebackResult> {
  const prepared = await prepareWriteback({ db, writer, config }, file);
  const res = await applyWriteback({ db, writer, config, backupDir, spotlight }, prepared);
  tx(db, () => res.commit(db));
  return res;
}

/**
 * A CR2 with a sidecar in the exact form Lightroom Classic writes (the fixtures' Lightroom
 * sidecar, renamed to the RAW's `IMG.xmp`, where Lightroom keeps a RAW's metadata).
 */
export function rawWithLightroomSidecar(dir: string): [string, string] {
  const [cr2] = copyFixtures(dir, ['raw/exiftool_CanonRaw.cr2']);
  const xmp = cr2!.replace(/\.cr2$/, '.xmp');
  copyFileSync(path.join(FIXTURES, 'photos/sidecars/IMG_5910.xmp'), xmp);
  return [cr2!, xmp];
}

/**
 * The set-up of a describe block that writes: a test database in `t` and one ExifTool writer,
 * handed to `use` before the block's tests and closed after them (with `t`).
 */
export function suiteWithWriter(t: { dir: string; cleanup: () => void }, use: (opened: { db: WritableDb; writer: ExifToolWriter }) => void): void {
  let opened: { db: WritableDb; writer: ExifToolWriter } | undefined;
  before(() => {
    opened = { db: openTestDb(t.dir), writer: createExifToolWriter({ timeoutMs: 30_000 }) };
    use(opened);
  });
  after(async () => {
    await opened?.writer.end();
    opened?.db.close();
    t.cleanup();
  });
}
