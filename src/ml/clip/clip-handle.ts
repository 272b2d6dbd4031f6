import { ClipModel } from './clip-model.js';
import { ModelSessions } from '../session.js';
import type { OrtSession } from './onnx-session.js';
import { ClipTokenizer } from './tokenizer.js';

/** Files of one CLIP model (what the model registry resolves the `clip` role to). */
export interface ClipFiles {
  id: string;
  visual: string;
  textual: string;
  /** bpe_simple_vocab_16e6.txt.gz */
  vocab: string;
  padId?: number;
}

/** Opens one of the two networks; default: the handle's own ModelSessions (tests, one-shot use). */
export type SessionOpener = (file: string, part: 'visual' | 'textual') => Promise<OrtSession>;

/** A lazily loaded CLIP model shared by the embed pass, the tags pass and search. */
export interface ClipHandle {
  readonly id: string;
  /** True after a failed load, until a load succeeds (the tags pass then uses the classifier). */
  readonly broken: boolean;
  get(): Promise<ClipModel>;
  close(): Promise<void>;
}

/** Loads on first use; a failed load is not cached (the file may be installed or repaired later). */
export function createClipHandle(files: ClipFiles, opts: { openSession?: SessionOpener; ownsSessions?: boolean } = {}): ClipHandle {
  // Without an opener, the handle owns a ModelSessions of its own (the one factory: worker thread,
  // CoreML where available), closed with the handle.
  const own = opts.openSession ? null : new ModelSessions();
  const open: SessionOpener = opts.openSession ?? ((file) => own!.open(file));
  // Sessions from a shared owner (ModelSessions) are released by that owner, not here.
  const owns = opts.ownsSessions ?? !opts.openSession;
  let loading: Promise<ClipModel> | null = null;
  let broken = false;
  return {
    id: files.id,
    get broken() {
      return broken;
    },
    get() {
      if (!loading) {
        const p = (async () => {
          const tokenizer = ClipTokenizer.fromFile(files.vocab);
          const [visual, textual] = await Promise.all([open(files.visual, 'visual'), open(files.textual, 'textual')]);
          return new ClipModel({ id: files.id, visual, textual, tokenizer, ...(files.padId !== undefined ? { padId: files.padId } : {}) });
        })();
        loading = p;
        p.then(
          () => (broken = false),
          () => {
            broken = true;
            if (loading === p) loading = null;
          },
        );
      }
      return loading;
    },
    async close() {
      const l = loading;
      loading = null;
      const m = l ? await l.catch(() => null) : null;
      if (m && owns) await m.close();
      await own?.close();
    },
  };
}
