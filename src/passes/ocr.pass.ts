import path from 'node:path';
import { DaemonError } from '../errors/index.js';
import type { DecodedPreviews } from '../ml/decoded-previews.js';
import { decodeRgb } from '../ml/image.js';
import type { OcrSource } from '../ml/ocr/ocr-source.js';
import { replaceOcrText } from '../search/ocr-text.repository.js';
import { previewInput } from '../search/preview-input.repository.js';
import type { Pass, PassOutcome } from './pass.js';

export interface OcrPassDeps {
  ocr: OcrSource;
  /** Folder the previews' relative paths start from. */
  cacheDir: string;
  config: { readonly passes: { readonly ocr: boolean } };
  /** Decoded previews shared with the other preview-keyed passes (one decode per photo). */
  decoded?: DecodedPreviews;
}

/** `${preview_hash}:${modelId}` → its parts (model ids never contain ':'). */
function parseKey(key: string): { previewHash: string; modelId: string } | null {
  const at = key.lastIndexOf(':');
  return at > 0 ? { previewHash: key.slice(0, at), modelId: key.slice(at + 1) } : null;
}

/**
 * The `ocr` pass: text in the upright preview (PaddleOCR detection, angle classifier, recognition),
 * stored per line with its box and confidence and in the full-text index. Keyed on the preview's
 * pixels and the model, like the other ML passes: a keyword edit never re-reads the text.
 */
export function createOcrPass({ ocr, cacheDir, config, decoded }: OcrPassDeps): Pass {
  return {
    name: 'ocr',
    version: 1,
    resource: 'cpu',
    after: ['preview'],
    // 0.6-1 s a 2048 px preview here (the detector at 1536 px), against ~40 ms for the faces pass:
    // a first import gives every photo its faces, tags and CLIP first, then reads the text.
    runsLast: true,
    description: 'Reads the upright preview; writes the text in it (lines, boxes, confidence) and its full-text index.',
    inputKey(db, file) {
      if (!config.passes.ocr || file.state !== 'present') return null;
      const h = ocr.current();
      if (!h) return null;
      const p = previewInput(db, file.id);
      return p ? `${p.preview_hash}:${h.id}` : null;
    },
    async run(ctx): Promise<PassOutcome> {
      const key = parseKey(ctx.inputKey);
      const h = ocr.current();
      if (!key || !h || h.id !== key.modelId) throw new DaemonError('JOB_STALE', `OCR model changed since the job was queued (${ctx.inputKey})`);
      const p = previewInput(ctx.db, ctx.file.id);
      if (!p || p.preview_hash !== key.previewHash) throw new DaemonError('JOB_STALE', 'the preview changed since the job was queued');
      const engine = await h.get();
      const img = await (decoded ? decoded.get(p.preview_hash, p.path) : decodeRgb(path.join(cacheDir, p.path)));
      const lines = await engine.read(img, ctx.signal);
      const fileId = ctx.file.id;
      return {
        output: { model: h.id, lines: lines.length, text: lines.slice(0, 5).map((l) => l.text) },
        commit: (db) => replaceOcrText(db, fileId, lines, h.id),
      };
    },
  };
}
