import type { WritableDb } from '../store/db.js';
import {
  assign,
  assignmentOf,
  facesOfFiles,
  flagOf,
  insertPerson,
  isRejected,
  metadataPeople,
  personByName,
  personFacesInFile,
  unassign,
} from './people.repository.js';
import { matchRegions, parsePeople, parseRegions, type StoredFaceBox } from './regions.js';

export interface ImportedName {
  faceId: number;
  personId: number;
  name: string;
  /** region = matched by box overlap (confirmed); sole = the photo's only name and only face. */
  how: 'region' | 'sole';
}

/**
 * Names already in the photos' XMP (from Lightroom, digiKam, or rawlight itself) become persons:
 * a face whose box overlaps a named MWG region starts as that person, confirmed (source
 * 'import'). A photo with exactly one PersonInImage name, one face and no regions gives that face
 * the name unconfirmed. A user's own decision about a face always wins over an import.
 */
export function importXmpNames(db: WritableDb, fileIds: readonly number[], now = Date.now()): ImportedName[] {
  const out: ImportedName[] = [];
  for (const fileId of new Set(fileIds)) {
    const meta = metadataPeople(db, fileId);
    if (!meta) continue;
    const faces: StoredFaceBox[] = facesOfFiles(db, [fileId])
      .filter((f) => f.stored_x !== null && f.stored_y !== null && f.stored_w !== null && f.stored_h !== null)
      .map((f) => ({ id: f.id, x: f.stored_x!, y: f.stored_y!, w: f.stored_w!, h: f.stored_h! }));
    if (faces.length === 0) continue;
    const regions = parseRegions(meta.regions);
    const matches: { faceId: number; name: string; how: ImportedName['how'] }[] = matchRegions(regions, faces).map((m) => ({ ...m, how: 'region' }));
    if (regions.length === 0) {
      const names = parsePeople(meta.people);
      if (names.length === 1 && faces.length === 1) matches.push({ faceId: faces[0]!.id, name: names[0]!, how: 'sole' });
    }
    for (const m of matches) {
      if (flagOf(db, m.faceId)) continue;
      const current = assignmentOf(db, m.faceId);
      if (current && (current.source === 'user' || current.source === 'import')) continue;
      const person = personByName(db, m.name);
      if (person && current?.person_id === person.id && current.confirmed) continue;
      if (person && isRejected(db, m.faceId, person.id)) continue;
      const personId = person?.id ?? insertPerson(db, m.name, now);
      // Cannot-link: another face of this photo already confirmed as this person keeps it.
      const clash = personFacesInFile(db, personId, fileId).filter((r) => r.face_id !== m.faceId);
      if (clash.some((r) => r.confirmed)) continue;
      for (const r of clash) unassign(db, r.face_id);
      assign(db, m.faceId, personId, 'import', m.how === 'region', null, now);
      out.push({ faceId: m.faceId, personId, name: person?.name ?? m.name, how: m.how });
    }
  }
  return out;
}
