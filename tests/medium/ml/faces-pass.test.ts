import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import sharp, { type Metadata } from 'sharp';
import { cosine } from '../../../src/ml/faces/embedder.js';
import { allFaceEmbeddings, faceEmbedding, facesForFile, nearestFaces, purgeFaces, type FaceView } from '../../../src/ml/faces/face.repository.js';
import { boxIou as iou, fromCentre, storedToUpright, type Box } from '../../../src/geometry/box.js';
import { ModelRegistry } from '../../../src/ml/registry.js';
import { ModelSessions } from '../../../src/ml/session.js';
import { createFacesPass } from '../../../src/passes/faces.pass.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';
import { addPhoto, config, runPass } from './faces-helpers.js';

const PEOPLE = path.join(FIXTURES, 'photos', 'people');
const labels = JSON.parse(readFileSync(path.join(FIXTURES, 'photos', 'labels.json'), 'utf8')).files as Record<string, { people: string[] }>;

/**
 * Faces YuNet must find, from labels.json's people, except where a look at the photo says
 * otherwise: obama_and_biden_2 also has a child in the background (3 faces). In the Curie photos
 * Pierre is in strict profile and scores 0.78-0.80: the default threshold (0.73, calibrated on
 * these fixtures: real faces >= 0.78, the highest false detection 0.687 on biden_2, scenes
 * <= 0.57) finds him.
 */
function expectedFaces(name: string): number {
  if (name === 'obama_and_biden_2.jpg') return 3;
  return labels[`people/${name}`]!.people.length;
}

/** The calibrated default threshold of yunet-2023mar (models/manifest.json). */
const DEFAULT_THRESHOLD = 0.73;

/** MWG regions as ExifTool reads them (centre + size, normalised, stored orientation) -> top-left boxes. */
async function mwgRegions(et: ExifTool, file: string): Promise<Map<string, Box>> {
  const tags = (await et.read(file)) as unknown as { RegionInfo?: { RegionList?: { Name?: string; Area?: { X: number; Y: number; W: number; H: number } }[] } };
  const out = new Map<string, Box>();
  for (const r of tags.RegionInfo?.RegionList ?? []) {
    if (r.Name && r.Area) out.set(r.Name, fromCentre({ x: r.Area.X, y: r.Area.Y, w: r.Area.W, h: r.Area.H }));
  }
  return out;
}

function orientationOf(meta: Metadata): number {
  return meta.orientation ?? 1;
}

describe('faces pass on the real people photos with the default models', () => {
  let db: WritableDb, cacheDir: string, cleanup: () => void, sessions: ModelSessions, registry: ModelRegistry;
  const ids = new Map<string, number>();
  const faces = new Map<string, FaceView[]>();
  const names = readdirSync(PEOPLE).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();

  before(async () => {
    ({ dir: cacheDir, cleanup } = tempDir());
    ({ db } = openDb(path.join(cacheDir, 'rawlight.db')));
    assert.ok(existsSync(path.join(MODELS, 'yunet-2023mar')), `real models missing at ${MODELS}`);
    registry = new ModelRegistry({ modelsDir: MODELS });
    sessions = new ModelSessions();
    const pass = createFacesPass({ registry, sessions, cacheDir, config: config() });
    for (const name of names) {
      const src = path.join(PEOPLE, name);
      const id = await addPhoto(db, cacheDir, src, orientationOf(await sharp(src).metadata()));
      ids.set(name, id);
      const out = await runPass(db, pass, id);
      assert.equal(out.output?.faces, facesForFile(db, id).length);
      faces.set(name, facesForFile(db, id));
    }
  });
  after(async () => {
    await sessions.close();
    db.close();
    cleanup();
  });

  test('uses YuNet + the 512-d faceplugin embedder', () => {
    const f = faces.get('obama_1.jpg')![0]!;
    assert.equal(f.detector, 'yunet-2023mar');
    assert.equal(f.embedder, 'faceplugin-fr-feature-512');
    assert.equal(faceEmbedding(db, f.id)!.length, 512);
  });

  for (const name of readdirSync(PEOPLE).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort()) {
    test(`${name}: ${expectedFaces(name)} face(s), sane boxes, landmarks inside, crop written`, () => {
      const fs = faces.get(name)!;
      assert.equal(fs.length, expectedFaces(name), `faces found: ${fs.map((f) => f.score.toFixed(3)).join(', ')}`);
      for (const f of fs) {
        assert.ok(f.score >= DEFAULT_THRESHOLD);
        const { x, y, w, h } = f.box;
        assert.ok(x >= 0 && y >= 0 && w > 0.02 && h > 0.02 && x + w <= 1 + 1e-9 && y + h <= 1 + 1e-9, `box ${JSON.stringify(f.box)}`);
        // The eyes lie inside the box, above the mouth corners.
        for (let k = 0; k < 2; k++) {
          assert.ok(f.landmarks[2 * k]! >= x && f.landmarks[2 * k]! <= x + w, 'eye x inside');
          assert.ok(f.landmarks[2 * k + 1]! < f.landmarks[7]!, 'eye above mouth');
        }
        const e = faceEmbedding(db, f.id)!;
        assert.ok(Math.abs(cosine(e, e) - 1) < 1e-4, 'L2-normalised');
        assert.ok(f.cropPath && existsSync(path.join(cacheDir, f.cropPath)), 'crop exists');
      }
    });
  }

  test('same person is closer than different people, for every pair of single-person photos', () => {
    const singles = names.filter((n) => labels[`people/${n}`]!.people.length === 1 && faces.get(n)!.length === 1);
    assert.ok(singles.length >= 14);
    let minSame = 1, maxDiff = -1;
    for (let i = 0; i < singles.length; i++) {
      for (let j = i + 1; j < singles.length; j++) {
        const a = singles[i]!, b = singles[j]!;
        const s = cosine(faceEmbedding(db, faces.get(a)![0]!.id)!, faceEmbedding(db, faces.get(b)![0]!.id)!);
        if (labels[`people/${a}`]!.people[0] === labels[`people/${b}`]!.people[0]) minSame = Math.min(minSame, s);
        else maxDiff = Math.max(maxDiff, s);
      }
    }
    const t = registry.resolve('faceEmbedder')!.entry.embedding!;
    assert.ok(minSame > maxDiff, `min same ${minSame} vs max different ${maxDiff}`);
    assert.ok(minSame >= t.match! && maxDiff < t.match!, `the manifest's match threshold ${t.match} separates them (${minSame} / ${maxDiff})`);
  });

  test('faces in group photos land on the labelled people (distinct, via nearest neighbours)', () => {
    const embedder = registry.resolve('faceEmbedder')!;
    const singleOwner = new Map<number, string>();
    for (const n of names) if (labels[`people/${n}`]!.people.length === 1) for (const f of faces.get(n)!) singleOwner.set(f.id, labels[`people/${n}`]!.people[0]!);
    for (const n of ['obama_and_biden_1.jpg', 'obama_and_biden_2.jpg', 'kit_harington_and_rose_leslie.jpg']) {
      const who: string[] = [];
      for (const f of faces.get(n)!) {
        const near = nearestFaces(db, faceEmbedding(db, f.id)!, embedder.id, 40).filter((x) => singleOwner.has(x.faceId));
        const best = near[0]!;
        if (best.similarity >= embedder.entry.embedding!.match!) who.push(singleOwner.get(best.faceId)!);
      }
      assert.deepEqual([...who].sort(), [...labels[`people/${n}`]!.people].sort(), n);
    }
  });

  test('the rotated Curie twin gives the same person as the upright twin', () => {
    const up = faces.get('curie_portrait.jpg')![0]!;
    const rot = faces.get('curie_portrait-orientation-6.jpg')![0]!;
    const s = cosine(faceEmbedding(db, up.id)!, faceEmbedding(db, rot.id)!);
    assert.ok(s > 0.9, `cosine ${s}`);
    const near = nearestFaces(db, faceEmbedding(db, rot.id)!, rot.embedder, 2).map((x) => x.faceId);
    assert.deepEqual(new Set(near), new Set([rot.id, up.id]));
    assert.ok(iou(up.box, rot.box) > 0.9, 'same upright box');
  });

  test('stored-image boxes match the MWG regions ExifTool reads (upright and orientation-6 twins)', async () => {
    const et = new ExifTool({ maxProcs: 1 });
    try {
      for (const name of ['curie_portrait.jpg', 'curie_portrait-orientation-6.jpg']) {
        const regions = await mwgRegions(et, path.join(PEOPLE, name));
        const marie = regions.get('Marie Curie')!;
        assert.ok(marie, 'fixture has the region');
        const f = faces.get(name)!.reduce((a, b) => (iou(b.storedBox, marie) > iou(a.storedBox, marie) ? b : a));
        assert.ok(iou(f.storedBox, marie) > 0.6, `${name}: stored ${JSON.stringify(f.storedBox)} vs MWG ${JSON.stringify(marie)}`);
        // And it is NOT the upright box for the rotated file (the maths did something).
        if (name.includes('orientation-6')) assert.ok(iou(f.box, marie) < 0.1);
      }
    } finally {
      await et.end();
    }
  });

  test('allFaceEmbeddings streams every face; filtered by embedder', () => {
    const total = [...faces.values()].reduce((n, f) => n + f.length, 0);
    assert.equal([...allFaceEmbeddings(db)].length, total);
    assert.equal([...allFaceEmbeddings(db, { embedder: 'no-such-model' })].length, 0);
  });

  test('re-running replaces the file\'s faces instead of adding; purge removes rows, vectors and crops', async () => {
    const id = ids.get('obama_and_biden_1.jpg')!;
    const before = facesForFile(db, id);
    const pass = createFacesPass({ registry, sessions, cacheDir, config: config() });
    await runPass(db, pass, id);
    const again = facesForFile(db, id);
    assert.equal(again.length, before.length);
    assert.ok(again.every((f) => !before.some((b) => b.id === f.id)), 'new rows');
    assert.equal((db.prepare('SELECT count(*) n FROM face_vectors').get() as { n: number }).n, (db.prepare('SELECT count(*) n FROM faces').get() as { n: number }).n);
    const crop = path.join(cacheDir, again[0]!.cropPath!);
    const r = purgeFaces(db, cacheDir);
    assert.ok(r.faces > 20);
    assert.equal((db.prepare('SELECT count(*) n FROM faces').get() as { n: number }).n, 0);
    assert.equal((db.prepare('SELECT count(*) n FROM face_vectors').get() as { n: number }).n, 0);
    assert.equal(existsSync(crop), false);
  });
});

describe('the calibrated detector threshold on scenes', () => {
  test('the giraffe and every other scene without people: 0 faces', async () => {
    const { dir: cacheDir, cleanup } = tempDir();
    const { db } = openDb(path.join(cacheDir, 'rawlight.db'));
    const sessions = new ModelSessions();
    try {
      const pass = createFacesPass({ registry: new ModelRegistry({ modelsDir: MODELS }), sessions, cacheDir, config: config() });
      const scenes = Object.entries(labels)
        .filter(([k, v]) => (k.startsWith('scenes/') || k.startsWith('gps/')) && v.people.length === 0)
        .map(([k]) => k);
      assert.ok(scenes.includes('scenes/giraffe.jpg') && scenes.length >= 40, `${scenes.length} scenes`);
      const withFaces: string[] = [];
      for (const rel of scenes) {
        const src = path.join(FIXTURES, 'photos', rel);
        const id = await addPhoto(db, cacheDir, src, orientationOf(await sharp(src).metadata()));
        const out = await runPass(db, pass, id);
        if (out.output?.faces) withFaces.push(`${rel}: ${facesForFile(db, id).map((f) => f.score.toFixed(3)).join(', ')}`);
      }
      assert.deepEqual(withFaces, []);
    } finally {
      await sessions.close();
      db.close();
      cleanup();
    }
  });
});

describe('faces pass options', () => {
  test('faces.minScore 0.7 also finds Pierre Curie in profile, matching his MWG region; minFaceSize drops small faces', async () => {
    const { dir: cacheDir, cleanup } = tempDir();
    const { db } = openDb(path.join(cacheDir, 'rawlight.db'));
    const sessions = new ModelSessions();
    const et = new ExifTool({ maxProcs: 1 });
    try {
      const registry = new ModelRegistry({ modelsDir: MODELS });
      const src = path.join(PEOPLE, 'curie_portrait-orientation-6.jpg');
      const id = await addPhoto(db, cacheDir, src, 6);
      await runPass(db, createFacesPass({ registry, sessions, cacheDir, config: config({ faces: { minScore: 0.7 } }) }), id);
      const fs = facesForFile(db, id);
      assert.equal(fs.length, 2);
      const regions = await mwgRegions(et, src);
      for (const who of ['Marie Curie', 'Pierre Curie']) {
        const r = regions.get(who)!;
        assert.ok(fs.some((f) => iou(f.storedBox, r) > 0.5), `${who} region ${JSON.stringify(r)} vs ${JSON.stringify(fs.map((f) => f.storedBox))}`);
        assert.ok(fs.some((f) => iou(f.box, storedToUpright(r, 6)) > 0.5), `${who} upright`);
      }
      // Faces in this 840x700 preview are ~83-92 px wide: a 100 px minimum drops them all.
      const out = await runPass(db, createFacesPass({ registry, sessions, cacheDir, config: config({ faces: { minScore: 0.7, minFaceSize: 100 } }) }), id);
      assert.equal(facesForFile(db, id).length, 0);
      assert.equal(out.output?.skippedSmall, 2);
    } finally {
      await et.end();
      await sessions.close();
      db.close();
      cleanup();
    }
  });
});
