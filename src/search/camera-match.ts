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

/** Lower-case word tokens of a camera name or query ("ILCE-7M3" → ilce, 7m3; "D800E" → d800e; "α7" → a7). */
export function cameraTokens(s: string): string[] {
  return s.toLowerCase().normalize('NFKD').replace(/α/g, 'a').match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function isGenericCameraWord(t: string): boolean {
  return GENERIC.has(t);
}

const ROMAN = ['', 'i', 'ii', 'iii', 'iv', 'v', 'vi'];

/**
 * The ways a camera is written, as token lists: its make and model as EXIF has them, with a glued
 * "Mark II" apart (Olympus' "E-M1MarkII"), and the names people call it by where EXIF has a
 * catalogue number: Sony's ILCE-7M3 is the "a7 III" (also "a7m3"), its ILCE-7RM4 the "a7R IV",
 * its DSC-RX100M3 the "RX100 III"; Nikon's "Z 6_2" the "Z6 II".
 */
export function spellingsOfCamera(c: KnownCamera): string[][] {
  const make = cameraTokens(c.make ?? '');
  const model = (c.model ?? '').trim();
  const exif = cameraTokens(model).flatMap((t) => {
    const m = /^(.*\d)mark(i{1,3}|iv|v|vi)$/.exec(t);
    return m ? [m[1]!, 'mark', m[2]!] : [t];
  });
  const out = [[...make, ...exif]];
  const named = (name: string, mark: number) => {
    const roman = ROMAN[mark] ?? String(mark);
    if (mark) out.push([...make, name, roman], [...make, name, 'mark', roman], [...make, name, `m${mark}`]);
    else out.push([...make, name]);
  };
  let m = /^ILCE-(\d{1,4})([A-Z]{0,2})(?:M(\d))?$/i.exec(model);
  if (m) named(`a${m[1]}${m[2]!.toLowerCase()}`, Number(m[3] ?? 0));
  m = /^DSC-(RX\d+)([A-Z]{0,2})(?:M(\d))?$/i.exec(model);
  if (m) named(`${m[1]!.toLowerCase()}${m[2]!.toLowerCase()}`, Number(m[3] ?? 0));
  m = /^(?:NIKON )?Z (\d+[a-z]?)(?:_(\d))?$/i.exec(model);
  if (m) named(`z${m[1]!.toLowerCase()}`, Number(m[2] ?? 0));
  return out;
}

/** Each run of one to three adjacent tokens, glued ("Z 6" is also "z6", "X-T3" "xt3"), with the positions it covers. */
function gluedForms(tokens: readonly string[]): Map<string, number[]> {
  const forms = new Map<string, number[]>();
  for (let n = 1; n <= 3; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = tokens.slice(i, i + n).join('');
      if (!forms.has(key)) forms.set(key, Array.from({ length: n }, (_, k) => i + k));
    }
  }
  return forms;
}

/** Every token a query may use for one of these cameras (for recognising camera words). */
export function cameraVocabulary(cameras: readonly KnownCamera[]): Set<string> {
  const vocab = new Set<string>();
  for (const c of cameras) for (const s of spellingsOfCamera(c)) for (const k of gluedForms(s).keys()) vocab.add(k);
  return vocab;
}

/**
 * Scores every known camera against a camera phrase's tokens, best first: those that carry every
 * distinctive query token (or, when the phrase has none, e.g. "canon", every query token), the
 * exact ones first, then those carrying only some distinctive tokens ("Mark III" for "5D Mark II").
 * Cameras sharing only generic words ("EOS") are not returned. Roman numerals are distinctive:
 * "ii" never matches "iii". A query token may be the camera's words glued ("z6", "a7iii") and the
 * camera may go by a name of its own (spellingsOfCamera): each camera scores by its best spelling.
 */
export function matchCameras(queryTokens: readonly string[], cameras: readonly KnownCamera[]): CameraScore[] {
  const q = [...new Set(queryTokens.map((t) => t.toLowerCase()))];
  if (q.length === 0) return [];
  const distinctive = q.filter((t) => !GENERIC.has(t));
  const required = distinctive.length ? distinctive : q;
  const byMaker = distinctive.length === 0;
  const out: CameraScore[] = [];
  for (const c of cameras) {
    let best: CameraScore | null = null;
    for (const spelling of spellingsOfCamera(c)) {
      const s = scoreSpelling(q, required, distinctive, byMaker, spelling);
      if (s && (!best || s.tier > best.tier || (s.tier === best.tier && s.score > best.score))) best = { make: c.make, model: c.model, ...s };
    }
    if (best) out.push(best);
  }
  out.sort((a, b) => b.tier - a.tier || b.score - a.score || `${a.make} ${a.model}`.localeCompare(`${b.make} ${b.model}`));
  return out;
}

function scoreSpelling(q: readonly string[], required: readonly string[], distinctive: readonly string[], byMaker: boolean, spelling: readonly string[]): Omit<CameraScore, 'make' | 'model'> | null {
  const forms = gluedForms(spelling);
  const covered = new Set<number>();
  for (const t of q) for (const i of forms.get(t) ?? []) covered.add(i);
  const has = (t: string) => forms.has(t);
  const all = required.every(has);
  if (!all && !(distinctive.length > 1 && distinctive.some(has))) return null;
  const found = q.filter(has).length;
  // A maker's name asks for all its cameras: the model's own tokens are not "left out" then.
  const unnamed = byMaker ? 0 : new Set(spelling.filter((t, i) => !GENERIC.has(t) && !covered.has(i))).size;
  const exact = !byMaker && all && unnamed === 0;
  // Named share first; each distinctive token the query left out costs a little ("Mark II" for "5D").
  const share = Math.max(0.05, found / q.length - 0.15 * unnamed);
  const score = all ? share : Math.min(0.45, share / 2);
  return { score: Math.round(score * 1000) / 1000, exact, tier: exact ? 2 : all ? 1 : 0, byMaker };
}
