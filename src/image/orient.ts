import type { Sharp } from 'sharp';

/**
 * Applies an EXIF orientation (1..8) explicitly. sharp mirrors before it rotates, so:
 * 5 (transpose) = flip + 90°, 7 (transverse) = flop + 90°.
 */
export function applyOrientation(img: Sharp, orientation: number | null | undefined): Sharp {
  switch (orientation) {
    case 2:
      return img.flop();
    case 3:
      return img.rotate(180);
    case 4:
      return img.flip();
    case 5:
      return img.flip().rotate(90);
    case 6:
      return img.rotate(90);
    case 7:
      return img.flop().rotate(90);
    case 8:
      return img.rotate(270);
    default:
      return img;
  }
}

