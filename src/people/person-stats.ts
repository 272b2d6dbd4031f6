import type { WritableDb } from '../store/db.js';
import { dominantEmbedder, getPerson, memberVectors, setPersonStats } from './people.repository.js';
import { blobInto, vectorToBlob } from './vectors.js';

/**
 * Each person keeps the sum of its members' embeddings and their count, so the mean similarity of
 * a face to a person is one dot product (dot(v, sum) / count) however many faces the person has.
 * The representative face is the member most similar to that mean.
 */
export interface PersonStats {
  sum: Float32Array;
  count: number;
  /** Index into `ids` of the representative, -1 when empty. */
  representative: number;
}

/** Stats of the rows `rows` of matrix m (n x d). */
export function summarize(m: Float32Array, d: number, rows: readonly number[]): PersonStats {
  const sum = new Float32Array(d);
  for (const r of rows) {
    const o = r * d;
    for (let x = 0; x < d; x++) sum[x]! += m[o + x]!;
  }
  let best = -1;
  let bestS = -Infinity;
  rows.forEach((r, i) => {
    let s = 0;
    const o = r * d;
    for (let x = 0; x < d; x++) s += m[o + x]! * sum[x]!;
    if (s > bestS) {
      bestS = s;
      best = i;
    }
  });
  return { sum, count: rows.length, representative: best };
}

/** Recomputes the stats of the given persons from their current members (after any edit). */
export function refreshPersonStats(db: WritableDb, personIds: Iterable<number>, embedder: string | null = dominantEmbedder(db)): void {
  for (const id of new Set(personIds)) {
    if (!getPerson(db, id)) continue;
    const rows = embedder ? memberVectors(db, id, embedder) : [];
    if (rows.length === 0) {
      setPersonStats(db, id, { embedder, sum: null, count: 0, representative: null });
      continue;
    }
    const d = rows[0]!.embedding.byteLength / 4;
    const m = new Float32Array(rows.length * d);
    rows.forEach((r, i) => blobInto(r.embedding, m, i * d));
    const s = summarize(m, d, rows.map((_, i) => i));
    setPersonStats(db, id, { embedder, sum: vectorToBlob(s.sum), count: s.count, representative: rows[s.representative]!.id });
  }
}
