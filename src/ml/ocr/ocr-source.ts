import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DaemonError } from '../../errors/index.js';
import type { ModelRegistry, ResolvedModel } from '../registry.js';
import type { ModelSessions } from '../session.js';
import { charsetFromDictionary } from './ctc-decode.js';
import { OcrEngine, type OcrOptions } from './ocr-engine.js';

export interface OcrHandle {
  readonly id: string;
  get(): Promise<OcrEngine>;
}

/** The `ocr` role as passes see it: `current()` is cheap and null while no OCR model is installed. */
export interface OcrSource {
  current(): OcrHandle | null;
}

export const noOcr: OcrSource = Object.freeze({ current: () => null });

const byName = (m: ResolvedModel, pattern: RegExp) => m.files.find((f) => pattern.test(path.basename(f)));

/**
 * The OCR networks of the chosen model, loaded through the daemon's shared ModelSessions (the one
 * session owner: provider choice, threads, the ML worker thread). Detector, recogniser and angle
 * classifier are told apart by file name (`det`, `rec`, `cls`); their signatures come from the
 * manifest (`signature` for the detector, `signature.parts` for the others).
 */
export function ocrSourceFromRegistry(registry: ModelRegistry, sessions: ModelSessions, opts: Partial<OcrOptions> = {}): OcrSource {
  const handles = new Map<string, OcrHandle>();
  return {
    current() {
      const m = registry.resolve('ocr');
      if (!m) return null;
      let h = handles.get(m.id);
      if (!h) {
        const det = byName(m, /det.*\.onnx$/);
        const rec = byName(m, /rec.*\.onnx$/);
        const cls = byName(m, /cls.*\.onnx$/);
        const dict = byName(m, /\.txt$/);
        if (!det || !rec || !cls || !dict) return null;
        let loading: Promise<OcrEngine> | null = null;
        const part = (file: string) => m.entry.signature.parts?.[path.basename(file)] ?? { inputs: m.entry.signature.inputs, outputs: [] };
        const model = m;
        h = {
          id: m.id,
          get() {
            if (!loading) {
              const p = (async () => {
                let charset: string[];
                try {
                  charset = charsetFromDictionary(readFileSync(dict, 'utf8'));
                } catch (e) {
                  throw new DaemonError('MODEL_MISSING', `${model.id}: cannot read ${dict}`, { cause: e });
                }
                const [d, r, c] = await Promise.all([sessions.get(model.entry, det), sessions.get(model.entry, rec, part(rec)), sessions.get(model.entry, cls, part(cls))]);
                return new OcrEngine(model.id, { det: d.session, rec: r.session, cls: c.session }, charset, opts);
              })();
              loading = p;
              p.catch(() => {
                if (loading === p) loading = null;
              });
            }
            return loading;
          },
        };
        handles.set(m.id, h);
      }
      return h;
    },
  };
}
