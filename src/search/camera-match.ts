/**
 * Camera names as words. "Canon EOS 5D Mark II" must find the 5D Mark II and never rank a Mark III
 * before it; "EOS 5D" must not find a 6D because both say "EOS". So each camera (make + model, as
 * the library holds them) is a set of tokens, and a query's camera phrase is scored against it:
 * every *distinctive* query token (not a maker or series word like "canon", "eos", "mark") must
 * be there; the share of query tokens found and the camera's own distinctive tokens the query did
 * not name ("iii") decide the order.
 */

export interface KnownCamera {
  make: string | null;
  model: string | null;
}

export interface CameraScore extends KnownCamera {
  /** 1 = the query names exactly this camera; lower = a partial match. */
  score: number;
  /** Every distinctive token of the camera was named (an exact camera phrase). */
  exact: boolean;
  /** 2 exact, 1 every distinctive query token found, 0 only some (ranked after all others). */
  tier: 0 | 1 | 2;
  /**
   * The query named only maker or series words ("canon", "nikon z"): every camera carrying them
   * answers it whole, so all score alike and the photos keep their date order.
   */
  byMaker: boolean;
}

/** Maker and series words: present in many models, so they never decide a match on their own. */
const GENERIC = new Set([
  'canon', 'eos', 'nikon', 'corporation', 'corp', 'sony', 'fujifilm', 'fuji', 'olympus', 'imaging', 'panasonic', 'lumix', 'dmc',
  'pentax', 'ricoh', 'leica', 'camera', 'ag', 'gmbh', 'company', 'eastman', 'kodak', 'digital', 'mark', 'powershot', 'ixus',
  'coolpix', 'finepix', 'apple', 'samsung', 'google', 'huawei', 'xiaomi', 'motorola', 'hasselblad', 'sigma', 'om', 'system',
  'co', 'ltd', 'inc', 'zoom', 'dc', 'is', 'gopro', 'dji',
]);

/** Lower-case word tokens of a camera name or query ("ILCE-7M3" → ilce, 7m3; "D800E" → d800e). */
export function cameraTokens(s: string): string[] {
  return s.toLowerCase().normalize('NFKD').match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function isGenericCameraWord(t: string): boolean {
  return GENERIC.has(t);
}

/** Distinct tokens of a camera: make and model together ("Canon" + "Canon EOS 6D" → canon, eos, 6d). */
export function tokensOfCamera(c: KnownCamera): Set<string> {
  return new Set([...cameraTokens(c.make ?? ''), ...cameraTokens(c.model ?? '')]);
}

/**
 * Scores every known camera against a camera phrase's tokens, best first: those that carry every
 * distinctive query token (or, when the phrase has none, e.g. "canon", every query token), the
 * exact ones first, then those carrying only some distinctive tokens ("Mark III" for "5D Mark II").
 * Cameras sharing only generic words ("EOS") are not returned. Roman numerals are distinctive:
 * "ii" never matches "iii".
 */
export function matchCameras(queryTokens: readonly string[], cameras: readonly KnownCamera[]): CameraScore[] {
  const q = [...new Set(queryTokens.map((t) => t.toLowerCase()))];
  if (q.length === 0) return [];
  const distinctive = q.filter((t) => !GENERIC.has(t));
  const required = distinctive.length ? distinctive : q;
  const out: CameraScore[] = [];
  for (const c of cameras) {
    const toks = tokensOfCamera(c);
    const all = required.every((t) => toks.has(t));
    if (!all && !(distinctive.length > 1 && distinctive.some((t) => toks.has(t)))) continue;
    const found = q.filter((t) => toks.has(t)).length;
    const byMaker = distinctive.length === 0;
    // A maker's name asks for all its cameras: the model's own tokens are not "left out" then.
    const unnamed = byMaker ? 0 : [...toks].filter((t) => !GENERIC.has(t) && !q.includes(t)).length;
    const exact = !byMaker && all && unnamed === 0;
    // Named share first; each distinctive token the query left out costs a little ("Mark II" for "5D").
    const share = Math.max(0.05, found / q.length - 0.15 * unnamed);
    const score = all ? share : Math.min(0.45, share / 2);
    out.push({ make: c.make, model: c.model, score: Math.round(score * 1000) / 1000, exact, tier: exact ? 2 : all ? 1 : 0, byMaker });
  }
  out.sort((a, b) => b.tier - a.tier || b.score - a.score || `${a.make} ${a.model}`.localeCompare(`${b.make} ${b.model}`));
  return out;
}
