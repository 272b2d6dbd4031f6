import type { NumRange } from './exposure-words.js';

/**
 * Star ratings and colour labels as photographers set them in Lightroom, Bridge, Capture One or
 * darktable (xmp:Rating 1–5, -1 rejected; xmp:Label "Red"…) and type them in a search box: "5 stars",
 * "4+ stars", "5-star", "★★★★", "rated 4", `rating:4+`, "rejected"; "red label", `label:red`.
 */

export interface RatingReading {
  range: NumRange;
  /** "rated 5 stars", "rated 4+ stars". */
  label: string;
}

/** The colour labels of Lightroom, Bridge, Capture One and darktable, and digiKam's others. */
const COLOURS = ['red', 'yellow', 'green', 'blue', 'purple', 'orange', 'magenta', 'gray', 'black', 'white'] as const;

function ratingOf(value: string): NumRange | null {
  const m = /^([1-5])(\+)?$/.exec(value);
  if (!m) return null;
  const n = Number(m[1]);
  return { min: n, max: m[2] ? 5 : n };
}

export function ratingLabel(r: NumRange): string {
  if (r.max < 0) return 'rejected';
  return r.max === r.min ? `rated ${r.min} star${r.min === 1 ? '' : 's'}` : `rated ${r.min}+ stars`;
}

/** Bridge's and darktable's reject (xmp:Rating -1); Lightroom keeps its flags in its catalog. */
const REJECTED: NumRange = { min: -1, max: -1 };

const reading = (r: NumRange | null): RatingReading | null => (r ? { range: r, label: ratingLabel(r) } : null);

/** A prefixed value: `rating:4`, `rating:4+`, `stars:5`, `rating:★★★`. */
export function parseRatingValue(value: string): RatingReading | null {
  const v = value.trim();
  const stars = /^(★{1,5})(\+)?$/u.exec(v);
  return reading(stars ? ratingOf(`${[...stars[1]!].length}${stars[2] ?? ''}`) : ratingOf(v));
}

/**
 * Reads a rating from the start of `words` (any case): "5 stars", "4+ stars", "5 star", "5-star",
 * "★★★★", "★★★★+", "rated 4", "rated 4+", "rating 3", "rejected". Returns it and how many words it used.
 */
export function parseRatingWords(words: readonly string[]): { reading: RatingReading; used: number } | null {
  const [w0 = '', w1 = ''] = words.map((w) => w.toLowerCase());
  if (w0 === 'rejected' || w0 === 'rejects') return { reading: { range: REJECTED, label: ratingLabel(REJECTED) }, used: 1 };
  if (/^★/u.test(w0)) {
    const r = parseRatingValue(w0);
    return r ? { reading: r, used: 1 } : null;
  }
  const glued = /^([1-5]\+?)-stars?$/.exec(w0);
  if (glued) {
    const r = reading(ratingOf(glued[1]!));
    return r ? { reading: r, used: 1 } : null;
  }
  if (/^stars?$/.test(w1) || ((w0 === 'rated' || w0 === 'rating') && w1)) {
    const r = reading(ratingOf(/^stars?$/.test(w1) ? w0 : w1));
    return r ? { reading: r, used: 2 } : null;
  }
  return null;
}

/** A colour label as stored ("Red"), from "red" or "Red". */
export function colourLabelOf(value: string): string | null {
  const v = value.trim().toLowerCase().replace(/^grey$/, 'gray');
  return (COLOURS as readonly string[]).includes(v) ? v[0]!.toUpperCase() + v.slice(1) : null;
}

/** "red label", "label red" at the start of `words`: the label as stored, and the words used. */
export function parseColourLabelWords(words: readonly string[]): { label: string; used: number } | null {
  const [w0 = '', w1 = ''] = words.map((w) => w.toLowerCase());
  const label = w1 === 'label' || w1 === 'labels' ? colourLabelOf(w0) : w0 === 'label' ? colourLabelOf(w1) : null;
  return label ? { label, used: 2 } : null;
}
