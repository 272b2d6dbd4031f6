import { loadManifest, type Manifest } from '../ml/manifest.js';

/**
 * Similarities (cosine of L2-normalised embeddings) that drive grouping. They depend on the
 * embedding model, so they come from the model manifest's `embedding` block when it has one.
 */
export interface GroupingThresholds {
  /** Pairwise similarity for an edge in the clustering graph (manifest `cluster`). */
  link: number;
  /**
   * Mean similarity between two components for them to merge while clustering. Guards against
   * chaining (A~B~C with A and C unalike), the cause of "siblings merged" reports.
   */
  merge: number;
  /** Mean similarity of a new face to a person's faces for automatic attachment. */
  attach: number;
  /** Lowest mean similarity at which a named person is offered as a suggestion (manifest `match`). */
  suggest: number;
}

/**
 * Used when the manifest has no numbers for the embedder. Measured on the fixture people photos
 * (tests/medium/people/quality.test.ts) with faceplugin-fr-feature-512 and YuNet landmarks:
 * same-person pairs 0.584..0.993, different-person pairs -0.218..0.217. The defaults sit in that
 * gap: automatic decisions nearer the same-person side, suggestions nearer the other.
 */
export const DefaultGroupingThresholds: Readonly<GroupingThresholds> = Object.freeze({
  link: 0.42,
  merge: 0.35,
  attach: 0.4,
  suggest: 0.3,
});

/** Thresholds for `embedder` from the manifest (its `embedding.cluster` / `embedding.match`). */
export function thresholdsFor(embedder: string | null | undefined, manifest?: Manifest | null): GroupingThresholds {
  const entry = embedder ? manifest?.models.find((m) => m.id === embedder && m.role === 'faceEmbedder') : undefined;
  const e = entry?.embedding;
  if (!e || (e.cluster === undefined && e.match === undefined)) return { ...DefaultGroupingThresholds };
  const link = e.cluster ?? DefaultGroupingThresholds.link;
  const suggest = Math.min(e.match ?? DefaultGroupingThresholds.suggest, link);
  // Mean similarity to a group runs a little below the pairwise best; keep the same margin as the defaults.
  return { link, merge: Math.max(suggest, link - 0.07), attach: Math.max(suggest, link - 0.02), suggest };
}

/**
 * Thresholds for `embedder`: overrides, else the manifest (read from models/manifest.json when
 * not given), else the calibrated defaults.
 */
export function resolveThresholds(embedder: string | null, manifest?: Manifest | null, overrides: Partial<GroupingThresholds> = {}): GroupingThresholds {
  let m = manifest;
  if (m === undefined) {
    try {
      m = loadManifest();
    } catch {
      m = null; // no readable manifest: the calibrated defaults
    }
  }
  return { ...thresholdsFor(embedder, m), ...overrides };
}
