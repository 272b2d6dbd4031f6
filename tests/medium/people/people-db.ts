import path from 'node:path';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { tempDir } from '../../helpers/fixtures.js';

/** A real SQLite file with every migration, plus helpers to add photos and faces. */
export function openPeopleDb(): { db: WritableDb; dir: string; close: () => void } {
  const t = tempDir('rawlight-people-');
  const { db } = openDb(path.join(t.dir, 'rawlight.db'));
  return {
    db,
    dir: t.dir,
    close: () => {
      db.close();
      t.cleanup();
    },
  };
}

export function addPhoto(db: WritableDb, name: string, now = Date.now()): number {
  return Number(
    db
      .prepare(`INSERT INTO files (path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, '/lib', 'jpg', 'image', 'present', ?, ?)`)
      .run(`/lib/${name}`, now, now).lastInsertRowid,
  );
}

export interface TestFace {
  fileId: number;
  idx?: number;
  vector: Float32Array;
  embedder?: string;
  /** Stored-orientation box, top-left + size. */
  stored?: [number, number, number, number];
}

export function addFace(db: WritableDb, f: TestFace): number {
  const idx = f.idx ?? (db.prepare('SELECT count(*) AS n FROM faces WHERE file_id = ?').get(f.fileId) as { n: number }).n;
  const b = f.stored ?? [0.1 + 0.2 * idx, 0.1, 0.1, 0.15];
  return Number(
    db
      .prepare(
        `INSERT INTO faces (file_id, preview_hash, idx, box_x, box_y, box_w, box_h, stored_x, stored_y, stored_w, stored_h, score, detector, embedder, embedding, created_at)
         VALUES (?, 'h', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0.95, 'test-detector', ?, ?, ?)`,
      )
      .run(f.fileId, idx, ...b, ...b, f.embedder ?? 'test-embedder', Buffer.from(f.vector.buffer, f.vector.byteOffset, f.vector.byteLength), Date.now()).lastInsertRowid,
  );
}

/** Unit vector near `centre`: normalise(centre + noise * random unit). */
export function near(centre: Float32Array, noise: number, rand: () => number): Float32Array {
  const d = centre.length;
  const r = unit(d, rand);
  const v = new Float32Array(d);
  let s = 0;
  for (let i = 0; i < d; i++) {
    v[i] = centre[i]! + noise * r[i]!;
    s += v[i]! * v[i]!;
  }
  for (let i = 0; i < d; i++) v[i]! /= Math.sqrt(s);
  return v;
}

export function unit(d: number, rand: () => number): Float32Array {
  const v = new Float32Array(d);
  let s = 0;
  for (let i = 0; i < d; i++) {
    const u = Math.max(rand(), 1e-12);
    v[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
    s += v[i]! * v[i]!;
  }
  for (let i = 0; i < d; i++) v[i]! /= Math.sqrt(s);
  return v;
}

export function personOf(db: WritableDb, faceId: number): number | null {
  return (db.prepare('SELECT person_id FROM face_person WHERE face_id = ?').get(faceId) as { person_id: number } | undefined)?.person_id ?? null;
}
