// File names in queries: "DSC06241.ARW", "IMG_1234" are names, not words to rank.
import { PHOTO_EXTS } from '../store/file-kinds.js';

/** Any extension rawlight indexes: "IMG_0042.avif" and "edit.psd" are names as much as "DSC06241.ARW". */
const RAW_AND_IMAGE_EXT = new RegExp(`\\.(${PHOTO_EXTS.join('|')})$`, 'i');
// Camera file names: DSC06241, IMG_1234, _MG_0635, DSCN0010, P1000123, GOPR8508, IMG_E4120.
const CAMERA_STEM = /^[A-Za-z_]{1,6}[_-]?[A-Za-z]?\d{3,}(?:[_-]\d+)?$/;

/** True when the query is a file name rather than words: it is then matched against names only. */
export function looksLikeFileName(q: string): boolean {
  const t = q.trim();
  if (!t || /\s/.test(t)) return false;
  return RAW_AND_IMAGE_EXT.test(t) || CAMERA_STEM.test(t);
}

