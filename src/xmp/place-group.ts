import type { XmpWriter } from '../exiftool/writer.js';
import { existingSidecars } from './sidecar-path.js';

/**
 * Place fields are one group: City, State, Country, CountryCode and Location describe one place.
 * Where the photo already names a place (its own IPTC/XMP, or another sidecar of it), rawlight
 * writes none of them, so a sidecar never says "Palisade" beside a file that says "Thompson Springs".
 */
export const PLACE_SOURCE_TAGS: readonly string[] = [
  'XMP-photoshop:City',
  'XMP-photoshop:State',
  'XMP-photoshop:Country',
  'XMP-iptcCore:CountryCode',
  'XMP-iptcCore:Location',
  'IPTC:City',
  'IPTC:Province-State',
  'IPTC:Country-PrimaryLocationName',
  'IPTC:Country-PrimaryLocationCode',
  'IPTC:Sub-location',
];

/** Place values of a file that rawlight is taking out of it (its previous sidecar): not the user's. */
export interface PlaceLeaving {
  path: string;
  values: ReadonlySet<string>;
}

function hasPlace(tags: Record<string, unknown>, leaving: ReadonlySet<string> | undefined): boolean {
  return PLACE_SOURCE_TAGS.some((t) => {
    const v = tags[t];
    return (typeof v === 'string' && v.trim() !== '' && !leaving?.has(v)) || typeof v === 'number';
  });
}

/**
 * The first file outside `target` that names a place for this photo (the photo itself, then its
 * other sidecar), or null. The target's own place values are judged by the plan, which knows
 * which of them rawlight wrote. `leaving`: the photo's previous sidecar and the place values
 * rawlight takes out of it in the same write (its target moved there from the one it wrote):
 * counted as held there, they would be written nowhere.
 */
export async function placeHeldOutside(writer: XmpWriter, photoPath: string, target: string, leaving: PlaceLeaving | null = null): Promise<string | null> {
  const sources = [photoPath, ...existingSidecars(photoPath)].filter((p) => p !== target);
  for (const p of sources) {
    let tags: Record<string, unknown>;
    try {
      tags = await writer.readTags(p, PLACE_SOURCE_TAGS);
    } catch {
      continue; // a file ExifTool cannot read names no place rawlight could see
    }
    if (hasPlace(tags, p === leaving?.path ? leaving.values : undefined)) return p;
  }
  return null;
}
