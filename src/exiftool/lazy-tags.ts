import { BinaryField, ExifDate, ExifDateTime, ExifTime, type Tags } from 'exiftool-vendored';
// Not re-exported by the package root: the pieces ReadTask's own parse is made of, used so the tags
// below equal what the library's parse gives (pinned by tests/medium/exiftool/lazy-tags.test.ts).
import { toBoolean } from 'exiftool-vendored/dist/Boolean.js';
import { errorsAndWarnings } from 'exiftool-vendored/dist/ErrorsAndWarnings.js';
import { parseGPSLocation } from 'exiftool-vendored/dist/GPS.js';
import { OnlyZerosRE } from 'exiftool-vendored/dist/OnlyZerosRE.js';
import type { ReadTask } from 'exiftool-vendored/dist/ReadTask.js';
import {
  extractTzOffsetFromDatestamps,
  extractTzOffsetFromTags,
  extractTzOffsetFromTimeStamp,
  extractTzOffsetFromUTCOffset,
  normalizeZone,
  type TzSrc,
} from 'exiftool-vendored/dist/Timezones.js';

/** The library's guess that a tag may hold a date or time (ReadTask's MaybeDateOrTimeRe). */
const MAYBE_DATE = /when|date|time|subsec|creat|modif/i;
/** Tags the library never parses although their names look like dates. */
const PASSTHROUGH = new Set(['ExifToolVersion', 'DateStampMode', 'Sharpness', 'Firmware', 'DateDisplayFormat']);
const NULLISH = new Set(['undef', 'null', 'undefined']);
const nullish = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && NULLISH.has(v.trim()));
const isUtcTagName = (name: string) => name.includes('UTC') || name.startsWith('GPS');

/** What the parse needs from its task: options, and the errors/warnings lists it reports into. */
type Task = Pick<ReadTask, 'options' | 'errors' | 'warnings'>;

/**
 * One file's tags as exiftool-vendored's ReadTask parses them (same GPS, time zone, dates, binary
 * fields, nullish values, errors and warnings), except that a tag which may be a date is parsed when
 * it is first read, not up front. The library tries every date-shaped tag (a dozen a photo: GPS
 * stamps, offsets, IPTC and QuickTime dates…) against some 25 luxon formats: that was most of
 * node's CPU per file in a metadata read, and the metadata pass reads one date (the first valid
 * capture time). A read property parses exactly as the library would have; JSON.stringify and
 * object spread read every property, so they see the library's values.
 *
 * `raw`: one file's object from ExifTool's `-json` output (no `-G`, no UTF-8 unwrapping: the reader
 * passes `-api Filter=0`, see reader.ts). `asPrinted`: values kept exactly as ExifTool printed them
 * (what the library returns for them after its date formats fail; see NEVER_DATES).
 */
export function parseTagsLazily(raw: Record<string, unknown>, sourceFile: string, task: Task, asPrinted: (key: string, value: unknown) => boolean = () => false): Tags {
  const opts = task.options;
  const tags: Record<string, unknown> = { SourceFile: sourceFile, errors: task.errors };

  const gps = parseGPSLocation(raw, opts);
  if (gps?.warnings?.length) task.warnings.push(...gps.warnings);
  const gpsInvalid = gps?.invalid === true;
  const gpsResult = (gpsInvalid ? {} : (gps?.result ?? {})) as Record<string, unknown>;
  if (!gpsInvalid) for (const [k, v] of Object.entries(gps?.result ?? {})) tags[k] = v;

  const isVideo = String(raw.MIMEType).startsWith('video/');
  const defaultToUTC = isVideo && opts.defaultVideosToUTC === true;
  // ReadTask#extractTzOffset, step by step (run once, when a date or the zone is first read).
  let tzSrc: TzSrc | undefined;
  let tzDone = false;
  const zone = (): TzSrc | undefined => {
    if (tzDone) return tzSrc;
    tzDone = true;
    const fromGps = (): TzSrc | undefined => {
      const lat = gps?.result?.GPSLatitude;
      const lon = gps?.result?.GPSLongitude;
      if (gps == null || gpsInvalid || lat == null || lon == null) return undefined;
      const geoloc = normalizeZone(raw.GeolocationTimeZone);
      if (geoloc != null) return { zone: geoloc.name, tz: geoloc.name, src: 'GeolocationTimeZone' };
      try {
        const z = normalizeZone(opts.geoTz(lat, lon));
        if (z != null) return { zone: z.name, tz: z.name, src: 'GPSLatitude/GPSLongitude' };
      } catch (error) {
        task.warnings.push('Failed to determine timezone from GPS coordinates: ' + String(error));
      }
      return undefined;
    };
    const t = raw as Tags;
    tzSrc =
      (opts.preferTimezoneInferenceFromGps === true ? fromGps() : undefined) ??
      extractTzOffsetFromTags(t, opts) ??
      fromGps() ??
      extractTzOffsetFromDatestamps(t, opts) ??
      (defaultToUTC ? { zone: 'UTC', tz: 'UTC', src: 'defaultVideosToUTC' } : undefined) ??
      extractTzOffsetFromUTCOffset(t) ??
      extractTzOffsetFromTimeStamp(t, opts);
    return tzSrc;
  };
  const tz = () => zone()?.tz;

  // The zone fields exist only when a zone was found: known once it is looked for, so on first read.
  for (const [k, pick] of [['zone', (s: TzSrc) => s.zone], ['tz', (s: TzSrc) => s.tz], ['tzSource', (s: TzSrc) => s.src], ['zoneSource', (s: TzSrc) => s.src]] as const) {
    lazy(tags, k, () => {
      const s = zone();
      return s ? pick(s) : undefined;
    });
  }

  const parseDate = (name: string, value: string): unknown => {
    const zoneName = isUtcTagName(name) || defaultToUTC ? 'UTC' : opts.backfillTimezones ? tz() : undefined;
    const time = /subsec|time/i.test(name);
    const date = /date/i.test(name);
    const when = /when/i.test(name);
    const result =
      (time || date || when ? ExifDateTime.from(value, zoneName) : undefined) ??
      (time || when ? ExifTime.fromEXIF(value, zoneName) : undefined) ??
      (date || when ? ExifDate.from(value) : undefined) ??
      value;
    const defaultTz = tz();
    if (opts.backfillTimezones && defaultTz != null && result instanceof ExifDateTime && defaultToUTC && !isUtcTagName(name) && result.inferredZone === true) {
      return result.setZone(defaultTz);
    }
    return result;
  };

  // ReadTask#parseTag; `later` (top-level string that may be a date) says to leave the date parse
  // to the first read and return the raw string for now.
  const parseTag = (name: string, value: unknown, later?: (v: string) => void): unknown => {
    if (nullish(value)) return undefined;
    try {
      if (PASSTHROUGH.has(name)) return value;
      if (name.startsWith('GPS') || name.startsWith('Geolocation')) {
        if (gpsInvalid) return undefined; // no GPS value is trusted
        if (gpsResult[name] != null) return gpsResult[name];
      }
      if (Array.isArray(value)) return value.map((v) => parseTag(name, v));
      if (value !== null && typeof value === 'object') {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = parseTag(`${name}.${k}`, v);
        return out;
      }
      if (typeof value === 'string') {
        const b = BinaryField.fromRawValue(value);
        if (b != null) return b;
        if (/Valid$/.test(name)) {
          const yes = toBoolean(value);
          if (yes != null) return yes;
        }
        if (MAYBE_DATE.test(name) && !OnlyZerosRE.test(value)) {
          if (later) {
            later(value);
            return value;
          }
          return parseDate(name, value);
        }
      }
      return value;
    } catch (e) {
      task.warnings.push(`Failed to parse ${name} with value ${JSON.stringify(value)}: ${String(e)}`);
      return value;
    }
  };

  for (const [key, value] of Object.entries(raw)) {
    if (key in tags) continue; // set above (GPS, SourceFile)
    if (asPrinted(key, value)) {
      tags[key] = value;
      continue;
    }
    let deferred: string | undefined;
    const v = parseTag(key, value, (s) => (deferred = s));
    if (v === null || v === undefined) {
      delete tags[key];
    } else if (deferred !== undefined) {
      const s = deferred;
      lazy(tags, key, () => {
        try {
          return parseDate(key, s);
        } catch (e) {
          task.warnings.push(`Failed to parse ${key} with value ${JSON.stringify(s)}: ${String(e)}`);
          return s;
        }
      });
    } else {
      tags[key] = v;
    }
  }
  const { errors, warnings } = errorsAndWarnings(task as unknown as Parameters<typeof errorsAndWarnings>[0], tags);
  tags.errors = errors;
  tags.warnings = warnings;
  return tags as Tags;
}

/** An enumerable property computed once, on first read (then a plain value). */
function lazy(o: Record<string, unknown>, key: string, compute: () => unknown): void {
  Object.defineProperty(o, key, {
    configurable: true,
    enumerable: true,
    get() {
      const v = compute();
      Object.defineProperty(o, key, { value: v, writable: true, configurable: true, enumerable: true });
      return v;
    },
    set(v: unknown) {
      Object.defineProperty(o, key, { value: v, writable: true, configurable: true, enumerable: true });
    },
  });
}
