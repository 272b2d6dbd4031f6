import type { ReadableDb, WritableDb } from '../store/db.js';
import { fromBlob, toBlob } from './vector-blob.js';

/** Cached label text embeddings for one (model, vocabulary version). */
export function getTextEmbeddings(db: ReadableDb, modelId: string, vocabVersion: string): Map<string, Float32Array> {
  const rows = db.prepare('SELECT label, embedding FROM clip_text_cache WHERE model_id = ? AND vocab_version = ?').all(modelId, vocabVersion) as { label: string; embedding: Buffer }[];
  return new Map(rows.map((r) => [r.label, fromBlob(r.embedding)]));
}

export function putTextEmbeddings(db: WritableDb, modelId: string, vocabVersion: string, byLabel: ReadonlyMap<string, Float32Array>): void {
  // Older vocabulary versions of this model are useless once a new one is stored.
  db.prepare('DELETE FROM clip_text_cache WHERE model_id = ? AND vocab_version <> ?').run(modelId, vocabVersion);
  const ins = db.prepare('INSERT OR REPLACE INTO clip_text_cache (model_id, vocab_version, label, embedding) VALUES (?, ?, ?, ?)');
  for (const [label, v] of byLabel) ins.run(modelId, vocabVersion, label, toBlob(v));
}
