/**
 * Matching names already in a photo's XMP (MWG regions) to detected faces. Both boxes are in the
 * STORED image's orientation, normalised 0..1: MWG areas by their centre, faces by top-left.
 */
import { boxIou } from '../geometry/box.js';

export interface NamedRegion {
  name: string;
  /** Centre and size, normalised, stored orientation (MWG semantics). */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface StoredFaceBox {
  id: number;
  /** Top-left and size, normalised, stored orientation. */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface RegionMatch {
  faceId: number;
  name: string;
  iou: number;
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

/** PersonInImage names from metadata.people (strings, or objects with a name). */
export function parsePeople(json: string | null | undefined): string[] {
  try {
    const raw: unknown = JSON.parse(json ?? '[]');
    if (!Array.isArray(raw)) return [];
    return [
      ...new Set(
        raw
          .map((p) => (typeof p === 'string' ? p : typeof p === 'object' && p && 'name' in p ? String((p as { name: unknown }).name) : ''))
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ];
  } catch {
    return [];
  }
}

/** Box overlap: the one implementation, in geometry/box.ts (kept under this name for callers). */
export const iou = boxIou;

/**
 * One face per region and one region per face, best overlap first. Editors draw regions a little
 * larger or smaller than a detector's box, so a match needs IoU >= minIou, or each box's centre
 * inside the other (a tight box inside a loose one).
 */
export function matchRegions(regions: readonly NamedRegion[], faces: readonly StoredFaceBox[], minIou = 0.3): RegionMatch[] {
  const cands: { r: number; f: number; score: number; iou: number }[] = [];
  regions.forEach((reg, r) => {
    const rb = { x: reg.x - reg.w / 2, y: reg.y - reg.h / 2, w: reg.w, h: reg.h };
    faces.forEach((face, f) => {
      const o = iou(rb, face);
      const fc = { x: face.x + face.w / 2, y: face.y + face.h / 2 };
      const centresInside =
        fc.x >= rb.x && fc.x <= rb.x + rb.w && fc.y >= rb.y && fc.y <= rb.y + rb.h &&
        reg.x >= face.x && reg.x <= face.x + face.w && reg.y >= face.y && reg.y <= face.y + face.h;
      if (o >= minIou || (o > 0.1 && centresInside)) cands.push({ r, f, score: o, iou: o });
    });
  });
  cands.sort((a, b) => b.score - a.score);
  const usedR = new Set<number>();
  const usedF = new Set<number>();
  const out: RegionMatch[] = [];
  for (const c of cands) {
    if (usedR.has(c.r) || usedF.has(c.f)) continue;
    usedR.add(c.r);
    usedF.add(c.f);
    out.push({ faceId: faces[c.f]!.id, name: regions[c.r]!.name, iou: c.iou });
  }
  return out;
}
