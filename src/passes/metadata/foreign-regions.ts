import type { ReadRegion } from '../metadata.pass.js';

/**
 * Face regions in the Microsoft Photo schema (`MP:RegionInfo`, ExifTool's `RegionInfoMP`, written by
 * Windows Photo Gallery / Live Photo Gallery): `Rectangle` is "x, y, w, h", top-left and size,
 * normalised. Returned as MWG regions are read (centre and size, stored orientation) so they
 * become faces the same way. Picasa 3.9+ writes MWG regions into the file itself, which the MWG
 * reader already takes; its older `.picasa.ini` files are not read. Same frame as MWG (ExifTool's
 * own convert_regions.config maps one to the other the same way).
 */
export function readMicrosoftRegions(tags: Record<string, unknown>): ReadRegion[] {
  const info = tags.RegionInfoMP as { Regions?: { PersonDisplayName?: unknown; Rectangle?: unknown }[] } | undefined;
  const out: ReadRegion[] = [];
  for (const r of info?.Regions ?? []) {
    const rect = typeof r.Rectangle === 'string' ? r.Rectangle.split(',').map((v) => Number(v.trim())) : [];
    if (rect.length !== 4 || rect.some((v) => !Number.isFinite(v))) continue;
    const [x, y, w, h] = rect as [number, number, number, number];
    if (w <= 0 || h <= 0 || x < 0 || y < 0 || x + w > 1.0001 || y + h > 1.0001) continue;
    const name = r.PersonDisplayName === undefined || r.PersonDisplayName === null ? null : String(r.PersonDisplayName).trim() || null;
    out.push({ name, type: 'Face', x: x + w / 2, y: y + h / 2, w, h });
  }
  return out;
}
