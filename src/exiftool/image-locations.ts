/**
 * Where a file's embedded JPEGs lie, as ExifTool reports them in the metadata read: the preview
 * pass then reads the one it wants straight from the file (src/image/embedded-at.ts) instead of
 * one ExifTool command printing every candidate base64-coded.
 */
import type { EmbeddedLocation, ImageLocations, LocatedTag } from '../store/repositories/embedded-locations.repository.js';

/** Embedded JPEG tags and the ExifTool tags giving their offset and length (numbers with -n). */
export const LOCATED_TAGS: readonly { tag: LocatedTag; start: string; length: string }[] = [
  { tag: 'JpgFromRaw', start: 'JpgFromRawStart', length: 'JpgFromRawLength' },
  { tag: 'PreviewImage', start: 'PreviewImageStart', length: 'PreviewImageLength' },
  { tag: 'OtherImage', start: 'OtherImageStart', length: 'OtherImageLength' },
  { tag: 'ThumbnailImage', start: 'ThumbnailOffset', length: 'ThumbnailLength' },
];

/**
 * TIFF previews have no offsets (ExifTool rebuilds them from strips); their size in bytes is read
 * (`(Binary data N bytes…)`, no extraction) only to know whether one could win the choice.
 */
const TIFF_TAGS = ['PreviewTIFF', 'ThumbnailTIFF'] as const;

/** The tag names the metadata read asks for on top of its own (see metadata-tags.ts). */
export const LOCATION_TAG_NAMES: readonly string[] = Object.freeze([...LOCATED_TAGS.flatMap((l) => [l.start, l.length]), ...TIFF_TAGS]);

const offset = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);

/** exiftool-vendored gives a binary value it did not extract as a BinaryField ({ bytes }) or its raw text. */
function binaryBytes(v: unknown): number | null {
  if (v && typeof v === 'object' && typeof (v as { bytes?: unknown }).bytes === 'number') return (v as { bytes: number }).bytes;
  if (typeof v === 'string') {
    const m = /^\(Binary data (\d+) bytes/.exec(v);
    if (m) return Number(m[1]);
  }
  return null;
}

/** The located images of a metadata read (tags as exiftool-vendored parses them); null when none. */
export function imageLocationsOf(tags: Record<string, unknown>): ImageLocations | null {
  const located: EmbeddedLocation[] = [];
  for (const l of LOCATED_TAGS) {
    const start = offset(tags[l.start]);
    const length = offset(tags[l.length]);
    if (start !== null && length !== null && length > 0) located.push({ tag: l.tag, start, length });
  }
  if (located.length === 0) return null;
  let tiffBytes: number | null = null;
  for (const t of TIFF_TAGS) {
    const b = binaryBytes(tags[t]);
    if (b !== null) tiffBytes = Math.max(tiffBytes ?? 0, b);
  }
  return { located, tiffBytes };
}
