import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { DaemonError } from '../errors/index.js';
import { alignFace } from '../ml/faces/align.js';
import { faceCropPath, writeFaceCrop } from '../ml/faces/crops.js';
import { FaceEmbedder } from '../ml/faces/embedder.js';
import { replaceFaces, type NewFace } from '../ml/faces/face.repository.js';
import { uprightToStored, type Box } from '../geometry/box.js';
import { REGION_DETECTOR, undetectedRegionFaces } from '../ml/faces/region-faces.js';
import { YunetDetector } from '../ml/faces/yunet.js';
import type { DecodedPreviews } from '../ml/decoded-previews.js';
import { decodeRgb } from '../ml/image.js';
import type { ModelRegistry, ResolvedModel } from '../ml/registry.js';
import type { ModelSessions } from '../ml/session.js';
import type { ReadableDb } from '../store/db.js';
import type { FileRow } from '../store/repositories/file.repository.js';
import type { Pass, PassContext, PassOutcome } from './pass.js';

export interface FacesPassDeps {
  registry: ModelRegistry;
  sessions: ModelSessions;
  /** Folder the previews' relative paths are under; face crops go to <cacheDir>/faces/. */
  cacheDir: string;
  config: Config;
  /** Decoded previews shared with the other preview-keyed passes (one decode per photo). */
  decoded?: DecodedPreviews;
}

interface PreviewRow {
  preview_hash: string;
  path: string;
  width: number;
  height: number;
  orientation: number | null;
}

/** Detector families the pass can decode. */
const SUPPORTED_DETECTORS = new Set(['yunet']);

/** metadata.regions (JSON), as the metadata pass read them from the file and its sidecar. */
function regionsOf(db: ReadableDb, fileId: number): string | null {
  return (db.prepare('SELECT regions FROM metadata WHERE file_id = ?').get(fileId) as { regions: string } | undefined)?.regions ?? null;
}

function previewOf(db: ReadableDb, fileId: number): PreviewRow | undefined {
  return db.prepare('SELECT preview_hash, path, width, height, orientation FROM previews WHERE file_id = ?').get(fileId) as PreviewRow | undefined;
}

/**
 * Finds faces in the cached upright preview: detect (YuNet) -> drop tiny faces -> align to the
 * ArcFace template -> embed -> small crop JPEGs; commit replaces the file's faces and vectors.
 */
export function createFacesPass(deps: FacesPassDeps): Pass {
  const { registry, sessions, cacheDir, config } = deps;
  let detector: YunetDetector | null = null;
  let embedder: FaceEmbedder | null = null;

  const models = (): { det: ResolvedModel; emb: ResolvedModel } | null => {
    const det = registry.resolve('faceDetector');
    const emb = registry.resolve('faceEmbedder');
    if (!det || !emb || !SUPPORTED_DETECTORS.has(det.entry.family) || !emb.entry.embedding) return null;
    return { det, emb };
  };

  return {
    name: 'faces',
    version: 1,
    resource: 'cpu',
    after: ['preview'],
    description: 'Finds faces in the upright preview (boxes, landmarks, embeddings, crops) → faces, face_vectors',

    inputKey(db: ReadableDb, file: FileRow): string | null {
      if (!config.passes.faces) return null;
      const p = previewOf(db, file.id);
      if (!p) return null;
      const m = models();
      if (!m) return null;
      // The detection threshold is part of the input: a recalibrated one re-runs detection.
      const threshold = config.faces.minScore ?? (m.det.entry.decode?.scoreThreshold as number | undefined) ?? 0.9;
      // The file's own named regions too: a region named in Lightroom becomes a face even where the detector finds none.
      const regions = regionsOf(db, file.id);
      const r = regions && regions !== '[]' ? `:r${createHash('sha256').update(regions).digest('hex').slice(0, 12)}` : '';
      return `${p.preview_hash}:${m.det.id}:${m.emb.id}:${threshold}${r}`;
    },

    async run(ctx: PassContext): Promise<PassOutcome> {
      const m = models();
      if (!m) {
        const r = registry.report('faceDetector').chosen ? registry.report('faceEmbedder') : registry.report('faceDetector');
        throw new DaemonError(r.state === 'invalid' ? 'MODEL_INVALID' : 'MODEL_MISSING', `${r.role}: ${r.problem ?? 'unsupported model'}; ${r.howToGet ?? ''}`);
      }
      const p = previewOf(ctx.db, ctx.file.id);
      if (!p) throw new DaemonError('JOB_STALE', 'the file has no preview any more');
      if (!ctx.inputKey.startsWith(`${p.preview_hash}:`)) throw new DaemonError('JOB_STALE', 'the preview changed since the job was queued');
      if (detector?.model.id !== m.det.id) detector = new YunetDetector(sessions, m.det);
      if (embedder?.model.id !== m.emb.id) embedder = new FaceEmbedder(sessions, m.emb);

      const img = deps.decoded ? await deps.decoded.get(p.preview_hash, p.path) : await decodeRgb(path.join(cacheDir, p.path));
      const found = await detector.detect(img, { scoreThreshold: config.faces.minScore });
      const minSide = config.faces.minFaceSize;
      const detected = found.filter((d) => Math.min(d.box[2], d.box[3]) >= minSide).map((d) => ({ ...d, detector: m.det.id }));
      const fromRegions = undetectedRegionFaces(
        regionsOf(ctx.db, ctx.file.id),
        detected.map((d) => ({ x: d.box[0] / img.width, y: d.box[1] / img.height, w: d.box[2] / img.width, h: d.box[3] / img.height })),
        p.orientation,
      ).map((r) => ({
        box: [r.box.x * img.width, r.box.y * img.height, r.box.w * img.width, r.box.h * img.height] as [number, number, number, number],
        landmarks: r.landmarks.map((v, i) => (i % 2 === 0 ? v * img.width : v * img.height)),
        score: 0,
        detector: REGION_DETECTOR,
      }));
      const kept = [...detected, ...fromRegions];
      if (ctx.signal.aborted) throw new DaemonError('PASS_TIMEOUT', 'stopped: shutting down');
      // All faces at once: the ML worker embeds face k while this thread aligns face k+1 and
      // libvips writes the crops, instead of each step waiting for the previous one.
      const work = kept.map((d, idx) => {
        const embedding = embedder!.embed(alignFace(img, d.landmarks));
        const cropPath = writeFaceCrop(img, d.box, cacheDir, faceCropPath(p.preview_hash, idx));
        return Promise.all([embedding, cropPath]);
      });
      const done = await Promise.all(work.map((w) => w.catch((e: unknown) => e as Error)));
      const failed = done.find((r): r is Error => r instanceof Error);
      if (failed) throw failed;
      const faces: NewFace[] = [];
      for (const [idx, d] of kept.entries()) {
        const [embedding, cropPath] = done[idx] as [Float32Array, string];
        const box = clampBox({ x: d.box[0] / img.width, y: d.box[1] / img.height, w: d.box[2] / img.width, h: d.box[3] / img.height });
        faces.push({
          idx,
          box,
          storedBox: uprightToStored(box, p.orientation),
          landmarks: d.landmarks.map((v, i) => (i % 2 === 0 ? v / img.width : v / img.height)),
          score: d.score,
          detector: d.detector,
          embedder: m.emb.id,
          embedding,
          cropPath,
        });
      }
      const warnings: string[] = [];
      if (found.length > detected.length) warnings.push(`${found.length - detected.length} face(s) smaller than ${minSide}px skipped`);
      return {
        output: { faces: faces.length, fromRegions: fromRegions.length, detector: m.det.id, embedder: m.emb.id, skippedSmall: found.length - detected.length },
        ...(warnings.length ? { warnings } : {}),
        commit: (db) => {
          const stale = replaceFaces(db, ctx.file.id, p.preview_hash, faces);
          for (const rel of stale) rmSync(path.join(cacheDir, rel), { force: true });
        },
      };
    },
  };
}

/** Clips a normalised box to the image (a face cut by the frame edge starts at 0). */
function clampBox(b: Box): Box {
  const x0 = Math.max(0, b.x), y0 = Math.max(0, b.y);
  const x1 = Math.min(1, b.x + b.w), y1 = Math.min(1, b.y + b.h);
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) };
}
