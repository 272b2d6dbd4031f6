import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createExifToolWriter, type ExifToolWriter } from '../../../src/exiftool/writer.js';
import type { WritableDb } from '../../../src/store/db.js';
import { READ_TAGS } from '../../../src/xmp/fields.js';
import { fromCentre, storedToUpright } from '../../../src/geometry/box.js';
import { parseSnapshot, type CurrentRegion } from '../../../src/xmp/snapshot.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';
import { addFace, addFile, openTestDb, testConfig, writeback } from '../writeback/helpers.js';

/**
 * The Curie portrait is stored twice by its authors: upright, and rotated with EXIF Orientation 6,
 * each with MWG face regions in its own stored coordinates. Given the face boxes found on the
 * upright preview, rawlight must write the regions each file's authors wrote.
 */
describe('face regions are written in stored-image coordinates', () => {
  const t = tempDir();
  let db: WritableDb;
  let writer: ExifToolWriter;
  let upright: { name: string; box: { x: number; y: number; w: number; h: number } }[];
  before(async () => {
    db = openTestDb(t.dir);
    writer = createExifToolWriter({ timeoutMs: 30_000 });
    copyFixtures(t.dir, ['photos/people/curie_portrait.jpg', 'photos/people/curie_portrait-orientation-6.jpg']);
    // Upright face boxes (top-left + size), as the faces pass finds them on the upright preview.
    const authored = parseSnapshot(await writer.readTags(path.join(t.dir, 'photos/people/curie_portrait.jpg'), READ_TAGS));
    upright = authored.regions.map((r) => ({ name: r.name!, box: fromCentre({ x: r.x!, y: r.y!, w: r.w!, h: r.h! }) }));
    assert.equal(upright.length, 2);
  });
  after(async () => {
    await writer.end();
    db.close();
    t.cleanup();
  });

  const close = (a: CurrentRegion, b: CurrentRegion, tol: number) =>
    a.name === b.name && Math.abs(a.x! - b.x!) <= tol && Math.abs(a.y! - b.y!) <= tol && Math.abs(a.w! - b.w!) <= tol && Math.abs(a.h! - b.h!) <= tol;

  for (const [name, orientation, w, h] of [
    ['curie_portrait.jpg', 1, 840, 700],
    ['curie_portrait-orientation-6.jpg', 6, 700, 840],
  ] as const) {
    test(`${name} (orientation ${orientation})`, async () => {
      const photo = path.join(t.dir, 'photos/people', name);
      const file = addFile(db, photo, { width: w, height: h, orientation });
      // stored_* left empty: rawlight rotates the upright boxes back itself.
      for (const f of upright) addFace(db, file.id, f.name, f.box);
      const res = await writeback(db, writer, file, testConfig(), path.join(t.dir, 'backup'));
      assert.equal(res.target.path, `${photo}.xmp`, 'a JPEG gets IMG.JPG.xmp');
      const ours = parseSnapshot(await writer.readTags(res.target.path, READ_TAGS)).regions;
      const authors = parseSnapshot(await writer.readTags(photo, READ_TAGS)).regions;
      assert.equal(ours.length, 2);
      for (const a of authors) {
        const mine = ours.find((o) => o.name === a.name);
        assert.ok(mine && close(mine, a, 0.01 * 1), `${a.name}: wrote ${JSON.stringify(mine)}, authors have ${JSON.stringify(a)}`);
        assert.ok(close(mine, a, 1e-5), `${a.name}: within rounding`);
      }
      // And back: the written stored regions map onto the upright boxes within 1 %.
      for (const f of upright) {
        const mine = ours.find((o) => o.name === f.name)!;
        const back = storedToUpright(fromCentre({ x: mine.x!, y: mine.y!, w: mine.w!, h: mine.h! }), orientation);
        for (const k of ['x', 'y', 'w', 'h'] as const) assert.ok(Math.abs(back[k] - f.box[k]) < 0.01, `${f.name}.${k}`);
      }
    });
  }
});
