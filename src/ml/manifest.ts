import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DaemonError } from '../errors/index.js';

export const MODEL_ROLES = ['faceDetector', 'faceEmbedder', 'clip', 'classifier', 'ocr'] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

const Evidence = z.enum(['confirmed', 'corroborated', 'unconfirmed']);

const ModelFile = z.object({
  /** Relative to the models folder. */
  path: z.string().min(1),
  urls: z.array(z.string().url()),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  bytes: z.number().int().positive().nullable(),
  evidence: z.object({ sha256: Evidence, bytes: Evidence, note: z.string() }),
  /**
   * Shipped inside an installed npm package: `specifier` is an importable entry of it (to find the
   * package root), `path` relative to that root. Used when the models folder lacks the file.
   */
  npm: z.object({ specifier: z.string().min(1), path: z.string().min(1) }).optional(),
});

const TensorSpec = z.object({
  name: z.string(),
  type: z.string(),
  shape: z.array(z.union([z.number().int(), z.string()])).optional(),
});

const Signature = z.object({
  /** Only 'confirmed' names are enforced at load time; otherwise tensors are used by position. */
  names: Evidence,
  inputs: z.array(TensorSpec),
  outputs: z.array(TensorSpec),
  text: z.object({ inputs: z.array(TensorSpec), outputs: z.array(TensorSpec), note: z.string().optional() }).optional(),
  /** Further networks of a multi-network model (OCR: rec, cls), by file basename. */
  parts: z.record(z.string(), z.object({ inputs: z.array(TensorSpec), outputs: z.array(TensorSpec) })).optional(),
});

const Preprocess = z.object({
  channels: z.enum(['RGB', 'BGR']),
  layout: z.literal('NCHW'),
  /** Pixel values are multiplied by scale, then (v - mean) / std per channel (in `channels` order). */
  scale: z.number(),
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number(), z.number(), z.number()]),
  resize: z.string(),
  inputSize: z.number().int().positive().optional(),
  multipleOf: z.number().int().positive().optional(),
  note: z.string().optional(),
});

const Embedding = z.object({
  dim: z.number().int().positive(),
  /** Cosine at or above which two faces are taken as the same person (suggesting a name). */
  match: z.number().optional(),
  /** Stricter cosine for automatic grouping. */
  cluster: z.number().optional(),
  calibrated: z.boolean().optional(),
  note: z.string().optional(),
});

export const ModelEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  role: z.enum(MODEL_ROLES),
  name: z.string(),
  family: z.string(),
  fetch: z.enum(['default', 'optional', 'manual']),
  /** Never chosen automatically (licence or random weights): only when config names it. */
  optIn: z.boolean().default(false),
  testOnly: z.boolean().default(false),
  licence: z.object({ name: z.string(), commercial: z.boolean(), note: z.string() }),
  how: z.string().optional(),
  files: z.array(ModelFile).min(1),
  signature: Signature,
  preprocess: Preprocess,
  decode: z.record(z.string(), z.unknown()).optional(),
  embedding: Embedding.optional(),
});

export const ManifestSchema = z.object({
  schema: z.literal(1),
  about: z.string(),
  preference: z.object({
    faceDetector: z.array(z.string()),
    faceEmbedder: z.array(z.string()),
    clip: z.array(z.string()),
    classifier: z.array(z.string()),
    ocr: z.array(z.string()).default([]),
  }),
  models: z.array(ModelEntrySchema),
});

export type ModelEntry = z.infer<typeof ModelEntrySchema>;
export type ModelFileSpec = z.infer<typeof ModelFile>;
export type TensorSpecT = z.infer<typeof TensorSpec>;
export type PreprocessSpec = z.infer<typeof Preprocess>;
export type Manifest = z.infer<typeof ManifestSchema>;

/** The manifest shipped with the code (found relative to this module: src/ or dist/). */
export function defaultManifestPath(): string {
  return path.resolve(import.meta.dirname, '..', '..', 'models', 'manifest.json');
}

/** Parses and cross-checks a manifest: unique ids, preference lists naming known ids of the right role. */
export function parseManifest(raw: unknown, source = 'models/manifest.json'): Manifest {
  const res = ManifestSchema.safeParse(raw);
  if (!res.success) throw new DaemonError('MODEL_INVALID', `${source}: ${res.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const m = res.data;
  const byId = new Map<string, ModelEntry>();
  for (const e of m.models) {
    if (byId.has(e.id)) throw new DaemonError('MODEL_INVALID', `${source}: duplicate model id ${e.id}`);
    byId.set(e.id, e);
  }
  for (const role of MODEL_ROLES) {
    for (const id of m.preference[role]) {
      const e = byId.get(id);
      if (!e || e.role !== role) throw new DaemonError('MODEL_INVALID', `${source}: preference.${role} names ${id}, which is not a ${role} model`);
    }
  }
  return m;
}

export function loadManifest(file = defaultManifestPath()): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DaemonError('MODEL_INVALID', `${file}: ${(e as Error).message}`, { cause: e });
  }
  return parseManifest(raw, file);
}
