import path from 'node:path';
import { DaemonError } from '../errors/index.js';
import { DefaultClassifierTagOptions, mapImagenetTags, type ClassifierTagOptions } from '../ml/classifier/imagenet-tags.js';
import type { ClipModel } from '../ml/clip/clip-model.js';
import type { ClassifierSource, ClipSource } from '../ml/clip/model-sources.js';
import { promptsFor, vocabulary, VOCABULARY_VERSION } from '../ml/clip/vocabulary.js';
import { DefaultZeroShotOptions, ensemble, zeroShot, type ZeroShotOptions } from '../ml/clip/zero-shot.js';
import { embeddedPreviewHash, getImageEmbedding, getSpace } from '../search/clip-embedding.repository.js';
import type { DecodedPreviews } from '../ml/decoded-previews.js';
import { previewInput } from '../search/preview-input.repository.js';
import { replaceMachineTags } from '../search/tag.repository.js';
import { getTextEmbeddings, putTextEmbeddings } from '../search/text-cache.repository.js';
import type { ReadableDb } from '../store/db.js';
import type { Pass, PassOutcome } from './pass.js';
import { stopIfAborted } from './abort.js';

/** Bump when the ImageNet → tag mapping changes (re-tags classifier-tagged files). */
export const CLASSIFIER_MAPPING_VERSION = '1';

export interface TagsPassDeps {
  clip: ClipSource;
  classifier: ClassifierSource;
  cacheDir: string;
  config: { readonly passes: { readonly tags: boolean; readonly embed: boolean } };
  /** Decoded previews shared with the other preview-keyed passes (one decode per photo). */
  decoded?: DecodedPreviews;
  zeroShot?: Partial<ZeroShotOptions>;
  classifierTags?: Partial<ClassifierTagOptions>;
}

type LabelEmbeddings = { label: string; embedding: Float32Array }[];

/**
 * The `tags` pass. With a CLIP model: zero-shot against the curated vocabulary, reading the image
 * embedding the embed pass stored (so it waits for it). Without one: the ImageNet classifier on the
 * preview, mapped to readable tags. Either way the file's machine tags are replaced.
 */
export function createTagsPass(deps: TagsPassDeps): Pass {
  const { clip, classifier, cacheDir, config } = deps;
  const zsOpts: ZeroShotOptions = { ...DefaultZeroShotOptions, ...deps.zeroShot };
  const clsOpts: ClassifierTagOptions = { ...DefaultClassifierTagOptions, ...deps.classifierTags };
  // Label embeddings per model id: computed (or read from the cache table) once per process.
  const labelCache = new Map<string, Promise<{ labels: LabelEmbeddings; computed: boolean }>>();

  function labelEmbeddings(db: ReadableDb, model: ClipModel): Promise<{ labels: LabelEmbeddings; computed: boolean }> {
    let p = labelCache.get(model.id);
    if (!p) {
      p = (async () => {
        const vocab = vocabulary();
        const cached = getTextEmbeddings(db, model.id, VOCABULARY_VERSION);
        if (vocab.every((v) => cached.has(v.label))) return { labels: vocab.map((v) => ({ label: v.label, embedding: cached.get(v.label)! })), computed: false };
        const prompts = vocab.flatMap((v) => promptsFor(v));
        const embs = await model.embedTexts(prompts);
        const per = prompts.length / vocab.length;
        return { labels: vocab.map((v, i) => ({ label: v.label, embedding: ensemble(embs.slice(i * per, (i + 1) * per)) })), computed: true };
      })();
      labelCache.set(model.id, p);
      p.catch(() => labelCache.delete(model.id));
    }
    return p;
  }

  // CLIP only when the embed pass runs and the model loads; otherwise the classifier tags.
  const useClip = () => {
    const h = config.passes.embed ? clip.current() : null;
    return h && !h.broken ? h : null;
  };

  return {
    name: 'tags',
    version: 1,
    resource: 'cpu',
    after: ['preview', 'embed'],
    description: 'Reads the CLIP embedding (zero-shot vocabulary) or the preview (ImageNet classifier); writes tags with scores.',
    inputKey(db, file) {
      if (!config.passes.tags || file.state !== 'present') return null;
      const p = previewInput(db, file.id);
      if (!p) return null;
      const h = useClip();
      if (h) {
        // Wait for the embed pass to have embedded this very preview.
        return embeddedPreviewHash(db, file.id, h.id) === p.preview_hash ? `${p.preview_hash}:clip:${h.id}:${VOCABULARY_VERSION}` : null;
      }
      const c = classifier.current();
      return c ? `${p.preview_hash}:cls:${c.id}:${CLASSIFIER_MAPPING_VERSION}` : null;
    },
    async run(ctx): Promise<PassOutcome> {
      const fileId = ctx.file.id;
      const parts = ctx.inputKey.split(':');
      const [hash, kind, modelId] = [parts[0], parts[1], parts[2]];
      const p = previewInput(ctx.db, fileId);
      if (!p || p.preview_hash !== hash) throw new DaemonError('JOB_STALE', 'the preview changed since the job was queued');
      if (kind === 'clip') {
        const h = useClip();
        if (!h || h.id !== modelId) throw new DaemonError('JOB_STALE', 'CLIP model changed since the job was queued');
        const space = getSpace(ctx.db, h.id);
        const image = space ? getImageEmbedding(ctx.db, space, fileId) : undefined;
        if (!image) throw new DaemonError('JOB_STALE', 'no CLIP embedding for this file yet');
        const model = await h.get();
        const { labels, computed } = await labelEmbeddings(ctx.db, model);
        stopIfAborted(ctx.signal, 'saving tags');
        const tags = zeroShot(image, labels, zsOpts).map(({ label, score }) => ({ label, score }));
        return {
          output: { source: 'clip', model: h.id, tags: tags.map((t) => t.label) },
          commit: (db) => {
            if (computed && getTextEmbeddings(db, h.id, VOCABULARY_VERSION).size < labels.length) {
              putTextEmbeddings(db, h.id, VOCABULARY_VERSION, new Map(labels.map((l) => [l.label, l.embedding])));
            }
            replaceMachineTags(db, fileId, tags, 'clip', h.id);
          },
        };
      }
      const c = classifier.current();
      if (kind !== 'cls' || !c || c.id !== modelId) throw new DaemonError('JOB_STALE', 'classifier changed since the job was queued');
      const model = await c.get();
      stopIfAborted(ctx.signal, 'the classifier run');
      // An ONNX run cannot be interrupted: it finishes, and an abort meanwhile drops its result.
      const [probs] = await model.classify([deps.decoded ? await deps.decoded.get(p.preview_hash, p.path) : path.join(cacheDir, p.path)], 1000);
      stopIfAborted(ctx.signal, 'saving tags');
      const tags = mapImagenetTags(probs ?? [], clsOpts);
      return {
        output: { source: 'classifier', model: c.id, tags: tags.map((t) => t.label), top: probs?.slice(0, 3).map((x) => `${x.label} ${x.prob.toFixed(2)}`) ?? [] },
        commit: (db) => replaceMachineTags(db, fileId, tags, 'classifier', c.id),
      };
    },
  };
}
