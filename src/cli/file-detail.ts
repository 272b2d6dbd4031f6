import { facesForFile } from '../ml/faces/face.repository.js';
import { peopleInFile } from '../people/index.js';
import { placeForFile } from '../places/index.js';
import { ocrTextForFile } from '../search/ocr-text.repository.js';
import { tagsForFile } from '../search/tag.repository.js';
import type { Box } from '../geometry/box.js';
import type { ReadableDb } from '../store/db.js';
import { xmpStateForFile } from '../xmp/index.js';

/**
 * The feature sections of `show --json` (faces, tags, place, people, xmp), each from its owner's
 * read function.
 */
export function detailSections(db: ReadableDb, fileId: number): Record<string, unknown> {
  const named = new Map(peopleInFile(db, fileId).map((p) => [p.faceId, p] as const));
  return {
    faces: facesForFile(db, fileId).map((f) => {
      const p = named.get(f.id);
      // `show --json` has always given boxes as [x, y, w, h]: the JSON keeps that form.
      const face = { ...f, box: boxTuple(f.box), storedBox: boxTuple(f.storedBox) };
      return p ? { ...face, person: { id: p.personId, name: p.name } } : face;
    }),
    tags: tagsForFile(db, fileId).map((t) => ({ label: t.label, score: t.score, source: t.source })),
    place: placeForFile(db, fileId),
    xmp: xmpStateForFile(db, fileId),
    text: ocrTextForFile(db, fileId),
  };
}

function boxTuple(b: Box): [number, number, number, number] {
  return [b.x, b.y, b.w, b.h];
}
