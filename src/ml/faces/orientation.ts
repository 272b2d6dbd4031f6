/** A box as [x, y, w, h]: top-left corner and size, normalised 0..1. */
export type Box = readonly [number, number, number, number];

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
  const [x, y, w, h] = box;
  const [ax, ay] = f(x, y);
  const [bx, by] = f(x + w, y + h);
  const x0 = Math.min(ax, bx);
  const y0 = Math.min(ay, by);
  return [x0, y0, Math.abs(bx - ax), Math.abs(by - ay)];
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
