import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { ModelRegistry } from '../../../src/ml/registry.js';
import { ModelSessions } from '../../../src/ml/session.js';
import { createFacesPass } from '../../../src/passes/faces.pass.js';
import { importXmpNames } from '../../../src/people/import.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { getFile } from '../../../src/store/repositories/file.repository.js';
import { REGION_DETECTOR } from '../../../src/ml/faces/region-faces.js';
import { copyFixtures, FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';
import { addPhoto, config, runPass } from '../ml/faces-helpers.js';

describe('the Curie photos\' own MWG regions name both faces, Pierre\'s profile included', () => {
  let db: WritableDb, cacheDir: string, cleanup: () => void, sessions: ModelSessions, et: ExifTool;
  before(() => {
    ({ dir: cacheDir, cleanup } = tempDir('rawlight-curie-'));
    ({ db } = openDb(path.join(cacheDir, 'rawlight.db')));
    sessions = new ModelSessions();
    et = new ExifTool({ maxProcs: 1 });
  });
  after(async () => {
    await et.end();
    await sessions.close();
    db.close();
    cleanup();
  });

  for (const name of ['curie_portrait.jpg', 'curie_portrait-orientation-6.jpg']) {
    test(`${name}: the default detector finds Pierre's profile and the file's regions name it Pierre Curie`, async () => {
      const src = path.join(FIXTURES, 'photos', 'people', name);
      const fileId = await addPhoto(db, cacheDir, src, (await sharp(src).metadata()).orientation ?? 1);
      // The regions as the metadata pass records them (centre + size, stored orientation).
      const tags = (await et.read(src)) as unknown as { RegionInfo?: { RegionList?: { Name?: string; Type?: string; Area?: { X: number; Y: number; W: number; H: number } }[] } };
      const regions = (tags.RegionInfo?.RegionList ?? []).filter((r) => r.Area).map((r) => ({ name: r.Name, type: r.Type, x: r.Area!.X, y: r.Area!.Y, w: r.Area!.W, h: r.Area!.H }));
      db.prepare('INSERT INTO metadata (file_id, regions, people, read_at) VALUES (?, ?, ?, ?)').run(fileId, JSON.stringify(regions), JSON.stringify(regions.map((r) => r.name)), Date.now());
      const pass = createFacesPass({ registry: new ModelRegistry({ modelsDir: MODELS }), sessions, cacheDir, config: config() });
      await runPass(db, pass, fileId);
      const named = importXmpNames(db, [fileId]).map((m) => m.name).sort();
      assert.deepEqual(named, ['Marie Curie', 'Pierre Curie']);
    });
  }

  test('a named region the detector misses becomes a face of that person, embedded from the region\'s crop, marked imported', async () => {
    const [src] = copyFixtures(path.join(cacheDir, 'strict'), ['photos/people/curie_portrait-orientation-6.jpg']);
    const fileId = await addPhoto(db, cacheDir, src!, 6);
    const tags = (await et.read(src!)) as unknown as { RegionInfo?: { RegionList?: { Name?: string; Type?: string; Area?: { X: number; Y: number; W: number; H: number } }[] } };
    const regions = (tags.RegionInfo?.RegionList ?? []).filter((r) => r.Area).map((r) => ({ name: r.Name, type: r.Type, x: r.Area!.X, y: r.Area!.Y, w: r.Area!.W, h: r.Area!.H }));
    db.prepare('INSERT INTO metadata (file_id, regions, people, read_at) VALUES (?, ?, ?, ?)').run(fileId, JSON.stringify(regions), JSON.stringify(regions.map((r) => r.name)), Date.now());
    // A stricter detector (0.92) finds Marie (0.93) but not Pierre's profile (0.78).
    const pass = createFacesPass({ registry: new ModelRegistry({ modelsDir: MODELS }), sessions, cacheDir, config: config({ faces: { minScore: 0.92 } }) });
    const out = await runPass(db, pass, fileId);
    assert.equal(out.output?.fromRegions, 1);
    const rows = db.prepare('SELECT id, detector, stored_x, stored_y, stored_w, stored_h, embedding FROM faces WHERE file_id = ? ORDER BY idx').all(fileId) as {
      id: number; detector: string; stored_x: number; stored_y: number; stored_w: number; stored_h: number; embedding: Buffer | null;
    }[];
    assert.deepEqual(rows.map((r) => r.detector), ['yunet-2023mar', REGION_DETECTOR]);
    const imported = rows[1]!;
    const pierre = regions.find((r) => r.name === 'Pierre Curie')!;
    assert.ok(Math.abs(imported.stored_x + imported.stored_w / 2 - pierre.x) < 0.01 && Math.abs(imported.stored_y + imported.stored_h / 2 - pierre.y) < 0.01, 'where the region is');
    assert.ok(imported.embedding && imported.embedding.length >= 512 * 4, 'embedded from the crop');
    const named = importXmpNames(db, [fileId]);
    assert.equal(named.find((m) => m.faceId === imported.id)?.name, 'Pierre Curie');
    // The region is part of the faces input: a region added later re-runs the pass.
    const key = pass.inputKey(db, getFile(db, fileId)!);
    db.prepare('UPDATE metadata SET regions = ? WHERE file_id = ?').run('[]', fileId);
    assert.notEqual(pass.inputKey(db, getFile(db, fileId)!), key);
  });
});
