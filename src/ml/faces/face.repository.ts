import { rmSync } from 'node:fs';
import path from 'node:path';
import type { ReadableDb, WritableDb } from '../../store/db.js';
import type { Box } from '../../geometry/box.js';

/** Width of the face_vectors table: smaller embeddings are zero-padded (cosine is unchanged). */
export const FACE_VECTOR_WIDTH = 512;

export interface NewFace {
  idx: number;
  box: Box;
  storedBox: Box;
  landmarks: number[];
  score: number;
  detector: string;
  embedder: string;
  embedding: Float32Array;
  cropPath: string | null;
}

/** A face as other modules read it (`show`, people, XMP). */
export interface FaceView {
  id: number;
  fileId: number;
  idx: number;
  /** On the upright preview, normalised. */
  box: Box;
  /** The same box in stored-image orientation, normalised (what MWG regions need). */
  storedBox: Box;
  score: number;
  /** [x0,y0,...,x4,y4] normalised upright. */
  landmarks: number[];
  detector: string;
  embedder: string;
  /** Relative to the cache folder. */
  cropPath: string | null;
  previewHash: string;
}

export interface FaceEmbeddingRow {
  faceId: number;
  fileId: number;
  embedder: string;
  embedding: Float32Array;
}

interface FaceRow {
  id: number;
  file_id: number;
  preview_hash: string;
  idx: number;
  box_x: number;
  box_y: number;
  box_w: number;
  box_h: number;
  stored_x: number;
  stored_y: number;
  stored_w: number;
  stored_h: number;
  landmarks: string | null;
  score: number;
  detector: string;
  embedder: string;
  crop_path: string | null;
}

export function embeddingToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function blobToEmbedding(b: Buffer): Float32Array {
  // Copy: the Buffer may not be 4-byte aligned inside SQLite's returned memory.
  const out = new Float32Array(b.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(i * 4);
  return out;
}

function padded(v: Float32Array): Float32Array {
  if (v.length === FACE_VECTOR_WIDTH) return v;
  if (v.length > FACE_VECTOR_WIDTH) throw new Error(`embedding of ${v.length} values is wider than face_vectors (${FACE_VECTOR_WIDTH})`);
  const out = new Float32Array(FACE_VECTOR_WIDTH);
  out.set(v);
  return out;
}

/**
 * Replaces a file's faces (rows and vectors) with `faces`. Returns the crop paths the old rows
 * used that the new ones do not (the caller may delete those files).
 */
export function replaceFaces(db: WritableDb, fileId: number, previewHash: string, faces: NewFace[], now = Date.now()): string[] {
  const old = db.prepare('SELECT crop_path FROM faces WHERE file_id = ?').all(fileId) as { crop_path: string | null }[];
  db.prepare('DELETE FROM faces WHERE file_id = ?').run(fileId);
  const ins = db.prepare(
    `INSERT INTO faces (file_id, preview_hash, idx, box_x, box_y, box_w, box_h, stored_x, stored_y, stored_w, stored_h,
       landmarks, score, detector, embedder, embedding, crop_path, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const vec = db.prepare('INSERT INTO face_vectors (face_id, embedder, embedding) VALUES (?, ?, ?)');
  for (const f of faces) {
    const r = ins.run(
      fileId, previewHash, f.idx, f.box.x, f.box.y, f.box.w, f.box.h, f.storedBox.x, f.storedBox.y, f.storedBox.w, f.storedBox.h,
      JSON.stringify(f.landmarks.map(round6)), f.score, f.detector, f.embedder, embeddingToBlob(f.embedding), f.cropPath, now,
    );
    // vec0 wants an integer key bound as an integer: BigInt makes better-sqlite3 bind it so.
    vec.run(BigInt(r.lastInsertRowid), f.embedder, padded(f.embedding));
  }
  const kept = new Set(faces.map((f) => f.cropPath));
  return old.map((o) => o.crop_path).filter((p): p is string => !!p && !kept.has(p));
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

function toView(r: FaceRow): FaceView {
  return {
    id: r.id,
    fileId: r.file_id,
    idx: r.idx,
    box: { x: r.box_x, y: r.box_y, w: r.box_w, h: r.box_h },
    storedBox: { x: r.stored_x, y: r.stored_y, w: r.stored_w, h: r.stored_h },
    score: r.score,
    landmarks: r.landmarks ? (JSON.parse(r.landmarks) as number[]) : [],
    detector: r.detector,
    embedder: r.embedder,
    cropPath: r.crop_path,
    previewHash: r.preview_hash,
  };
}

const VIEW_COLUMNS = 'id, file_id, preview_hash, idx, box_x, box_y, box_w, box_h, stored_x, stored_y, stored_w, stored_h, landmarks, score, detector, embedder, crop_path';

/** The faces of one file, in detector order. */
export function facesForFile(db: ReadableDb, fileId: number): FaceView[] {
  return (db.prepare(`SELECT ${VIEW_COLUMNS} FROM faces WHERE file_id = ? ORDER BY idx`).all(fileId) as FaceRow[]).map(toView);
}

export function getFace(db: ReadableDb, faceId: number): FaceView | null {
  const r = db.prepare(`SELECT ${VIEW_COLUMNS} FROM faces WHERE id = ?`).get(faceId) as FaceRow | undefined;
  return r ? toView(r) : null;
}

/** One face's embedding (L2-normalised, the embedder's own dimension), or null. */
export function faceEmbedding(db: ReadableDb, faceId: number): Float32Array | null {
  const r = db.prepare('SELECT embedding FROM faces WHERE id = ?').get(faceId) as { embedding: Buffer | null } | undefined;
  return r?.embedding ? blobToEmbedding(r.embedding) : null;
}

/** Every face embedding (of one embedder, if given), streamed: for clustering. */
export function* allFaceEmbeddings(db: ReadableDb, opts: { embedder?: string } = {}): Generator<FaceEmbeddingRow> {
  const sql = `SELECT id, file_id, embedder, embedding FROM faces WHERE embedding IS NOT NULL${opts.embedder ? ' AND embedder = ?' : ''} ORDER BY id`;
  const stmt = db.prepare(sql);
  const rows = (opts.embedder ? stmt.iterate(opts.embedder) : stmt.iterate()) as IterableIterator<{ id: number; file_id: number; embedder: string; embedding: Buffer }>;
  for (const r of rows) yield { faceId: r.id, fileId: r.file_id, embedder: r.embedder, embedding: blobToEmbedding(r.embedding) };
}

export interface NearFace {
  faceId: number;
  /** Cosine similarity (1 - cosine distance). */
  similarity: number;
}

/** The k faces nearest to `embedding` among faces of the same embedder (exact search, sqlite-vec). */
export function nearestFaces(db: ReadableDb, embedding: Float32Array, embedder: string, k = 10): NearFace[] {
  const rows = db
    .prepare('SELECT face_id, distance FROM face_vectors WHERE embedding MATCH ? AND k = ? AND embedder = ? ORDER BY distance')
    .all(padded(embedding), k, embedder) as { face_id: number; distance: number }[];
  return rows.map((r) => ({ faceId: r.face_id, similarity: 1 - r.distance }));
}

export function countFaces(db: ReadableDb): { faces: number; files: number } {
  return db.prepare('SELECT count(*) AS faces, count(DISTINCT file_id) AS files FROM faces').get() as { faces: number; files: number };
}

/**
 * Deletes every face row, vector and crop (`rawlight faces purge`), and forgets the faces pass's
 * results so the pass runs again from scratch if it is enabled.
 */
export function purgeFaces(db: WritableDb, cacheDir: string): { faces: number; crops: number } {
  const crops = (db.prepare('SELECT crop_path FROM faces WHERE crop_path IS NOT NULL').all() as { crop_path: string }[]).map((r) => r.crop_path);
  const faces = db.transaction(() => {
    const n = db.prepare('DELETE FROM faces').run().changes;
    db.prepare('DELETE FROM face_vectors').run();
    db.prepare("DELETE FROM pass_results WHERE pass = 'faces'").run();
    return n;
  }).immediate();
  let removed = 0;
  for (const c of crops) {
    try {
      rmSync(path.join(cacheDir, c), { force: true });
      removed++;
    } catch {
      // A crop is a cache file: one that cannot be removed is left for the next purge.
    }
  }
  rmSync(path.join(cacheDir, FACE_CROP_DIR), { recursive: true, force: true });
  return { faces, crops: removed };
}

/** Face crops live under <cacheDir>/faces/. */
export const FACE_CROP_DIR = 'faces';
