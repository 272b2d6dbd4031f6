import type { ReadableDb } from '../store/db.js';
import { hasColumn, hasTable } from './schema-probe.js';

export interface PersonTile {
  id: number;
  name: string | null;
  ignored: boolean;
  faceCount: number;
  fileCount: number;
  /** A few face ids to show as tiles (crops at /api/faces/:id/crop). */
  faces: number[];
}

export interface PersonFace {
  faceId: number;
  fileId: number;
  box: { x: number; y: number; w: number; h: number };
  score: number | null;
  crop: string | null;
  confirmed: boolean;
}

export function peopleTablesExist(db: ReadableDb): boolean {
  return hasTable(db, 'persons') && hasTable(db, 'face_person') && hasTable(db, 'faces');
}

function ignoredExpr(db: ReadableDb): string {
  return hasColumn(db, 'persons', 'ignored') ? 'coalesce(pe.ignored, 0)' : '0';
}

/** Named persons first (by face count), then unnamed groups, biggest first. */
export function listPeople(db: ReadableDb, opts: { includeIgnored: boolean; named?: boolean | undefined; limit: number; offset: number; sample: number }): { total: number; items: PersonTile[] } {
  if (!peopleTablesExist(db)) return { total: 0, items: [] };
  const ign = ignoredExpr(db);
  const where: string[] = [];
  if (!opts.includeIgnored) where.push(`${ign} = 0`);
  if (opts.named === true) where.push('pe.name IS NOT NULL');
  if (opts.named === false) where.push('pe.name IS NULL');
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const base = `FROM persons pe JOIN face_person fp ON fp.person_id = pe.id JOIN faces fa ON fa.id = fp.face_id ${w}`;
  const total = (db.prepare(`SELECT count(DISTINCT pe.id) AS n ${base}`).get() as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT pe.id, pe.name, ${ign} AS ignored, count(fa.id) AS faceCount, count(DISTINCT fa.file_id) AS fileCount ${base}
       GROUP BY pe.id ORDER BY pe.name IS NULL, count(fa.id) DESC, pe.id LIMIT ? OFFSET ?`,
    )
    .all(opts.limit, opts.offset) as { id: number; name: string | null; ignored: number; faceCount: number; fileCount: number }[];
  const sample = db.prepare(
    `SELECT fa.id FROM face_person fp JOIN faces fa ON fa.id = fp.face_id WHERE fp.person_id = ? ORDER BY fa.crop_path IS NULL, fa.score DESC, fa.id LIMIT ?`,
  );
  return {
    total,
    items: rows.map((r) => ({ ...r, ignored: r.ignored !== 0, faces: (sample.all(r.id, opts.sample) as { id: number }[]).map((f) => f.id) })),
  };
}

export function getPerson(db: ReadableDb, id: number): (PersonTile & { facesDetail: PersonFace[] }) | undefined {
  if (!peopleTablesExist(db)) return undefined;
  const p = db.prepare(`SELECT pe.id, pe.name, ${ignoredExpr(db)} AS ignored FROM persons pe WHERE pe.id = ?`).get(id) as { id: number; name: string | null; ignored: number } | undefined;
  if (!p) return undefined;
  const faces = db
    .prepare(
      `SELECT fa.id AS faceId, fa.file_id AS fileId, fa.box_x, fa.box_y, fa.box_w, fa.box_h, fa.score, fa.crop_path, fp.confirmed
       FROM face_person fp JOIN faces fa ON fa.id = fp.face_id WHERE fp.person_id = ? ORDER BY fa.id LIMIT 500`,
    )
    .all(id) as { faceId: number; fileId: number; box_x: number; box_y: number; box_w: number; box_h: number; score: number | null; crop_path: string | null; confirmed: number | null }[];
  const facesDetail = faces.map((f) => ({
    faceId: f.faceId,
    fileId: f.fileId,
    box: { x: f.box_x, y: f.box_y, w: f.box_w, h: f.box_h },
    score: f.score,
    crop: f.crop_path ? `/api/faces/${f.faceId}/crop` : null,
    confirmed: !!f.confirmed,
  }));
  return {
    id: p.id,
    name: p.name,
    ignored: p.ignored !== 0,
    faceCount: faces.length,
    fileCount: new Set(faces.map((f) => f.fileId)).size,
    faces: faces.slice(0, 8).map((f) => f.faceId),
    facesDetail,
  };
}

export function faceExists(db: ReadableDb, faceId: number): boolean {
  return hasTable(db, 'faces') && db.prepare('SELECT 1 FROM faces WHERE id = ?').get(faceId) !== undefined;
}

/** Names starting with (then containing) the prefix, for the name field's suggestions. */
export function suggestNames(db: ReadableDb, prefix: string, limit: number): string[] {
  const names = new Set<string>();
  if (hasTable(db, 'persons')) {
    const esc = prefix.replace(/[\\%_]/g, (c) => '\\' + c);
    for (const pattern of [`${esc}%`, `%${esc}%`]) {
      for (const r of db.prepare(`SELECT name FROM persons WHERE name IS NOT NULL AND name LIKE ? ESCAPE '\\' GROUP BY name ORDER BY name LIMIT ?`).all(pattern, limit) as { name: string }[]) names.add(r.name);
    }
  }
  // Names already in the photos' own XMP (PersonInImage) are good suggestions too.
  if (names.size < limit) {
    const rows = db
      .prepare(`SELECT DISTINCT j.value AS name FROM metadata m, json_each(m.people) j WHERE j.type = 'text' AND j.value LIKE ? ESCAPE '\\' LIMIT ?`)
      .all(`%${prefix.replace(/[\\%_]/g, (c) => '\\' + c)}%`, limit) as { name: string }[];
    for (const r of rows) names.add(r.name);
  }
  return [...names].slice(0, limit);
}

/** Files that hold a face of this person (writeback must reconsider them after a change). */
export function personFileIds(db: ReadableDb, personId: number): number[] {
  if (!peopleTablesExist(db)) return [];
  return (db.prepare('SELECT DISTINCT fa.file_id AS id FROM face_person fp JOIN faces fa ON fa.id = fp.face_id WHERE fp.person_id = ?').all(personId) as { id: number }[]).map((r) => r.id);
}
