import type { WritableDb } from '../store/db.js';
import {
  addRejection,
  assign,
  assignmentOf,
  faceMemoryOf,
  facesOfFiles,
  forgetFaceMemory,
  getPerson,
  personFacesInFile,
  setFlag,
} from './people.repository.js';
import { matchRegions, type StoredFaceBox } from './regions.js';

export interface Recalled {
  faceId: number;
  personId: number | null;
  notFace: boolean;
}

/**
 * Restores decisions remembered when the faces pass replaced a photo's faces (see face_memory in
 * 0040-people.sql): each remembered box goes to the new face at the same place (IoU >= 0.5), with
 * its person, rejections and not-a-face flag. The photo's memory is then dropped.
 */
export function recallFaceMemory(db: WritableDb, fileIds: readonly number[], now = Date.now()): Recalled[] {
  const out: Recalled[] = [];
  for (const fileId of new Set(fileIds)) {
    const memory = faceMemoryOf(db, fileId);
    if (memory.length === 0) continue;
    const faces: StoredFaceBox[] = facesOfFiles(db, [fileId])
      .filter((f) => f.stored_x !== null && f.stored_y !== null && f.stored_w !== null && f.stored_h !== null)
      .map((f) => ({ id: f.id, x: f.stored_x!, y: f.stored_y!, w: f.stored_w!, h: f.stored_h! }));
    if (faces.length === 0) continue; // faces not found yet: keep the memory for the next run
    // matchRegions takes centre-based regions; memory boxes are top-left based.
    const regions = memory
      .filter((m) => m.stored_x !== null && m.stored_y !== null && m.stored_w !== null && m.stored_h !== null)
      .map((m) => ({ name: String(m.id), x: m.stored_x! + m.stored_w! / 2, y: m.stored_y! + m.stored_h! / 2, w: m.stored_w!, h: m.stored_h! }));
    for (const match of matchRegions(regions, faces, 0.5)) {
      const mem = memory.find((m) => String(m.id) === match.name)!;
      for (const p of JSON.parse(mem.rejected) as number[]) if (getPerson(db, p)) addRejection(db, match.faceId, p, now);
      if (mem.not_face) {
        setFlag(db, match.faceId, 'not_face', now);
        out.push({ faceId: match.faceId, personId: null, notFace: true });
        continue;
      }
      const pid = mem.person_id;
      if (pid !== null && getPerson(db, pid) && !assignmentOf(db, match.faceId) && personFacesInFile(db, pid, fileId).length === 0) {
        assign(db, match.faceId, pid, mem.source ?? 'auto', mem.confirmed === 1, null, now);
        out.push({ faceId: match.faceId, personId: pid, notFace: false });
      }
    }
    forgetFaceMemory(db, fileId);
  }
  return out;
}
