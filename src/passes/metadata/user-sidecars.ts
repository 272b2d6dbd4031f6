import { statSync } from 'node:fs';
import type { Tags } from 'exiftool-vendored';
import type { ExifReader } from '../../exiftool/reader.js';
import type { ReadableDb } from '../../store/db.js';
import type { FileRow } from '../../store/repositories/file.repository.js';
import { getFileByPath } from '../../store/repositories/file.repository.js';
import { existingSidecars, ownsSidecarName, userSidecars, type SidecarStyle } from '../../xmp/sidecar-path.js';
import { siblingsOf } from '../../xmp/writeback.js';
import { mergeSidecarTags } from './user-values.js';

export interface UserSidecarsRead {
  /** The sidecars' tags merged (style's file first), or null when there is none usable. */
  tags: Tags | null;
  /** The sidecars read, in order. */
  paths: string[];
  warnings: string[];
}

/**
 * Which photos are RAW, for sidecar ownership, by the discovered kind (the extension), not by the
 * FileType the metadata pass itself reads: the answer must not change as this pass's results come
 * in (a JPEG named `.nef` beside `.heic` would otherwise flip its siblings' input keys mid-import).
 */
function kindSiblings(db: ReadableDb, f: FileRow): { path: string; isRaw: boolean }[] {
  return siblingsOf(db, f).map((s) => ({ path: s.path, isRaw: getFileByPath(db, s.path)?.kind === 'raw' }));
}

/** The sidecars this photo's user values come from (see userSidecars in the naming module). */
export function sidecarsOfPhoto(db: ReadableDb, f: FileRow, style: SidecarStyle): string[] {
  const existing = existingSidecars(f.path);
  if (existing.length === 0) return [];
  return userSidecars({ photoPath: f.path, existing, siblings: kindSiblings(db, f), isRaw: f.kind === 'raw', style });
}

/**
 * Part of the metadata pass's input key: a photo that is not RAW reads a user's `IMG_1.xmp` only
 * while no RAW of its name exists, so a RAW arriving (or leaving) must re-read it.
 */
export function rawSiblingMark(db: ReadableDb, f: FileRow): string {
  if (ownsSidecarName({ path: f.path, isRaw: f.kind === 'raw' })) return '';
  return kindSiblings(db, f).some(ownsSidecarName) ? '|raw-sibling' : '';
}

/** Reads every sidecar of the photo; a malformed one only adds a warning (never rejects). */
export async function readUserSidecars(exif: ExifReader, db: ReadableDb, f: FileRow, style: SidecarStyle): Promise<UserSidecarsRead> {
  const paths = sidecarsOfPhoto(db, f, style);
  const reads = await Promise.all(paths.map((p) => readSidecar(exif, p)));
  const warnings: string[] = [];
  const good: { path: string; tags: Tags }[] = [];
  reads.forEach((r, i) => {
    if ('error' in r) warnings.push(`sidecar ${paths[i]} is malformed and was ignored: ${r.error.split('\n')[0]}`);
    else good.push({ path: paths[i]!, tags: r.tags });
  });
  return { tags: mergeSidecarTags(good.map((g) => g.tags)), paths: good.map((g) => g.path), warnings };
}

async function readSidecar(exif: ExifReader, file: string): Promise<{ tags: Tags } | { error: string }> {
  try {
    if (!statSync(file).isFile()) throw new Error('not a regular file');
    const tags = await exif.read(file);
    const se = (tags as Record<string, unknown>).Error;
    if (se || (tags as Record<string, unknown>).FileType !== 'XMP') throw new Error(se ? String(se) : 'not XMP');
    return { tags };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
