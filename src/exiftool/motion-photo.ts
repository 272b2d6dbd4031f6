import type { Tags } from 'exiftool-vendored';

/** A still photo that carries a short video (Google/Samsung "motion photos", Google micro video). */
export interface MotionPhoto {
  /** Which convention marks it. */
  format: 'google-motion-photo' | 'google-micro-video' | 'samsung';
  /** Where the video starts, counted back from the end of the file, when the file says. */
  videoOffsetFromEnd: number | null;
  /** The video's media type, when the file says (the motion photo format's container directory). */
  videoMime?: string;
}

const yes = (v: unknown) => v === 1 || v === '1' || v === true || v === 'True';

interface ContainerItem {
  Mime?: unknown;
  Semantic?: unknown;
  Length?: unknown;
}

/**
 * The video item of the motion photo format's container directory (Google's format 1.0, also
 * written by Samsung since One UI 4). The items after the primary image are appended to it in the
 * directory's order, each `Length` bytes (its padding included), so the video starts the sum of
 * its own length and the later items' before the end of the file.
 */
function containerVideo(r: Record<string, unknown>): { offset: number | null; mime: string | undefined } | null {
  const dir = r.ContainerDirectory;
  if (!Array.isArray(dir)) return null;
  const items = dir.map((d) => ((d as { Item?: ContainerItem } | null)?.Item ?? {}) as ContainerItem);
  let at = items.findIndex((i) => i.Semantic === 'MotionPhoto');
  if (at < 0) at = items.findIndex((i) => typeof i.Mime === 'string' && i.Mime.startsWith('video/'));
  if (at <= 0) return null; // none, or the primary image itself: nothing appended to point at
  let offset: number | null = 0;
  for (const i of items.slice(at)) {
    // An item of unknown length: where the video starts is unknown.
    offset = offset !== null && typeof i.Length === 'number' && i.Length > 0 ? offset + i.Length : null;
  }
  const mime = items[at]!.Mime;
  return { offset, mime: typeof mime === 'string' ? mime : undefined };
}

/**
 * Whether the photo embeds a video, from the XMP flags in its first segment (readable with -fast).
 * Only the still is indexed; the video is noted for `show`. Samsung's trailer-only files are seen
 * when ExifTool reports the trailer's EmbeddedVideoType (not with -fast: the metadata pass reads the
 * trailer of Samsung's JPEGs itself, image/samsung-trailer.ts).
 */
export function motionPhotoOf(t: Tags): MotionPhoto | null {
  const r = t as Record<string, unknown>;
  const video = containerVideo(r);
  const offset = typeof r.MicroVideoOffset === 'number' ? r.MicroVideoOffset : (video?.offset ?? null);
  const mime = video?.mime ? { videoMime: video.mime } : {};
  if (yes(r.MotionPhoto)) return { format: 'google-motion-photo', videoOffsetFromEnd: offset, ...mime };
  if (yes(r.MicroVideo)) return { format: 'google-micro-video', videoOffsetFromEnd: offset, ...mime };
  if (r.EmbeddedVideoType !== undefined || r.EmbeddedVideoFile !== undefined) return { format: 'samsung', videoOffsetFromEnd: null };
  return null;
}
