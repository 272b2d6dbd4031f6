import path from 'node:path';
import type { ImageClassifier } from '../ml/classifier/mobilenet-classifier.js';
import { getImageEmbedding, latestSpaceOf } from '../search/clip-embedding.repository.js';
import type { ReadableDb } from '../store/db.js';

/**
 * Says how alike two photos look (0..1), from an image embedding; null when it cannot tell (no
 * embedding for one of them). `threshold` is the similarity at which two photos are the same picture.
 */
export interface SimilarityJudge {
  readonly name: string;
  readonly threshold: number;
  similarity(a: { id: number; preview_path: string | null }, b: { id: number; preview_path: string | null }): Promise<number | null>;
}

/**
 * CLIP image embeddings the embed pass stored (cosine). 0.95 follows Immich's duplicate detection
 * (max cosine distance 0.01–0.05); it could not be measured here (no real CLIP weights in the
 * test models), unlike the classifier threshold.
 */
export function clipJudge(db: ReadableDb, threshold = 0.95): SimilarityJudge {
  const vec = (id: number) => {
    const space = latestSpaceOf(db, id);
    return space ? { space: space.id, v: getImageEmbedding(db, space, id) } : null;
  };
  return {
    name: 'clip',
    threshold,
    async similarity(a, b) {
      const x = vec(a.id);
      const y = vec(b.id);
      if (!x?.v || !y?.v || x.space !== y.space) return null;
      let dot = 0;
      let nx = 0;
      let ny = 0;
      for (let i = 0; i < x.v.length; i++) {
        dot += x.v[i]! * y.v[i]!;
        nx += x.v[i]! ** 2;
        ny += y.v[i]! ** 2;
      }
      return dot / Math.sqrt(nx * ny || 1);
    },
  };
}

/**
 * The ImageNet classifier's 1000 class probabilities of each preview, compared with the
 * Bhattacharyya coefficient (Σ√(p·q): 1 for identical distributions). Threshold measured on the
 * fixtures and copies made from them (tests/medium/duplicates/duplicates.test.ts): re-encoded,
 * resized, blurred and 3%-cropped copies score 0.85–0.99; the closest unrelated pair the hash
 * proposes scores 0.77.
 */
export function classifierJudge(classifier: ImageClassifier, cacheDir: string, threshold = 0.82): SimilarityJudge {
  const cache = new Map<number, Promise<Float32Array | null>>();
  const probs = (id: number, rel: string) => {
    let p = cache.get(id);
    if (!p) {
      p = classifier.classify([path.join(cacheDir, rel)], 1000).then(
        ([top]) => {
          const v = new Float32Array(1000);
          for (const c of top ?? []) v[c.index] = c.prob;
          return v;
        },
        // A preview gone from the cache or damaged: this judge cannot tell (the hash decides).
        () => null,
      );
      cache.set(id, p);
    }
    return p;
  };
  return {
    name: 'classifier',
    threshold,
    async similarity(a, b) {
      if (!a.preview_path || !b.preview_path) return null;
      const [p, q] = await Promise.all([probs(a.id, a.preview_path), probs(b.id, b.preview_path)]);
      if (!p || !q) return null;
      let bc = 0;
      for (let i = 0; i < p.length; i++) bc += Math.sqrt(p[i]! * q[i]!);
      return bc;
    },
  };
}
