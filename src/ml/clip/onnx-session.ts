import * as ort from 'onnxruntime-node';
import type { OrtSessionLike } from '../ort-host.js';

/** A session on the ML worker thread; every one is opened through ModelSessions (src/ml/session.ts). */
export type OrtSession = OrtSessionLike;

export interface TensorInfo {
  name: string;
  type: string;
  shape: readonly (number | string)[];
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
