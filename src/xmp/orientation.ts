import { storedToUpright as storedToUprightTuple, uprightToStored as uprightToStoredTuple } from '../ml/faces/orientation.js';

/**
 * Face boxes are found on the UPRIGHT preview, but MWG 2.0 regions apply to the STORED image
 * ("when applying Exif Orientation, the rotation must be applied to the regions as well"). The maths
 * lives with the faces pass (src/ml/faces/orientation.ts); this is its object-shaped face for XMP.
 */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const toObj = ([x, y, w, h]: readonly [number, number, number, number]): Box => ({ x, y, w, h });

export function uprightToStored(box: Box, orientation: number | null | undefined): Box {
  return toObj(uprightToStoredTuple([box.x, box.y, box.w, box.h], orientation));
}

export function storedToUpright(box: Box, orientation: number | null | undefined): Box {
  return toObj(storedToUprightTuple([box.x, box.y, box.w, box.h], orientation));
}

/** MWG areas are centre + size; the faces table stores top-left + size. */
export function toCentre(b: Box): Box {
  return { x: b.x + b.w / 2, y: b.y + b.h / 2, w: b.w, h: b.h };
}

export function fromCentre(b: Box): Box {
  return { x: b.x - b.w / 2, y: b.y - b.h / 2, w: b.w, h: b.h };
}
