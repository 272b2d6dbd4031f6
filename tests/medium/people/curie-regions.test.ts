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
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';
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
});
