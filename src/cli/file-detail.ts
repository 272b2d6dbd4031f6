import { facesForFile } from '../ml/faces/face.repository.js';
import { placeForFile } from '../places/index.js';
import type { ReadableDb } from '../store/db.js';

/**
 * The feature sections of `show --json` (faces, tags, place, xmp), each from its owner's read
 * function.
 */
export function detailSections(db: ReadableDb, fileId: number): Record<string, unknown> {
  return {
    faces: facesForFile(db, fileId),
    tags: [],
    place: placeForFile(db, fileId),
  };
}
