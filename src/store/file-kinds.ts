import type { FileKind } from './repositories/file.repository.js';

/**
 * Camera RAW extensions: never written into, sidecar only. `fff`: Hasselblad's (Phocus exports);
 * `ori`: the unprocessed frame an Olympus/OM System camera keeps beside a High Res Shot or
 * in-camera-corrected ORF (the same format).
 */
const RAW_EXTS: ReadonlySet<string> = new Set([
  'cr2', 'cr3', 'crw', 'nef', 'nrw', 'arw', 'sr2', 'srf', 'raf', 'orf', 'ori', 'rw2', 'pef', 'dng', '3fr', 'iiq', 'erf',
  'mrw', 'x3f', 'gpr', 'kdc', 'dcr', 'mos', 'mef', 'srw', 'rwl', 'raw', 'fff',
]);

/** JPEG files by their extensions: `jpe`, JPEG's third; `insp`, an Insta360 camera's photo. */
export const JPEG_EXTS: ReadonlySet<string> = new Set(['jpg', 'jpeg', 'jpe', 'insp']);

/**
 * Processed image formats; `heics`/`heifs`/`avifs`: image sequences (iOS stickers, bursts,
 * animations), their still indexed; `psd`/`psb`: Photoshop documents (Lightroom's "Edit in
 * Photoshop" saves them beside the RAW), their composite image indexed; `gif`: its first frame;
 * JPEG 2000 as scanners and archives write it: `jp2` (`jpf`/`jpx`: with extensions) and the bare
 * codestreams `j2k`/`j2c`.
 */
const IMAGE_EXTS: ReadonlySet<string> = new Set([
  ...JPEG_EXTS, 'heic', 'heif', 'hif', 'heics', 'heifs', 'tif', 'tiff', 'png', 'webp', 'gif', 'avif', 'avifs', 'jxl', 'psd', 'psb',
  'jp2', 'jpf', 'jpx', 'j2k', 'j2c',
]);

/** The kind of photo a (lower-case, dotless) extension names, or null when it names none. */
export function kindOfExt(ext: string): FileKind | null {
  if (RAW_EXTS.has(ext)) return 'raw';
  if (IMAGE_EXTS.has(ext)) return 'image';
  return null;
}

/** Every extension of a photo rawlight indexes. */
export const PHOTO_EXTS: readonly string[] = [...RAW_EXTS, ...IMAGE_EXTS];
