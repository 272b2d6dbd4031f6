import type { Tags } from 'exiftool-vendored';
// Not re-exported by the package root; used so our reads get exactly the tag parsing of et.read().
import { ReadTask } from 'exiftool-vendored/dist/ReadTask.js';
import { parseTagsLazily } from './lazy-tags.js';

/**
 * Tags whose names exiftool-vendored takes for dates or times (it tries every date-shaped tag name,
 * /date|time|…/i, against some 25 luxon formats before giving up) but whose values never are one.
 * ExposureTime ("1/125") is read for every photo: it is kept exactly as ExifTool printed it, which is
 * what the library returns for it after its formats fail, instead of being parsed on first read like
 * the other date-shaped tags (lazy-tags.ts). Only tags nothing infers a time zone from belong here.
 */
export const NEVER_DATES: readonly string[] = Object.freeze(['ExposureTime']);

/** A number or a fraction of numbers: what ExifTool prints for an exposure time. */
const PLAIN_NUMBER = /^\d+(\.\d+)?(\/\d+(\.\d+)?)?$/;
const asPrinted = (key: string, v: unknown) => typeof v === 'string' && NEVER_DATES.includes(key) && PLAIN_NUMBER.test(v);

/**
 * exiftool-vendored's ReadTask for one file, giving the library's tags with dates parsed on first
 * read (see lazy-tags.ts) and NEVER_DATES as printed. `parseEntry` takes one file's object from a
 * `-json` array (a batch's member).
 */
export class ListedReadTask extends ReadTask {
  override parse(data: string, err?: Error): Tags {
    let entry: unknown;
    try {
      entry = (JSON.parse(data) as unknown[])[0];
    } catch {
      return super.parse(data, err); // the library reports bad JSON its own way
    }
    return this.parseEntry(entry, err);
  }

  parseEntry(entry: unknown, err?: Error): Tags {
    const src = (entry as { SourceFile?: unknown } | null)?.SourceFile;
    // Anything but a plain object of this file (a library-detected mismatch, ExifToolVersion as a
    // number…) takes the library's own path and its own errors.
    if (!entry || typeof entry !== 'object' || Array.isArray(entry) || (src !== undefined && src !== this.sourceFile)) {
      return super.parse(JSON.stringify([entry]), err);
    }
    return parseTagsLazily(entry as Record<string, unknown>, this.sourceFile, this, asPrinted);
  }

  /** The library's own parse of the same object, everything up front (tests compare the two). */
  parseEntryEagerly(entry: unknown, err?: Error): Tags {
    return super.parse(JSON.stringify([entry]), err);
  }
}
