/**
 * Named face regions a photo already carries (MWG from Lightroom and digiKam, Microsoft Photo,
 * Picasa 3.9+), as the metadata pass records them in metadata.regions. One parser for the people
 * import (names for detected faces) and the faces pass (faces for regions the detector missed).
 */

export interface NamedRegion {
  name: string;
  /** Centre and size, normalised, stored orientation (MWG semantics). */
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Parses metadata.regions: `[{ name, type, x, y, w, h }]` as agreed with the metadata pass; the
 * raw ExifTool struct (`{ Name, Type, Area: { X, Y, W, H } }`) is accepted too. Only named face
 * regions (or regions without a type) are kept.
 */
export function parseRegions(json: string | null | undefined): NamedRegion[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const out: NamedRegion[] = [];
  for (const r of raw as Record<string, unknown>[]) {
    if (!r || typeof r !== 'object') continue;
    const area = (r.Area ?? r.area ?? r) as Record<string, unknown>;
    const name = r.name ?? r.Name;
    const type = r.type ?? r.Type;
    const num = (k: string) => Number(area[k] ?? area[k.toUpperCase()]);
    const reg = { x: num('x'), y: num('y'), w: num('w'), h: num('h') };
    if (typeof name !== 'string' || name.trim() === '') continue;
    if (type !== undefined && type !== null && String(type).toLowerCase() !== 'face') continue;
    if (![reg.x, reg.y, reg.w, reg.h].every(Number.isFinite) || reg.w <= 0 || reg.h <= 0) continue;
    out.push({ name: name.trim(), ...reg });
  }
  return out;
}
