import { ARCFACE_TEMPLATE_112 } from './align.js';
import { boxIou, storedToUpright, type Box } from '../../geometry/box.js';

/** `faces.detector` of a face taken from the file's own region rather than found by the detector. */
export const REGION_DETECTOR = 'xmp-region';

export interface RegionFace {
  name: string;
  /** Upright, top-left + size, normalised. */
  box: Box;
  /** Five points (ArcFace order) placed in the box as the template places them in a crop: normalised, upright. */
  landmarks: number[];
}

interface Region {
  name: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Named face regions from metadata.regions (MWG/MS/Picasa as the metadata pass records them: centre + size, stored orientation). */
function namedFaceRegions(json: string | null | undefined): Region[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const out: Region[] = [];
  for (const r of raw as Record<string, unknown>[]) {
    if (!r || typeof r !== 'object' || typeof r.name !== 'string' || !r.name.trim()) continue;
    if (r.type !== undefined && r.type !== null && String(r.type).toLowerCase() !== 'face') continue;
    const [x, y, w, h] = [r.x, r.y, r.w, r.h].map(Number) as [number, number, number, number];
    if (![x, y, w, h].every(Number.isFinite) || w <= 0 || h <= 0) continue;
    out.push({ name: r.name.trim(), x, y, w, h });
  }
  return out;
}

/**
 * The file's own named face regions (Lightroom, digiKam, Picasa, Windows Photo) that no detected
 * face covers: each becomes a face of its own, embedded from the region's crop, so a profile or a
 * face the detector misses still belongs to the person the user named. `detectedUpright` are the
 * detector's boxes (upright, normalised).
 */
export function undetectedRegionFaces(regionsJson: string | null | undefined, detectedUpright: readonly Box[], orientation: number | null): RegionFace[] {
  const out: RegionFace[] = [];
  for (const r of namedFaceRegions(regionsJson)) {
    const box = storedToUpright({ x: r.x - r.w / 2, y: r.y - r.h / 2, w: r.w, h: r.h }, orientation);
    if (detectedUpright.some((d) => boxIou(d, box) >= 0.3)) continue;
    const landmarks: number[] = [];
    for (let i = 0; i < ARCFACE_TEMPLATE_112.length; i += 2) {
      landmarks.push(box.x + (ARCFACE_TEMPLATE_112[i]! / 112) * box.w, box.y + (ARCFACE_TEMPLATE_112[i + 1]! / 112) * box.h);
    }
    out.push({ name: r.name, box, landmarks });
  }
  return out;
}
