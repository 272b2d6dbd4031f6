import type { ModelRegistry, ResolvedModel } from '../registry.js';
import type { ModelSessions } from '../session.js';
import { ImageClassifier } from '../classifier/mobilenet-classifier.js';
import { createClipHandle, type ClipHandle, type SessionOpener } from './clip-handle.js';
import type { OrtSession } from './onnx-session.js';

/**
 * Where passes and search get the current model of a role. `current()` is cheap (called from
 * inputKey) and returns null while no model is installed, so the passes wait instead of failing.
 */
export interface ClipSource {
  current(): ClipHandle | null;
}

export interface ClassifierHandle {
  readonly id: string;
  get(): Promise<ImageClassifier>;
}

export interface ClassifierSource {
  current(): ClassifierHandle | null;
}

export const noClip: ClipSource = Object.freeze({ current: () => null });
export const noClassifier: ClassifierSource = Object.freeze({ current: () => null });

export function staticClipSource(h: ClipHandle | null): ClipSource {
  return { current: () => h };
}

export function staticClassifierSource(h: ClassifierHandle | null): ClassifierSource {
  return { current: () => h };
}

/** A classifier handle over explicit files, loaded on first use. */
export function createClassifierHandle(files: { id: string; model: string; labels: string }, openSession?: (file: string) => Promise<OrtSession>): ClassifierHandle {
  let loading: Promise<ImageClassifier> | null = null;
  return {
    id: files.id,
    get() {
      if (!loading) {
        const p = openSession ? openSession(files.model).then((s) => ImageClassifier.fromSession(files.id, s, files.labels)) : ImageClassifier.load(files);
        loading = p;
        p.catch(() => {
          if (loading === p) loading = null;
        });
      }
      return loading;
    },
  };
}

function clipOpener(m: ResolvedModel, sessions: ModelSessions | undefined): SessionOpener | undefined {
  if (!sessions) return undefined;
  const text = m.entry.signature.text;
  return async (file, part) => (await sessions.get(m.entry, file, part === 'textual' && text ? text : m.entry.signature)).session;
}

/**
 * The `clip` role from the model registry (config pin or best installed model). With
 * `sessions`, networks load through the daemon's shared ModelSessions (provider choice, threads).
 */
export function clipSourceFromRegistry(registry: ModelRegistry, sessions?: ModelSessions): ClipSource & { close(): Promise<void> } {
  const handles = new Map<string, ClipHandle>();
  return {
    current() {
      const m = registry.resolve('clip');
      if (!m) return null;
      let h = handles.get(m.id);
      if (!h) {
        const onnx = m.files.filter((f) => f.endsWith('.onnx'));
        const vocab = m.files.find((f) => f.endsWith('.txt.gz') || f.endsWith('.txt'));
        if (onnx.length < 2 || !vocab) return null;
        const opener = clipOpener(m, sessions);
        h = createClipHandle({ id: m.id, visual: onnx[0]!, textual: onnx[1]!, vocab }, opener ? { openSession: opener } : {});
        handles.set(m.id, h);
      }
      return h;
    },
    async close() {
      for (const h of handles.values()) await h.close();
      handles.clear();
    },
  };
}

/** The `classifier` role from the model registry. */
export function classifierSourceFromRegistry(registry: ModelRegistry, sessions?: ModelSessions): ClassifierSource {
  const handles = new Map<string, ClassifierHandle>();
  return {
    current() {
      const m = registry.resolve('classifier');
      if (!m) return null;
      let h = handles.get(m.id);
      if (!h) {
        const labels = m.files.find((f) => f.endsWith('.json'));
        if (!labels) return null;
        h = createClassifierHandle(
          { id: m.id, model: m.onnxPath, labels },
          sessions ? async (file) => (await sessions.get(m.entry, file)).session : undefined,
        );
        handles.set(m.id, h);
      }
      return h;
    },
  };
}
