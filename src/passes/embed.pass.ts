import path from 'node:path';
import { DaemonError } from '../errors/index.js';
import type { ClipSource } from '../ml/clip/model-sources.js';
import { ensureSpace, putImageEmbedding } from '../search/clip-embedding.repository.js';
import type { DecodedPreviews } from '../ml/decoded-previews.js';
import { previewInput } from '../search/preview-input.repository.js';
import type { Pass, PassOutcome } from './pass.js';
import { stopIfAborted } from './abort.js';

export interface EmbedPassDeps {
  clip: ClipSource;
  /** Folder the previews' relative paths start from (places.cacheDir). */
  cacheDir: string;
  config: { readonly passes: { readonly embed: boolean } };
  /** Decoded previews shared with the other preview-keyed passes (one decode per photo). */
  decoded?: DecodedPreviews;
}

/** `${preview_hash}:${clipModelId}` → its parts (model ids never contain ':'). */
export function parseEmbedKey(key: string): { previewHash: string; modelId: string } | null {
  const at = key.lastIndexOf(':');
  return at > 0 ? { previewHash: key.slice(0, at), modelId: key.slice(at + 1) } : null;
}

/**
 * The `embed` pass: a CLIP image embedding of the upright preview, stored in the model's
 * sqlite-vec space. Keyed on the preview hash and the model id, so a new preview or another CLIP
 * model re-embeds; without a CLIP model it does not apply (null key) and waits.
 */
export function createEmbedPass(deps: EmbedPassDeps): Pass {
  const { clip, cacheDir, config } = deps;
  return {
    name: 'embed',
    version: 1,
    resource: 'cpu',
    after: ['preview'],
    description: 'Reads the upright preview; writes its CLIP image embedding (sqlite-vec, per model).',
    inputKey(db, file) {
      if (!config.passes.embed || file.state !== 'present') return null;
      const h = clip.current();
      if (!h) return null;
      const p = previewInput(db, file.id);
      return p ? `${p.preview_hash}:${h.id}` : null;
    },
    async run(ctx): Promise<PassOutcome> {
      const key = parseEmbedKey(ctx.inputKey);
      const h = clip.current();
      if (!key || !h || h.id !== key.modelId) throw new DaemonError('JOB_STALE', `CLIP model changed since the job was queued (${ctx.inputKey})`);
      const p = previewInput(ctx.db, ctx.file.id);
      if (!p || p.preview_hash !== key.previewHash) throw new DaemonError('JOB_STALE', 'the preview changed since the job was queued');
      const model = await h.get();
      stopIfAborted(ctx.signal, 'the CLIP run');
      // An ONNX run cannot be interrupted: it finishes, and an abort meanwhile drops its result.
      const [v] = await model.embedImages([deps.decoded ? await deps.decoded.get(p.preview_hash, p.path) : path.join(cacheDir, p.path)]);
      stopIfAborted(ctx.signal, 'saving the embedding');
      if (!v) throw new DaemonError('INFERENCE_FAILED', `CLIP ${h.id}: no embedding returned`);
      const fileId = ctx.file.id;
      return {
        output: { model: h.id, dim: v.length },
        commit: (db) => putImageEmbedding(db, ensureSpace(db, h.id, v.length), fileId, p.preview_hash, v),
      };
    },
  };
}
