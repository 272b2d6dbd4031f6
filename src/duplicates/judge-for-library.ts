import type { Config } from '../config/index.js';
import { ImageClassifier } from '../ml/classifier/mobilenet-classifier.js';
import { createModelRegistry } from '../ml/registry.js';
import type { Places } from '../platform/places.js';
import type { ReadableDb } from '../store/db.js';
import { classifierJudge, clipJudge, type SimilarityJudge } from './similarity.js';

/**
 * The embedding that confirms near duplicates: CLIP when the library has CLIP embeddings, else the
 * installed ImageNet classifier (run on the candidate previews only), else none (hashes alone,
 * stricter). `close` releases a loaded classifier.
 */
export async function judgeForLibrary(db: ReadableDb, cfg: Config, places: Places): Promise<{ judge: SimilarityJudge | null; close: () => Promise<void> }> {
  const hasClip = !!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'clip_embeddings'").get() && !!db.prepare('SELECT 1 FROM clip_embeddings LIMIT 1').get();
  if (hasClip) return { judge: clipJudge(db), close: async () => undefined };
  const m = createModelRegistry(cfg, places).resolve('classifier');
  const labels = m?.files.find((f) => f.endsWith('.json'));
  if (!m || !labels) return { judge: null, close: async () => undefined };
  const classifier = await ImageClassifier.load({ id: m.id, model: m.onnxPath, labels });
  return { judge: classifierJudge(classifier, places.cacheDir), close: () => classifier.close() };
}
