import { ARCFACE_TEMPLATE_112 } from './align.js';
import { boxIou, storedToUpright, type Box } from '../../geometry/box.js';
import { parseRegions } from './named-regions.js';

/** `faces.detector` of a face taken from the file's own region rather than found by the detector. */
export const REGION_DETECTOR = 'xmp-region';

export interface RegionFace {
  name: string;
  /** Upright, top-left + size, normalised. */
  box: Box;
  /** Five points (ArcFace order) placed in the box as the template places them in a crop: normalised, upright. */
  landmarks: number[];
}

/**
 * The file's own named face regions (Lightroom, digiKam, Picasa, Windows Photo) that no detected
 * face covers: each becomes a face of its own, embedded from the region's crop, so a profile or a
 * face the detector misses still belongs to the person the user named. `detectedUpright` are the
 * detector's boxes (upright, normalised).
 */
export function undetectedRegionFaces(regionsJson: string | null | undefined, detectedUpright: readonly Box[], orientation: number | null): RegionFace[] {
  const out: RegionFace[] = [];
  for (const r of parseRegions(regionsJson)) {
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
