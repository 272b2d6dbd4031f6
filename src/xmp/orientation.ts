/**
 * Face boxes are found on the UPRIGHT preview, but MWG 2.0 regions apply to the STORED image
 * ("when applying Exif Orientation, the rotation must be applied to the regions as well"). These
 * map normalised boxes (top-left + size, 0..1) between the two for EXIF orientations 1..8.
 */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

type Pt = readonly [number, number];

/** Stored point -> displayed (upright) point, per EXIF orientation. */
function storedToUprightPt(o: number, [x, y]: Pt): Pt {
  switch (o) {
    case 2: return [1 - x, y];
    case 3: return [1 - x, 1 - y];
    case 4: return [x, 1 - y];
    case 5: return [y, x];
    case 6: return [1 - y, x];
    case 7: return [1 - y, 1 - x];
    case 8: return [y, 1 - x];
    default: return [x, y];
  }
}

/** Displayed (upright) point -> stored point: the inverse of storedToUprightPt. */
function uprightToStoredPt(o: number, [x, y]: Pt): Pt {
  switch (o) {
    case 2: return [1 - x, y];
    case 3: return [1 - x, 1 - y];
    case 4: return [x, 1 - y];
    case 5: return [y, x];
    case 6: return [y, 1 - x];
    case 7: return [1 - y, 1 - x];
    case 8: return [1 - y, x];
    default: return [x, y];
  }
}

function mapBox(b: Box, f: (p: Pt) => Pt): Box {
  const [ax, ay] = f([b.x, b.y]);
  const [bx, by] = f([b.x + b.w, b.y + b.h]);
  const x = Math.min(ax, bx);
  const y = Math.min(ay, by);
  return { x, y, w: Math.abs(bx - ax), h: Math.abs(by - ay) };
}

export function uprightToStored(box: Box, orientation: number | null | undefined): Box {
  const o = orientation ?? 1;
  return mapBox(box, (p) => uprightToStoredPt(o, p));
}

export function storedToUpright(box: Box, orientation: number | null | undefined): Box {
  const o = orientation ?? 1;
  return mapBox(box, (p) => storedToUprightPt(o, p));
}

/** MWG areas are centre + size; the faces table stores top-left + size. */
export function toCentre(b: Box): Box {
  return { x: b.x + b.w / 2, y: b.y + b.h / 2, w: b.w, h: b.h };
}

export function fromCentre(b: Box): Box {
  return { x: b.x - b.w / 2, y: b.y - b.h / 2, w: b.w, h: b.h };
}
