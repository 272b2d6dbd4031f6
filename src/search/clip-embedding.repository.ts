import { DaemonError } from '../errors/index.js';
import type { ReadableDb, WritableDb } from '../store/db.js';
import { BitIndex } from './bit-index.js';
import { fromBlob, toBlob } from './vector-blob.js';

export interface ClipSpace {
  id: number;
  model_id: string;
  dim: number;
}

/** From this many vectors a query scans 1-bit codes in memory and re-ranks (see bench/search.bench.ts). */
export const QUANTISED_SEARCH_FROM = 20_000;
/** Candidates kept from the bit scan per result wanted (re-ranked exactly). */
export const RERANK_FACTOR = 20;
const MIN_RERANK = 400;

const vecTable = (s: ClipSpace) => `clip_vec_${s.id}`;
const qTable = (s: ClipSpace) => `clip_q_${s.id}`;
const fTable = (s: ClipSpace) => `clip_f_${s.id}`;

/** Sign bits of a vector, 1 bit per dimension, little-endian within each byte. */
export function packSigns(v: Float32Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(v.length / 8));
  for (let i = 0; i < v.length; i++) if (v[i]! > 0) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

/** Bit indexes kept by a long-lived owner (daemon search service), one per space. */
export class BitIndexCache {
  private readonly byKey = new Map<string, BitIndex>();

  /** The space's index, brought up to date with rows written since the last call. */
  get(db: ReadableDb, space: ClipSpace): BitIndex {
    const key = `${space.id}:${space.model_id}`;
    let idx = this.byKey.get(key);
    if (!idx || idx.dim !== space.dim) {
      idx = new BitIndex(space.dim);
      this.byKey.set(key, idx);
    }
    refreshBitIndex(db, space, idx);
    return idx;
  }
}

function refreshBitIndex(db: ReadableDb, space: ClipSpace, idx: BitIndex): void {
  const max = (db.prepare(`SELECT coalesce(max(seq), 0) AS m FROM ${qTable(space)}`).get() as { m: number }).m;
  if (max <= idx.lastSeq) return;
  const rows = db.prepare(`SELECT file_id, bits, seq FROM ${qTable(space)} WHERE seq > ? ORDER BY seq`).iterate(idx.lastSeq) as IterableIterator<{ file_id: number; bits: Buffer; seq: number }>;
  for (const r of rows) {
    idx.put(r.file_id, r.bits);
    idx.lastSeq = r.seq;
  }
}

export function getSpace(db: ReadableDb, modelId: string): ClipSpace | undefined {
  return db.prepare('SELECT id, model_id, dim FROM clip_spaces WHERE model_id = ?').get(modelId) as ClipSpace | undefined;
}

export function listSpaces(db: ReadableDb): (ClipSpace & { count: number })[] {
  return db
    .prepare('SELECT s.id, s.model_id, s.dim, (SELECT count(*) FROM clip_embeddings e WHERE e.space_id = s.id) AS count FROM clip_spaces s ORDER BY s.id')
    .all() as (ClipSpace & { count: number })[];
}

/**
 * The space of a model, created with its vector tables on first use. A model id that comes back
 * with another dimension (a different file under the same id) starts a fresh space.
 */
export function ensureSpace(db: WritableDb, modelId: string, dim: number, now = Date.now()): ClipSpace {
  if (!Number.isInteger(dim) || dim < 8 || dim > 8192 || dim % 8 !== 0) throw new DaemonError('MODEL_INVALID', `CLIP ${modelId}: unusable embedding size ${dim}`);
  const have = getSpace(db, modelId);
  if (have && have.dim === dim) return have;
  if (have) dropSpace(db, modelId);
  const id = Number(db.prepare('INSERT INTO clip_spaces (model_id, dim, created_at) VALUES (?, ?, ?)').run(modelId, dim, now).lastInsertRowid);
  const s: ClipSpace = { id, model_id: modelId, dim };
  db.exec(`CREATE VIRTUAL TABLE ${vecTable(s)} USING vec0(embedding float[${dim}] distance_metric=cosine)`);
  // Plain tables beside the vec0 one: sign bits (small rows, so loading the in-memory coarse
  // index reads few pages), and the float vector again because vec0 point lookups read whole
  // chunks (too slow to re-rank 400 candidates).
  db.exec(`CREATE TABLE ${qTable(s)} (file_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, bits BLOB NOT NULL)`);
  db.exec(`CREATE INDEX ${qTable(s)}_seq ON ${qTable(s)}(seq)`);
  db.exec(`CREATE TABLE ${fTable(s)} (file_id INTEGER PRIMARY KEY, embedding BLOB NOT NULL)`);
  // vec0 rows have no foreign keys: follow clip_embeddings (which cascades from files).
  db.exec(
    `CREATE TRIGGER clip_embeddings_del_${id} AFTER DELETE ON clip_embeddings WHEN old.space_id = ${id} BEGIN
       DELETE FROM ${vecTable(s)} WHERE rowid = old.file_id;
       DELETE FROM ${qTable(s)} WHERE file_id = old.file_id;
       DELETE FROM ${fTable(s)} WHERE file_id = old.file_id;
     END`,
  );
  return s;
}

/** Removes a model's embeddings and tables (model replaced, or an upkeep prune). */
export function dropSpace(db: WritableDb, modelId: string): void {
  const s = getSpace(db, modelId);
  if (!s) return;
  db.exec(`DROP TRIGGER IF EXISTS clip_embeddings_del_${s.id}`);
  db.prepare('DELETE FROM clip_embeddings WHERE space_id = ?').run(s.id);
  db.exec(`DROP TABLE IF EXISTS ${vecTable(s)}`);
  db.exec(`DROP TABLE IF EXISTS ${qTable(s)}`);
  db.exec(`DROP TABLE IF EXISTS ${fTable(s)}`);
  db.prepare('DELETE FROM clip_spaces WHERE id = ?').run(s.id);
  db.prepare('DELETE FROM clip_text_cache WHERE model_id = ?').run(modelId);
}

/** Drops every space except `keepModelId`'s (after a model switch has re-embedded the library). */
export function pruneSpaces(db: WritableDb, keepModelId: string): string[] {
  const gone = listSpaces(db).filter((s) => s.model_id !== keepModelId).map((s) => s.model_id);
  for (const m of gone) dropSpace(db, m);
  return gone;
}

export function putImageEmbedding(db: WritableDb, space: ClipSpace, fileId: number, previewHash: string, v: Float32Array, now = Date.now()): void {
  if (v.length !== space.dim) throw new DaemonError('INFERENCE_FAILED', `CLIP ${space.model_id}: embedding has ${v.length} values, space has ${space.dim}`);
  const blob = toBlob(v);
  // vec0 has no upsert: replace by delete + insert (rowid = file id).
  db.prepare(`DELETE FROM ${vecTable(space)} WHERE rowid = ?`).run(BigInt(fileId));
  db.prepare(`INSERT INTO ${vecTable(space)} (rowid, embedding) VALUES (?, ?)`).run(BigInt(fileId), blob);
  db.prepare(
    `INSERT INTO ${qTable(space)} (file_id, seq, bits) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM ${qTable(space)}), ?)
     ON CONFLICT (file_id) DO UPDATE SET seq = excluded.seq, bits = excluded.bits`,
  ).run(fileId, Buffer.from(packSigns(v)));
  db.prepare(`INSERT INTO ${fTable(space)} (file_id, embedding) VALUES (?, ?) ON CONFLICT (file_id) DO UPDATE SET embedding = excluded.embedding`).run(fileId, blob);
  db.prepare(
    `INSERT INTO clip_embeddings (file_id, space_id, preview_hash, made_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (file_id, space_id) DO UPDATE SET preview_hash = excluded.preview_hash, made_at = excluded.made_at`,
  ).run(fileId, space.id, previewHash, now);
}

/** The preview hash the file's embedding was made from, for this model (cheap: tags inputKey). */
export function embeddedPreviewHash(db: ReadableDb, fileId: number, modelId: string): string | undefined {
  const r = db
    .prepare('SELECT e.preview_hash AS h FROM clip_embeddings e JOIN clip_spaces s ON s.id = e.space_id WHERE e.file_id = ? AND s.model_id = ?')
    .get(fileId, modelId) as { h: string } | undefined;
  return r?.h;
}

export function getImageEmbedding(db: ReadableDb, space: ClipSpace, fileId: number): Float32Array | undefined {
  const r = db.prepare(`SELECT embedding FROM ${fTable(space)} WHERE file_id = ?`).get(fileId) as { embedding: Buffer } | undefined;
  return r ? fromBlob(r.embedding) : undefined;
}

/** The newest space the file has an embedding in (for `similar` without a loaded model). */
export function latestSpaceOf(db: ReadableDb, fileId: number): ClipSpace | undefined {
  return db
    .prepare('SELECT s.id, s.model_id, s.dim FROM clip_embeddings e JOIN clip_spaces s ON s.id = e.space_id WHERE e.file_id = ? ORDER BY e.made_at DESC, s.id DESC LIMIT 1')
    .get(fileId) as ClipSpace | undefined;
}

/**
 * About how many vectors a space holds, in O(log n): the highest write sequence number (re-embeds
 * count again, deletions are not subtracted). Enough to pick a search strategy.
 */
export function spaceSize(db: ReadableDb, space: ClipSpace): number {
  return (db.prepare(`SELECT coalesce(max(seq), 0) AS n FROM ${qTable(space)}`).get() as { n: number }).n;
}

export interface Neighbour {
  fileId: number;
  /** Cosine similarity (vectors are L2-normalised). */
  similarity: number;
}

export interface KnnOptions {
  /** A SELECT returning file ids the result must be among (filters); bound with `candidateParams`. */
  candidateSql?: string;
  candidateParams?: unknown[];
  /** Force a strategy (benchmarks); default: by space size. */
  strategy?: 'exact' | 'quantised';
  /** Known space size (skips a count). */
  size?: number;
  /** Long-lived bit indexes; without one, a quantised query builds its index from the table. */
  bitIndexes?: BitIndexCache;
}

/**
 * Nearest neighbours of `query` in a space. Small libraries: sqlite-vec's exact brute force over
 * the vec0 table. From QUANTISED_SEARCH_FROM vectors: a Hamming scan over in-memory sign bits
 * picks RERANK_FACTOR×k candidates, re-ranked by exact cosine (sqlite-vec's vec_distance_cosine).
 */
export function knn(db: ReadableDb, space: ClipSpace, query: Float32Array, k: number, opts: KnnOptions = {}): Neighbour[] {
  if (k <= 0) return [];
  const q = toBlob(query);
  const params = opts.candidateParams ?? [];
  const strategy = opts.strategy ?? ((opts.size ?? spaceSize(db, space)) >= QUANTISED_SEARCH_FROM ? 'quantised' : 'exact');
  if (strategy === 'exact') {
    const filter = opts.candidateSql ? ` AND rowid IN (${opts.candidateSql})` : '';
    const rows = db
      .prepare(`SELECT rowid AS id, distance FROM ${vecTable(space)} WHERE embedding MATCH ? AND k = ?${filter} ORDER BY distance`)
      .all(q, k, ...params) as { id: number; distance: number }[];
    return byScore(rows);
  }
  const idx = (opts.bitIndexes ?? new BitIndexCache()).get(db, space);
  let allow: Set<number> | undefined;
  if (opts.candidateSql) {
    allow = new Set((db.prepare(opts.candidateSql).pluck().all(...params) as number[]).map(Number));
    if (allow.size === 0) return [];
  }
  // 1-bit codes lose more neighbours as the library grows: re-rank at least 1 in 1000 vectors.
  const coarse = Math.max(MIN_RERANK, k * RERANK_FACTOR, Math.ceil(idx.size / 1000));
  const ids = idx.nearest(packSigns(query), coarse, allow);
  if (ids.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT file_id AS id, vec_distance_cosine(embedding, ?) AS distance FROM ${fTable(space)}
       WHERE file_id IN (SELECT value FROM json_each(?)) ORDER BY distance LIMIT ?`,
    )
    .all(q, JSON.stringify(ids), k) as { id: number; distance: number }[];
  return byScore(rows);
}

/** Best first; equal distances (duplicates) by file id, so results are stable. */
function byScore(rows: { id: number; distance: number }[]): Neighbour[] {
  return rows
    .map((r) => ({ fileId: Number(r.id), similarity: 1 - r.distance }))
    .sort((a, b) => b.similarity - a.similarity || a.fileId - b.fileId);
}
