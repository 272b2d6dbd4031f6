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

function hasPlace(tags: Record<string, unknown>): boolean {
  return PLACE_SOURCE_TAGS.some((t) => {
    const v = tags[t];
    return (typeof v === 'string' && v.trim() !== '') || typeof v === 'number';
  });
}

/**
 * The first file outside `target` that names a place for this photo (the photo itself, then its
 * other sidecar), or null. The target's own place values are judged by the plan, which knows
 * which of them rawlight wrote.
 */
export async function placeHeldOutside(writer: XmpWriter, photoPath: string, target: string): Promise<string | null> {
  const sources = [photoPath, ...existingSidecars(photoPath)].filter((p) => p !== target);
  for (const p of sources) {
    let tags: Record<string, unknown>;
    try {
      tags = await writer.readTags(p, PLACE_SOURCE_TAGS);
    } catch {
      continue; // a file ExifTool cannot read names no place rawlight could see
    }
    if (hasPlace(tags)) return p;
  }
  return null;
}
