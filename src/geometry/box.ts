/**
 * The one box type and its orientation maths, shared by the faces pass (boxes found on the
 * UPRIGHT preview), the store and XMP (MWG 2.0 regions apply to the STORED image: "when applying
 * Exif Orientation, the rotation must be applied to the regions as well"). Normalised 0..1,
 * top-left corner + size. Pixel-space detections inside ml/ stay plain tuples until they become one.
 */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

type PointMap = (x: number, y: number) => [number, number];

/**
 * Where a normalised point of the STORED image lands in the UPRIGHT (displayed) image, per EXIF
 * orientation 1..8. Orientation 6 = "rotate 90 CW to display": stored (x, y) -> upright (1 - y, x).
 */
const STORED_TO_UPRIGHT: Record<number, PointMap> = {
  1: (x, y) => [x, y],
  2: (x, y) => [1 - x, y],
  3: (x, y) => [1 - x, 1 - y],
  4: (x, y) => [x, 1 - y],
  5: (x, y) => [y, x],
  6: (x, y) => [1 - y, x],
  7: (x, y) => [1 - y, 1 - x],
  8: (x, y) => [y, 1 - x],
};

/** The inverse maps: 6 and 8 undo each other; every other orientation is its own inverse. */
const UPRIGHT_TO_STORED: Record<number, PointMap> = {
  ...STORED_TO_UPRIGHT,
  6: STORED_TO_UPRIGHT[8]!,
  8: STORED_TO_UPRIGHT[6]!,
};

function normaliseOrientation(o: number | null | undefined): number {
  return o && Number.isInteger(o) && o >= 1 && o <= 8 ? o : 1;
}

function mapBox(box: Box, f: PointMap): Box {
  const [ax, ay] = f(box.x, box.y);
  const [bx, by] = f(box.x + box.w, box.y + box.h);
  return { x: Math.min(ax, bx), y: Math.min(ay, by), w: Math.abs(bx - ax), h: Math.abs(by - ay) };
}

/** Upright-preview box -> the same region in stored-image coordinates (what MWG regions hold). */
export function uprightToStored(box: Box, orientation: number | null | undefined): Box {
  return mapBox(box, UPRIGHT_TO_STORED[normaliseOrientation(orientation)]!);
}

/** Stored-image box (e.g. an MWG region read from a file) -> upright-preview box. */
export function storedToUpright(box: Box, orientation: number | null | undefined): Box {
  return mapBox(box, STORED_TO_UPRIGHT[normaliseOrientation(orientation)]!);
}

/** Orientations 5..8 swap width and height between the stored and the upright image. */
export function swapsAxes(orientation: number | null | undefined): boolean {
  return normaliseOrientation(orientation) >= 5;
}

/** MWG areas are centre + size; the faces table stores top-left + size. */
export function toCentre(b: Box): Box {
  return { x: b.x + b.w / 2, y: b.y + b.h / 2, w: b.w, h: b.h };
}

export function fromCentre(b: Box): Box {
  return { x: b.x - b.w / 2, y: b.y - b.h / 2, w: b.w, h: b.h };
}

/** Intersection over union of two boxes in the same space. */
export function boxIou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}
