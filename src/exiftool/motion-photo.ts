import type { Tags } from 'exiftool-vendored';

/** A still photo that carries a short video (Google/Samsung "motion photos", Google micro video). */
export interface MotionPhoto {
  /** Which convention marks it. */
  format: 'google-motion-photo' | 'google-micro-video' | 'samsung';
  /** Where the video starts, counted back from the end of the file, when the file says. */
  videoOffsetFromEnd: number | null;
}

const yes = (v: unknown) => v === 1 || v === '1' || v === true || v === 'True';

/**
 * Whether the photo embeds a video, from the XMP flags in its first segment (readable with -fast).
 * Only the still is indexed; the video is noted for `show`. Samsung's trailer-only files are seen
 * when ExifTool reports the trailer's EmbeddedVideoType (not with -fast).
 */
export function motionPhotoOf(t: Tags): MotionPhoto | null {
  const r = t as Record<string, unknown>;
  const offset = typeof r.MicroVideoOffset === 'number' ? r.MicroVideoOffset : null;
  if (yes(r.MotionPhoto)) return { format: 'google-motion-photo', videoOffsetFromEnd: offset };
  if (yes(r.MicroVideo)) return { format: 'google-micro-video', videoOffsetFromEnd: offset };
  if (r.EmbeddedVideoType !== undefined || r.EmbeddedVideoFile !== undefined) return { format: 'samsung', videoOffsetFromEnd: null };
  return null;
}
