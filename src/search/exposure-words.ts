/**
 * Exposure settings as photographers type them in a search box, the columns of Lightroom's library
 * filter and PhotoPrism's `iso:`, `mm:` and `f:` filters: "iso 3200", "ISO3200", "iso 800-3200",
 * "iso 3200+"; a focal length "85mm", "24-70mm"; an aperture "f/1.8", "f2.8", "f/1.4-2". The query
 * parser decides when "85mm" or "f/2.8" names a lens instead (some lens's name holds it).
 */

export type ExposureKind = 'iso' | 'focal' | 'aperture';

/** Inclusive bounds; Infinity for "iso 3200+". */
export interface NumRange {
  min: number;
  max: number;
}

export interface ExposureReading {
  kind: ExposureKind;
  range: NumRange;
  /** "ISO 3200", "ISO 800–3200", "85 mm", "f/1.8": chips and `why`. */
  label: string;
}

const NUM = String.raw`\d{1,7}(?:\.\d{1,2})?`;
const RANGE = new RegExp(`^(${NUM})(?:-(${NUM})|(\\+))?$`);

/** "3200", "800-3200", "3200+" → bounds (ascending), or null. */
function numRange(s: string): NumRange | null {
  const m = RANGE.exec(s);
  if (!m) return null;
  const a = Number(m[1]);
  if (m[3]) return { min: a, max: Infinity };
  const b = m[2] === undefined ? a : Number(m[2]);
  return { min: Math.min(a, b), max: Math.max(a, b) };
}

const fmt = (n: number) => String(Math.round(n * 100) / 100);
/** "ISO 3200", "ISO 800–3200", "ISO 3200+", "85 mm", "24–70 mm", "f/1.8". */
export function exposureLabel(kind: ExposureKind, r: NumRange): string {
  const span = r.max === Infinity ? `${fmt(r.min)}+` : r.min === r.max ? fmt(r.min) : `${fmt(r.min)}–${fmt(r.max)}`;
  if (kind === 'iso') return `ISO ${span}`;
  if (kind === 'focal') return `${span} mm`;
  return `f/${span}`;
}

/** Values a camera records: "f/0" is no aperture, "0mm" no focal length, "f/2+" no reading. */
function plausible(kind: ExposureKind, r: NumRange): boolean {
  const lo = { iso: 3, focal: 1, aperture: 0.7 }[kind];
  const hi = { iso: 6_600_000, focal: 5000, aperture: 128 }[kind];
  return r.min >= lo && (r.max === Infinity ? kind === 'iso' : r.max <= hi);
}

function reading(kind: ExposureKind, value: string): ExposureReading | null {
  const r = numRange(value);
  return r && plausible(kind, r) ? { kind, range: r, label: exposureLabel(kind, r) } : null;
}

/** A prefixed value: `iso:3200`, `iso:800-3200`, `mm:85`, `mm:24-70`, `f:2.8`, `f:1.4-2`. */
export function parseExposureValue(kind: ExposureKind, value: string): ExposureReading | null {
  const v = value.trim().toLowerCase();
  if (kind === 'iso') return reading('iso', v.replace(/^iso/, ''));
  if (kind === 'focal') return reading('focal', v.replace(/mm$/, ''));
  return reading('aperture', v.replace(/^f\/?/, ''));
}

/**
 * Reads an exposure setting from the start of `words` (any case): "iso 3200" (two words), "iso3200",
 * "85mm", "85 mm", "24-70mm", "f/2.8", "f2.8". Returns what it reads and how many words it used.
 */
export function parseExposureWords(words: readonly string[]): { reading: ExposureReading; used: number } | null {
  const w0 = words[0]?.toLowerCase();
  if (!w0) return null;
  if (w0 === 'iso' && words[1]) {
    const r = reading('iso', words[1]);
    return r ? { reading: r, used: 2 } : null;
  }
  const glued = /^iso(\d.*)$/.exec(w0);
  if (glued) {
    const r = reading('iso', glued[1]!);
    return r ? { reading: r, used: 1 } : null;
  }
  if (/^\d/.test(w0) && words[1]?.toLowerCase() === 'mm') {
    const r = reading('focal', w0);
    return r ? { reading: r, used: 2 } : null;
  }
  const mm = /^(.+?)mm$/.exec(w0);
  if (mm) {
    const r = reading('focal', mm[1]!);
    return r ? { reading: r, used: 1 } : null;
  }
  const f = /^f\/?(\d.*)$/.exec(w0);
  if (f) {
    const r = reading('aperture', f[1]!);
    return r ? { reading: r, used: 1 } : null;
  }
  return null;
}

/**
 * The stored values a range takes in, as SQL bounds: focal lengths are written to a tenth or
 * rounded by the camera (84.5–85.5 is "85mm"), apertures in thirds of a stop written to one decimal
 * (f/2.8 may be stored as 2.8 or 2.83); ISO is exact.
 */
export function storedBounds(kind: ExposureKind, r: NumRange): [number, number] {
  const slack = kind === 'focal' ? 0.5 : kind === 'aperture' ? 0.05 : 0;
  return [r.min - slack, r.max === Infinity ? Number.MAX_SAFE_INTEGER : r.max + slack];
}

export const EXPOSURE_COLUMN: Record<ExposureKind, string> = { iso: 'iso', focal: 'focal_length', aperture: 'f_number' };
