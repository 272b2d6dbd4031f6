import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { ModelRegistry } from '../../../src/ml/registry.js';
import { ModelSessions } from '../../../src/ml/session.js';
import { createFacesPass } from '../../../src/passes/faces.pass.js';
import { attachNewFaces, listPeople, namePerson, regroupAll, resolveThresholds } from '../../../src/people/index.js';
import { bcubed, mixedClusters } from '../../../src/people/evaluate.js';
import { blobToVector, dot } from '../../../src/people/vectors.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';
import { addPhoto, config, runPass } from '../ml/faces-helpers.js';

/**
 * People quality on the real fixture photos with the default models (YuNet + faceplugin 512-d)
 * and the default thresholds, through the real pieces: sharp previews -> faces pass -> XMP name
 * import + incremental attach -> full regroup.
 *
 * Labels: labels.json names the people per photo. A face in a one-person photo is that person. In
 * a group photo the photo's names are matched to its faces one-to-one by similarity to each
 * person's faces from one-person photos (best total); a face left over (the child behind Obama
 * and Biden) has no label and is left out of BCubed. In the Curie photos the MWG regions give
 * the name by box. Faces without a label still count for the cannot-link check.
 */

const PEOPLE = path.join(FIXTURES, 'photos', 'people');
const labels = JSON.parse(readFileSync(path.join(FIXTURES, 'photos', 'labels.json'), 'utf8')).files as Record<string, { people: string[] }>;
/** Added after two people are named: they must attach to them. */
const LATER = new Set(['obama_3.jpg', 'obama_and_biden_2.jpg', 'biden_2.jpg', 'kit_harington_3.jpg']);

interface FaceInfo {
  id: number;
  file: string;
  fileId: number;
  vector: Float32Array;
  stored: [number, number, number, number];
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe('people on the real fixture photos', () => {
  let db: WritableDb, cacheDir: string, cleanup: () => void, sessions: ModelSessions, et: ExifTool;
  const faces: FaceInfo[] = [];
  const faceLabel = new Map<number, string | null>();
  let named: { obama: number; biden: number };
  let beforeLater: Map<number, string | null>;

  async function index(db: WritableDb, names: string[], pass: ReturnType<typeof createFacesPass>): Promise<number[]> {
    const newIds: number[] = [];
    for (const name of names) {
      const src = path.join(PEOPLE, name);
      const fileId = await addPhoto(db, cacheDir, src, (await sharp(src).metadata()).orientation ?? 1);
      // What the metadata pass stores for the regions: [{ name, type, x, y, w, h }], centre + size, stored orientation.
      const tags = (await et.read(src)) as unknown as { RegionInfo?: { RegionList?: { Name?: string; Type?: string; Area?: { X: number; Y: number; W: number; H: number } }[] } };
      const regions = (tags.RegionInfo?.RegionList ?? []).filter((r) => r.Area).map((r) => ({ name: r.Name, type: r.Type, x: r.Area!.X, y: r.Area!.Y, w: r.Area!.W, h: r.Area!.H }));
      db.prepare('INSERT INTO metadata (file_id, regions, people, read_at) VALUES (?, ?, ?, ?)').run(fileId, JSON.stringify(regions), JSON.stringify(regions.map((r) => r.name)), Date.now());
      await runPass(db, pass, fileId);
      const rows = db.prepare('SELECT id, embedding, stored_x, stored_y, stored_w, stored_h FROM faces WHERE file_id = ? ORDER BY idx').all(fileId) as {
        id: number;
        embedding: Buffer;
        stored_x: number;
        stored_y: number;
        stored_w: number;
        stored_h: number;
      }[];
      const ids = rows.map((r) => r.id);
      for (const r of rows) faces.push({ id: r.id, file: name, fileId, vector: blobToVector(r.embedding), stored: [r.stored_x, r.stored_y, r.stored_w, r.stored_h] });
      attachNewFaces(db, ids); // what the pipeline does after each faces commit
      newIds.push(...ids);
    }
    return newIds;
  }

  before(async () => {
    ({ dir: cacheDir, cleanup } = tempDir('rawlight-people-quality-'));
    ({ db } = openDb(path.join(cacheDir, 'rawlight.db')));
    assert.ok(existsSync(path.join(MODELS, 'yunet-2023mar')), `real models missing at ${MODELS}`);
    assert.ok(existsSync(path.join(MODELS, 'faceplugin-fr-feature-512')), `real models missing at ${MODELS}`);
    sessions = new ModelSessions();
    et = new ExifTool({ maxProcs: 1 });
    const pass = createFacesPass({ registry: new ModelRegistry({ modelsDir: MODELS }), sessions, cacheDir, config: config() });
    const names = readdirSync(PEOPLE).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
    await index(db, names.filter((n) => !LATER.has(n)), pass);
    await regroupAll(db);

    // Name the groups holding Obama's and Biden's one-person photos.
    const groupOf = (file: string) => {
      const f = faces.find((x) => x.file === file)!;
      return (db.prepare('SELECT person_id FROM face_person WHERE face_id = ?').get(f.id) as { person_id: number }).person_id;
    };
    named = { obama: groupOf('obama_1.jpg'), biden: groupOf('biden_1.jpg') };
    namePerson(db, named.obama, 'Barack Obama');
    namePerson(db, named.biden, 'Joe Biden');
    beforeLater = new Map(listPeople(db).persons.map((p) => [p.id, p.name]));

    await index(db, [...LATER], pass);
    await regroupAll(db);

    // Ground truth per face (see the comment at the top).
    const refs = new Map<string, Float32Array[]>();
    for (const f of faces) {
      const ppl = labels[`people/${f.file}`]!.people;
      const n = faces.filter((g) => g.file === f.file).length;
      if (ppl.length === 1 && n === 1) refs.set(ppl[0]!, [...(refs.get(ppl[0]!) ?? []), f.vector]);
    }
    for (const file of new Set(faces.map((f) => f.file))) {
      const fs = faces.filter((f) => f.file === file);
      const ppl = labels[`people/${file}`]!.people;
      if (ppl.length === 1 && fs.length === 1) {
        faceLabel.set(fs[0]!.id, ppl[0]!);
        continue;
      }
      const regions = JSON.parse((db.prepare('SELECT regions FROM metadata WHERE file_id = ?').get(fs[0]!.fileId) as { regions: string }).regions) as { name: string; x: number; y: number }[];
      if (regions.length) {
        for (const f of fs) {
          const [x, y, w, h] = f.stored;
          const r = regions.find((r) => r.x >= x && r.x <= x + w && r.y >= y && r.y <= y + h);
          faceLabel.set(f.id, r?.name ?? null);
        }
        continue;
      }
      const score = (f: FaceInfo, person: string) => {
        const rs = refs.get(person) ?? [];
        return rs.length ? rs.reduce((s, r) => s + dot(f.vector, r), 0) / rs.length : 0;
      };
      // Best one-to-one matching of names to faces (faces beyond the names stay unlabelled).
      let best: { total: number; perm: (FaceInfo | undefined)[] } = { total: -Infinity, perm: [] };
      const slots: (FaceInfo | undefined)[] = [...fs, ...Array<undefined>(Math.max(0, ppl.length - fs.length)).fill(undefined)];
      for (const perm of permutations(slots)) {
        const total = ppl.reduce((s, p, i) => s + (perm[i] ? score(perm[i]!, p) : 0), 0);
        if (total > best.total) best = { total, perm };
      }
      for (const f of fs) faceLabel.set(f.id, null);
      ppl.forEach((p, i) => {
        if (best.perm[i]) faceLabel.set(best.perm[i]!.id, p);
      });
    }
  });

  after(async () => {
    await et.end();
    await sessions.close();
    db.close();
    cleanup();
  });

  test('calibration: same-person and different-person similarities (printed for the thresholds)', () => {
    const same: number[] = [];
    const diff: number[] = [];
    const lf = faces.filter((f) => faceLabel.get(f.id));
    for (let i = 0; i < lf.length; i++) {
      for (let j = i + 1; j < lf.length; j++) {
        if (lf[i]!.file === lf[j]!.file) continue;
        (faceLabel.get(lf[i]!.id) === faceLabel.get(lf[j]!.id) ? same : diff).push(dot(lf[i]!.vector, lf[j]!.vector));
      }
    }
    const th = resolveThresholds('faceplugin-fr-feature-512');
    console.log(`faceplugin-fr-feature-512 on ${lf.length} labelled faces: same-person ${Math.min(...same).toFixed(3)}..${Math.max(...same).toFixed(3)} (${same.length} pairs), different ${Math.min(...diff).toFixed(3)}..${Math.max(...diff).toFixed(3)} (${diff.length} pairs); thresholds ${JSON.stringify(th)}`);
    assert.ok(Math.max(...diff) < th.link, 'no different-person pair reaches the link threshold');
  });

  test('BCubed precision >= 0.95 and recall >= 0.9, no group mixes two people, no photo twice in a group', () => {
    const personOf = new Map<number, number>();
    for (const r of db.prepare('SELECT face_id, person_id FROM face_person').all() as { face_id: number; person_id: number }[]) personOf.set(r.face_id, r.person_id);
    const clusters = faces.map((f) => personOf.get(f.id) ?? null);
    const truth = faces.map((f) => faceLabel.get(f.id) ?? null);
    const b = bcubed(clusters, truth);
    const mixed = mixedClusters(clusters, truth);
    console.log(`people quality (${faces.length} faces, ${b.items} labelled, ${new Set(clusters.filter((c) => c !== null)).size} groups): BCubed precision ${b.precision.toFixed(3)}, recall ${b.recall.toFixed(3)}, F1 ${b.f1.toFixed(3)}; mixed groups ${mixed.length}`);
    for (const p of listPeople(db).persons) console.log(`  ${p.id} ${p.name ?? '(group)'}: ${p.faces.map((f) => `${path.basename(f.path)}=${faceLabel.get(f.id) ?? '?'}`).join(', ')}`);
    assert.ok(b.precision >= 0.95, `precision ${b.precision}`);
    assert.ok(b.recall >= 0.9, `recall ${b.recall}`);
    assert.deepEqual(mixed, []);
    const seen = new Set<string>();
    faces.forEach((f, i) => {
      if (clusters[i] === null) return;
      const key = `${clusters[i]}:${f.fileId}`;
      assert.ok(!seen.has(key), `two faces of ${f.file} in group ${clusters[i]}`);
      seen.add(key);
    });
  });

  test('stability: named people keep id and name, the later photos of them attached, nothing renumbered', () => {
    const now = new Map(listPeople(db).persons.map((p) => [p.id, p]));
    for (const [id, name] of beforeLater) {
      assert.ok(now.has(id), `person/group ${id} (${name}) still there`);
      assert.equal(now.get(id)!.name, name);
    }
    const obama = now.get(named.obama)!;
    const biden = now.get(named.biden)!;
    assert.equal(obama.name, 'Barack Obama');
    assert.equal(biden.name, 'Joe Biden');
    const laterOf = (p: typeof obama) => p.faces.filter((f) => LATER.has(path.basename(f.path))).map((f) => path.basename(f.path)).sort();
    assert.deepEqual(laterOf(obama), ['obama_3.jpg', 'obama_and_biden_2.jpg']);
    assert.deepEqual(laterOf(biden), ['biden_2.jpg', 'obama_and_biden_2.jpg']);
    assert.ok(obama.faces.every((f) => faceLabel.get(f.id) === 'Barack Obama'));
    assert.ok(biden.faces.every((f) => faceLabel.get(f.id) === 'Joe Biden'));
  });

  test('names in the Curie photos XMP regions were imported, confirmed', () => {
    const marie = listPeople(db).persons.find((p) => p.name === 'Marie Curie');
    assert.ok(marie, 'Marie Curie imported');
    assert.deepEqual(marie.faces.map((f) => path.basename(f.path)).sort(), ['curie_portrait-orientation-6.jpg', 'curie_portrait.jpg']);
    assert.ok(marie.faces.every((f) => f.source === 'import' && f.confirmed));
  });
});
