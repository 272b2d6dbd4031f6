import { cameraLabel } from '../exiftool/camera-label.js';
import { cameraTokens, cameraVocabulary, isGenericCameraWord, matchCameras, type CameraScore, type KnownCamera } from './camera-match.js';
import { parseDateWords, type DateRange } from './date-words.js';
import { parseExposureValue, parseExposureWords, type ExposureKind, type ExposureReading, type NumRange } from './exposure-words.js';
import { looksLikeFileName } from './file-name.js';
import { lensesNamed } from './lens-name.js';
import { countryCodeFor, countryCodeInOtherLanguage } from './place-aliases.js';
import { colourLabelOf, parseColourLabelWords, parseRatingValue, parseRatingWords } from './rating-words.js';

/**
 * A search query read for its structure before anything is ranked: camera, lens, dates, exposure
 * (ISO, focal length, aperture), star rating and colour label, places, named people, keywords and
 * file names, and the free words left over ("Canon 6D 2013 beach" → camera Canon EOS 6D, 2013,
 * text "beach"). Words are recognised
 * against what the library holds (a Lexicon), so "Arezzo" is a place only when some photo was taken
 * there, and "6D" a camera only when some photo was shot with one. PhotoPrism-style prefixes force a
 * reading: `camera:`, `lens:`, `year:`/`date:`, `person:`, `place:`, `tag:`/`keyword:`,
 * `file:`/`name:`, `iso:`, `mm:`/`focal:`, `f:`/`aperture:`, `rating:`/`stars:`, `label:`.
 */

/** What the library holds, for recognising words (a database or a fixed list in tests). */
export interface Lexicon {
  /** Every distinct (make, model) in the library. */
  cameras(): readonly KnownCamera[];
  /** Every distinct lens name. */
  lenses(): readonly string[];
  /** The place's name as stored when a photo was taken there (city, region, country or code). */
  place(phrase: string): string | null;
  /** A named person's full name for their full name, or for a first/last name only one person has. */
  person(phrase: string): string | null;
  /** A tag label or keyword as stored. */
  keyword(phrase: string): string | null;
  /**
   * A town of the library by another of its names ("München", "Firenze", "tubingen"), as stored
   * ("Munich", "Florence", "Tübingen"); absent or null: none.
   */
  townByOtherName?(phrase: string): string | null;
}

interface PartBase {
  /** The words of the query this part came from (removing them removes the part). */
  source: string;
  /** What the part means, for chips and `why` ("camera Canon EOS 6D", "2013"). */
  label: string;
  /** Forced with a prefix (`place:Arezzo`): always a filter, never a word to rank. */
  prefixed?: boolean;
}

export type QueryPart =
  | (PartBase & { kind: 'camera'; cameras: CameraScore[] })
  | (PartBase & { kind: 'lens'; value: string; lenses: readonly string[] })
  | (PartBase & { kind: 'date'; range: DateRange })
  | (PartBase & { kind: 'iso'; range: NumRange })
  | (PartBase & { kind: 'focal'; range: NumRange })
  | (PartBase & { kind: 'aperture'; range: NumRange })
  | (PartBase & { kind: 'rating'; range: NumRange })
  | (PartBase & { kind: 'label'; value: string })
  | (PartBase & { kind: 'place'; value: string })
  | (PartBase & { kind: 'person'; value: string })
  | (PartBase & { kind: 'keyword'; value: string })
  | (PartBase & { kind: 'file'; value: string })
  | (PartBase & { kind: 'text'; value: string });

export type QueryPartKind = QueryPart['kind'];

export interface ParsedQuery {
  parts: QueryPart[];
  /** The free words and keywords, for CLIP ranking (places and people are filters there). */
  text: string;
  /**
   * The words for text matching: free words, keywords, and the place and people names found in
   * plain words (text matching also finds them as keywords: "Tuscany" in "Tuscany trip").
   */
  words: string;
}

export interface ParseOptions {
  /** For "last summer", "this year" (default: now). */
  now?: number;
}

const PREFIXES: Record<string, QueryPartKind | 'date'> = {
  camera: 'camera', cam: 'camera', lens: 'lens', year: 'date', date: 'date', person: 'person', who: 'person',
  place: 'place', where: 'place', tag: 'keyword', keyword: 'keyword', file: 'file', name: 'file', filename: 'file',
  iso: 'iso', mm: 'focal', focal: 'focal', f: 'aperture', aperture: 'aperture', rating: 'rating', stars: 'rating', label: 'label', color: 'label', colour: 'label',
};

const exposurePart = (source: string, r: ExposureReading): QueryPart => ({ kind: r.kind, source, label: r.label, range: r.range });
const EXPOSURE_KINDS: ReadonlySet<QueryPartKind> = new Set<ExposureKind>(['iso', 'focal', 'aperture']);

/** Longest multi-word phrase tried for places, people and keywords. */
const MAX_PHRASE = 4;

interface Word {
  text: string;
  lower: string;
}

/** Splits into prefixed terms, quoted phrases and words (a quoted phrase stays one word). */
function split(q: string): ({ prefix: string; value: string; source: string } | Word)[] {
  const out: ({ prefix: string; value: string; source: string } | Word)[] = [];
  const re = /([A-Za-z]+):"([^"]*)"|([A-Za-z]+):(\S+)|"([^"]*)"|(\S+)/g;
  for (let m = re.exec(q); m; m = re.exec(q)) {
    const prefix = (m[1] ?? m[3])?.toLowerCase();
    if (prefix && PREFIXES[prefix]) out.push({ prefix, value: (m[2] ?? m[4])!.trim(), source: m[0] });
    else {
      // A bare word loses the punctuation that only separates it ("Arezzo, Italy"; "dogs!").
      const text = (m[5] ?? m[2] ?? m[4] ?? m[6]?.replace(/[,;!?]+$/, '') ?? m[0]).trim();
      if (text) out.push({ text, lower: text.toLowerCase() });
    }
  }
  return out;
}

const LENS_WORD = /^(?:\d{1,3}(?:\.\d)?(?:-\d{1,3}(?:\.\d)?)?mm|\d{1,3}-\d{1,3}|f\/?\d{1,2}(?:\.\d)?l?)$/i;
const MAKE_WORDS = new Set(['canon', 'nikon', 'sony', 'fujifilm', 'fuji', 'olympus', 'panasonic', 'pentax', 'leica', 'apple', 'samsung', 'google', 'ricoh', 'hasselblad', 'sigma', 'kodak', 'huawei', 'xiaomi', 'motorola', 'gopro', 'dji', 'iphone']);

function cameraPart(source: string, tokens: string[], cameras: readonly KnownCamera[]): QueryPart {
  const scored = matchCameras(tokens, cameras);
  const best = scored.filter((c) => c.tier === scored[0]?.tier);
  const label = best.length === 1 ? cameraLabel(best[0]!) : source;
  return { kind: 'camera', source, label: `camera ${label}`, cameras: scored };
}

/** Reads a query's structure (see the top of the file). Pure: everything known comes from `lex`. */
export function parseQuery(query: string, lex: Lexicon, opts: ParseOptions = {}): ParsedQuery {
  const now = opts.now ?? Date.now();
  const parts: QueryPart[] = [];
  const free: string[] = [];
  const items = split(query.normalize('NFC'));
  let cameras: readonly KnownCamera[] | null = null;
  const allCameras = () => (cameras ??= lex.cameras());
  let cameraWords: Set<string> | null = null;
  const cameraVocab = () => (cameraWords ??= cameraVocabulary(allCameras()));

  // Prefixed terms first: they say what they are.
  const words: Word[] = [];
  const flushWords = () => {
    parseWords(words.splice(0), lex, now, allCameras, cameraVocab, parts, free);
  };
  for (const it of items) {
    if (!('prefix' in it)) {
      words.push(it);
      continue;
    }
    flushWords();
    const kind = PREFIXES[it.prefix]!;
    const v = it.value;
    if (!v) continue;
    const before = parts.length;
    if (kind === 'camera') parts.push(cameraPart(it.source, cameraTokens(v), allCameras()));
    else if (kind === 'date') {
      const r = parseDateWords(v.split(/\s+/), now);
      if (r && r.used === v.split(/\s+/).length) parts.push({ kind: 'date', source: it.source, label: r.range.label, range: r.range });
      else free.push(v);
    } else if (kind === 'lens') parts.push({ kind: 'lens', source: it.source, label: `lens ${v}`, value: v, lenses: lensesNamed(v, lex.lenses()) });
    else if (kind === 'person') parts.push({ kind: 'person', source: it.source, label: `person ${lex.person(v) ?? v}`, value: lex.person(v) ?? v });
    else if (kind === 'place') {
      const place = placeOf(lex, v) ?? v;
      parts.push({ kind: 'place', source: it.source, label: `place ${place}`, value: place });
    }
    else if (kind === 'keyword') parts.push({ kind: 'keyword', source: it.source, label: `keyword ${lex.keyword(v) ?? v}`, value: lex.keyword(v) ?? v });
    else if (kind === 'file') parts.push({ kind: 'file', source: it.source, label: `file ${v}`, value: v });
    else if (kind === 'rating') {
      const r = parseRatingValue(v);
      if (r) parts.push({ kind: 'rating', source: it.source, label: r.label, range: r.range });
      else free.push(v);
    } else if (kind === 'label') {
      // A colour label as Lightroom names it ("Red"), or any label text another tool wrote.
      const label = colourLabelOf(v) ?? v;
      parts.push({ kind: 'label', source: it.source, label: `${label} label`, value: label });
    } else if (EXPOSURE_KINDS.has(kind)) {
      const r = parseExposureValue(kind as ExposureKind, v);
      if (r) parts.push(exposurePart(it.source, r));
      else free.push(v);
    }
    for (let k = before; k < parts.length; k++) parts[k]!.prefixed = true;
  }
  flushWords();
  const textParts = free.filter(Boolean);
  if (textParts.length) parts.push({ kind: 'text', source: textParts.join(' '), label: `“${textParts.join(' ')}”`, value: textParts.join(' ') });
  // A place by its stored name: "usa" is matched as "United States".
  const soft = (kinds: QueryPartKind[]) => parts.filter((p) => kinds.includes(p.kind) && !p.prefixed).map((p) => (p.kind === 'place' ? p.value : p.source));
  return { parts, text: [...soft(['keyword']), ...textParts].join(' '), words: [...soft(['person', 'place', 'keyword']), ...textParts].join(' ') };
}

function parseWords(
  words: Word[],
  lex: Lexicon,
  now: number,
  allCameras: () => readonly KnownCamera[],
  cameraVocab: () => Set<string>,
  parts: QueryPart[],
  free: string[],
): void {
  const phraseOf = (i: number, n: number) => words.slice(i, i + n).map((w) => w.text).join(' ');
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    // Dates: "2013", "June 2019", "last summer", "2019-2021", "2019-06-02".
    const d = parseDateWords(words.slice(i).map((x) => x.lower), now);
    if (d) {
      parts.push({ kind: 'date', source: phraseOf(i, d.used), label: d.range.label, range: d.range });
      i += d.used;
      continue;
    }
    // A lens ("70-200mm", "85mm", "f/4") that some photo was taken with: "85mm" is the 85mm lens
    // when the library has one by that name, the photos taken at 85 mm otherwise.
    if (LENS_WORD.test(w.text) && !/^(19|20)\d\d-(19|20)\d\d$/.test(w.text)) {
      const lenses = lensesNamed(w.text, lex.lenses());
      if (lenses.length) {
        parts.push({ kind: 'lens', source: w.text, label: `lens ${w.text}`, value: w.text, lenses });
        i++;
        continue;
      }
    }
    // A star rating or a colour label: "5 stars", "4+ stars", "★★★★", "red label".
    const two = words.slice(i, i + 2).map((x) => x.text);
    const rated = parseRatingWords(two);
    if (rated) {
      parts.push({ kind: 'rating', source: phraseOf(i, rated.used), label: rated.reading.label, range: rated.reading.range });
      i += rated.used;
      continue;
    }
    const labelled = parseColourLabelWords(two);
    if (labelled) {
      parts.push({ kind: 'label', source: phraseOf(i, labelled.used), label: `${labelled.label} label`, value: labelled.label });
      i += labelled.used;
      continue;
    }
    // ISO, focal length, aperture: "iso 3200", "iso 800-3200", "85mm", "f/1.8". A keyword of that
    // name wins ("35mm" on film scans).
    const ex = parseExposureWords(two);
    if (ex && !(ex.used === 1 && lex.keyword(w.text))) {
      parts.push(exposurePart(phraseOf(i, ex.used), ex.reading));
      i += ex.used;
      continue;
    }
    // A camera: the longest run of words that name cameras in the library, with a maker or a
    // model word among them ("Canon EOS 5D Mark II", "6D", "iPhone 11 Pro").
    {
      const vocab = cameraVocab();
      let j = i;
      while (j < words.length && cameraTokens(words[j]!.text).length > 0 && cameraTokens(words[j]!.text).every((t) => vocab.has(t)) && !/^(19|20)\d\d$/.test(words[j]!.text)) j++;
      // Trailing generic words do not belong to the camera unless they were inside it ("mark ii" keeps both).
      while (j > i && cameraTokens(words[j - 1]!.text).every((t) => isGenericCameraWord(t)) && !MAKE_WORDS.has(words[j - 1]!.lower)) j--;
      if (j > i) {
        const toks = words.slice(i, j).flatMap((x) => cameraTokens(x.text));
        const anchored = toks.some((t) => MAKE_WORDS.has(t) || (/\d/.test(t) && !isGenericCameraWord(t)));
        if (anchored && matchCameras(toks, allCameras()).length) {
          parts.push(cameraPart(phraseOf(i, j - i), toks, allCameras()));
          i = j;
          continue;
        }
      }
    }
    // A file name (DSC06241.ARW, IMG_1234).
    if (looksLikeFileName(w.text)) {
      parts.push({ kind: 'file', source: w.text, label: `file ${w.text}`, value: w.text });
      i++;
      continue;
    }
    // People, places, keywords: the longest phrase the library knows.
    let matched = false;
    for (let n = Math.min(MAX_PHRASE, words.length - i); n >= 1 && !matched; n--) {
      const phrase = phraseOf(i, n);
      if (n === 1 && phrase.length < 3 && !countryCodeFor(phrase)) break;
      const person = lex.person(phrase);
      if (person) {
        parts.push({ kind: 'person', source: phrase, label: `person ${person}`, value: person });
        i += n;
        matched = true;
        break;
      }
      const place = placeOf(lex, phrase);
      if (place) {
        parts.push({ kind: 'place', source: phrase, label: `place ${place}`, value: place });
        i += n;
        matched = true;
        break;
      }
      const kw = lex.keyword(phrase);
      if (kw) {
        parts.push({ kind: 'keyword', source: phrase, label: `keyword ${kw}`, value: kw });
        i += n;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    free.push(w.text);
    i++;
  }
}

/**
 * The place a phrase names as the library stores it: by its own name, a country's other English
 * name ("USA"), a country's name in another language ("Italien") or a town's other name
 * ("München") — the last two unless the library has a tag or keyword of that name.
 */
function placeOf(lex: Lexicon, phrase: string): string | null {
  const own = lex.place(phrase);
  if (own) return own;
  const code = countryCodeFor(phrase);
  if (code) return lex.place(code);
  if (lex.keyword(phrase)) return null;
  const abroad = countryCodeInOtherLanguage(phrase);
  return abroad ? lex.place(abroad) : (lex.townByOtherName?.(phrase) ?? null);
}

/** A Lexicon over fixed lists (tests, and the shape a cached database lexicon fills). */
export function listLexicon(v: { cameras?: KnownCamera[]; lenses?: string[]; places?: string[]; people?: string[]; keywords?: string[] }): Lexicon {
  const find = (list: readonly string[] | undefined, phrase: string) => list?.find((x) => x.toLowerCase() === phrase.toLowerCase()) ?? null;
  return {
    cameras: () => v.cameras ?? [],
    lenses: () => v.lenses ?? [],
    place: (p) => find(v.places, p),
    keyword: (p) => find(v.keywords, p),
    person: (p) => {
      const full = find(v.people, p);
      if (full) return full;
      if (/\s/.test(p)) return null;
      const lp = p.toLowerCase();
      const hits = (v.people ?? []).filter((n) => n.toLowerCase().split(/\s+/).some((part) => part === lp));
      return hits.length === 1 ? hits[0]! : null;
    },
  };
}
