import { existsSync, statSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { DaemonError } from '../../errors/index.js';
import type { OrtSessionLike } from '../ort-host.js';

/** A real in-process session or one on the ML worker thread (ModelSessions). */
export type OrtSession = OrtSessionLike;

export interface TensorInfo {
  name: string;
  type: string;
  shape: readonly (number | string)[];
}

/**
 * Opens an ONNX file as a session. A missing file is MODEL_MISSING; a file onnxruntime refuses
 * (truncated download, wrong format) is MODEL_INVALID. Used until src/ml/session.ts (shared,
 * provider-aware sessions) is wired in; anything returning an InferenceSession fits.
 */
export async function openOnnxSession(file: string, opts: { intraOpNumThreads?: number } = {}): Promise<OrtSession> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new DaemonError('MODEL_MISSING', file);
  try {
    return await ort.InferenceSession.create(file, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      // Leave a core for the rest of the daemon on small machines.
      intraOpNumThreads: opts.intraOpNumThreads ?? 1,
    });
  } catch (e) {
    throw new DaemonError('MODEL_INVALID', `${file}: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
}

export function inputInfo(s: OrtSession): TensorInfo[] {
  return s.inputNames.map((name, i) => describe(name, s.inputMetadata[i]));
}

export function outputInfo(s: OrtSession): TensorInfo[] {
  return s.outputNames.map((name, i) => describe(name, s.outputMetadata[i]));
}

function describe(name: string, m: ort.InferenceSession.ValueMetadata | undefined): TensorInfo {
  if (m && m.isTensor) return { name, type: m.type, shape: m.shape };
  return { name, type: 'unknown', shape: [] };
}

export { ort };
