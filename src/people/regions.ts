/**
 * Matching names already in a photo's XMP (MWG regions) to detected faces. Both boxes are in the
 * STORED image's orientation, normalised 0..1: MWG areas by their centre, faces by top-left.
 */
import { boxIou } from '../geometry/box.js';
import type { NamedRegion } from '../ml/faces/named-regions.js';

export { parseRegions, type NamedRegion } from '../ml/faces/named-regions.js';

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
