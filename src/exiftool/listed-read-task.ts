import type { Tags } from 'exiftool-vendored';
// Not re-exported by the package root; used so our reads get exactly the tag parsing of et.read().
import { ReadTask } from 'exiftool-vendored/dist/ReadTask.js';

/**
 * Tags whose names exiftool-vendored takes for dates or times (it tries every date-shaped tag name,
 * /date|time|…/i, against some 25 luxon formats before giving up) but whose values never are one.
 * ExposureTime ("1/125") alone was a third of the parse cost of a photo. They are kept out of the
 * library's per-tag parse and put back exactly as ExifTool printed them, which is what the library
 * returns for them after its formats fail. Only tags nothing infers a time zone from belong here:
 * the library reads its zone sources (OffsetTime*, TimeZone, GPS stamps) from the same object.
 */
export const NEVER_DATES: readonly string[] = Object.freeze(['ExposureTime']);

/** A number or a fraction of numbers: what ExifTool prints for an exposure time. */
const PLAIN_NUMBER = /^\d+(\.\d+)?(\/\d+(\.\d+)?)?$/;

/**
 * exiftool-vendored's ReadTask for one file, parsing the output the library's way except for
 * NEVER_DATES. `parseEntry` takes one file's object from a `-json` array (a batch's member).
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
    if (!entry || typeof entry !== 'object') return super.parse(JSON.stringify([entry]), err);
    const rest = { ...(entry as Record<string, unknown>) };
    const held: [string, string][] = [];
    for (const k of NEVER_DATES) {
      const v = rest[k];
      // Only what cannot be a date ("1/125", "0.3"); numbers are never parsed as dates anyway.
      if (typeof v !== 'string' || !PLAIN_NUMBER.test(v)) continue;
      held.push([k, v]);
      delete rest[k];
    }
    const tags = super.parse(JSON.stringify([rest]), err) as Record<string, unknown>;
    for (const [k, v] of held) tags[k] = v;
    return tags as Tags;
  }
}
