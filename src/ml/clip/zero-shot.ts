import { l2normalize } from './clip-model.js';

export interface ZeroShotOptions {
  /** CLIP's learned temperature: logits = 100 · cosine. */
  logitScale: number;
  /** A label is kept when its softmax share over the whole vocabulary reaches this. */
  minProb: number;
  /** …and its cosine reaches this (guards against a softmax over only weak matches). */
  minCosine: number;
  maxTags: number;
}

/**
 * Defaults from CLIP ViT-B/32 zero-shot practice: with ~400 labels a correct label typically takes
 * 10–90 % of the softmax and a cosine of 0.2–0.33; unrelated labels sit near 0.15. Re-check on a
 * real model's output when one is installed (the tiny test models are random).
 */
export const DefaultZeroShotOptions: ZeroShotOptions = Object.freeze({ logitScale: 100, minProb: 0.06, minCosine: 0.18, maxTags: 5 });

/** Mean of a label's prompt embeddings, re-normalised (CLIP's prompt ensembling). */
export function ensemble(prompts: readonly Float32Array[]): Float32Array {
  const first = prompts[0];
  if (!first) throw new Error('ensemble of no prompts');
  const out = new Float32Array(first.length);
  for (const p of prompts) for (let i = 0; i < out.length; i++) out[i]! += p[i]!;
  return l2normalize(out);
}

/** Scores an image embedding against label embeddings; returns kept labels, best first. */
export function zeroShot(
  image: Float32Array,
  labels: readonly { label: string; embedding: Float32Array }[],
  opts: ZeroShotOptions = DefaultZeroShotOptions,
): { label: string; score: number; cosine: number }[] {
  if (labels.length === 0) return [];
  const cos = labels.map((l) => {
    let s = 0;
    for (let i = 0; i < image.length; i++) s += image[i]! * l.embedding[i]!;
    return s;
  });
  const max = Math.max(...cos);
  const exps = cos.map((c) => Math.exp(opts.logitScale * (c - max)));
  const sum = exps.reduce((a, b) => a + b, 0);
  return labels
    .map((l, i) => ({ label: l.label, score: exps[i]! / sum, cosine: cos[i]! }))
    .filter((t) => t.score >= opts.minProb && t.cosine >= opts.minCosine)
    .sort((a, b) => b.score - a.score)
    .slice(0, opts.maxTags)
    .map((t) => ({ ...t, score: Math.round(t.score * 1000) / 1000 }));
}
