import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createExifToolWriter, type ExifToolWriter } from '../../../src/exiftool/writer.js';
import { tx, type WritableDb } from '../../../src/store/db.js';
import type { FileRow } from '../../../src/store/repositories/file.repository.js';
import { READ_TAGS } from '../../../src/xmp/fields.js';
import { PLACE_SOURCE_TAGS } from '../../../src/xmp/place-group.js';
import { parseSnapshot } from '../../../src/xmp/snapshot.js';
import { applyWriteback, prepareWriteback } from '../../../src/xmp/writeback.js';
import { copyFixtures, FIXTURES, tempDir } from '../../helpers/fixtures.js';
import { addFace, addFile, addPlace, addTag, openTestDb, testConfig } from '../writeback/helpers.js';
import { exiv2List, exiv2Props, exiv2Regions, leftovers } from './readers.js';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

// Every RAW in the fixtures, and one of each photo format.
const RAWS = readdirSync(path.join(FIXTURES, 'raw')).filter((f) => !f.endsWith('.xmp')).map((f) => `raw/${f}`);
const PHOTOS = [
  'photos/heic/iphone7_himeji-castle.heic',
  'photos/heic/canon-eos-r5.HIF',
  'photos/camera/nikon-d90_DSC_0003.JPG',
  'photos/people/kit_harington_1.jpeg',
  'photos/people/lin-manuel-miranda.png',
];

describe('writeback into sidecars for every RAW and photo format', () => {
  const t = tempDir();
  let db: WritableDb;
  let writer: ExifToolWriter;
  const lib = path.join(t.dir, 'lib');
  const rows = new Map<string, FileRow>();
  let cameraRawBefore: Map<string, { type: string; value: string }>;
  before(() => {
    db = openTestDb(t.dir);
    writer = createExifToolWriter({ timeoutMs: 30_000 });
    // The whole library is scanned before writeback runs, as in the daemon (sibling names matter).
    copyFixtures(lib, [...RAWS, ...PHOTOS, 'raw/photoprism_canon_eos_6d.xmp']);
    cameraRawBefore = exiv2Props(path.join(lib, 'raw', 'photoprism_canon_eos_6d.xmp'));
    for (const rel of [...RAWS, ...PHOTOS]) {
      const row = addFile(db, path.join(lib, rel), { width: 4000, height: 3000, orientation: 1 });
      addTag(db, row.id, 'dog');
      addTag(db, row.id, 'weak guess', 0.1); // below minTagScore: not written
      addFace(db, row.id, 'Barack Obama', { x: 0.25, y: 0.5, w: 0.1, h: 0.2 });
      addPlace(db, row.id, { city: 'Arezzo', region: 'Tuscany', country: 'Italy', code: 'it' });
      rows.set(rel, row);
    }
  });
  after(async () => {
    await writer.end();
    db.close();
    t.cleanup();
  });

  test('fixtures are there', () => {
    assert.ok(RAWS.length >= 25, `expected the RAW fixtures, found ${RAWS.length}`);
  });

  for (const rel of [...RAWS, ...PHOTOS]) {
    test(rel, async () => {
      const row = rows.get(rel)!;
      const photo = row.path;
      const before = sha(photo);
      const preexisting = rel === 'raw/photoprism_canon_eos_6d.dng';
      const config = testConfig();
      const prepared = await prepareWriteback({ db, writer, config }, row);
      const res = await applyWriteback({ db, writer, config, backupDir: path.join(t.dir, 'backup') }, prepared);
      tx(db, () => res.commit(db));

      const ext = path.extname(photo);
      const stem = photo.slice(0, -ext.length);
      // A RAW gets IMG.xmp; any other photo IMG.JPG.xmp. exiftool_CanonRaw.cr2/.cr3/.crw are RAWs
      // sharing a base name: each gets name.ext.xmp, never a shared one.
      const isRaw = row.kind === 'raw';
      const shared = [...rows.values()].some((r) => r.path !== photo && r.kind === 'raw' && r.path.slice(0, -path.extname(r.path).length) === stem);
      const expected = !isRaw || shared ? `${photo}.xmp` : `${stem}.xmp`;
      if (rel.startsWith('raw/exiftool_CanonRaw.')) assert.ok(shared);
      assert.equal(res.target.path, expected);
      assert.equal(res.target.kind, 'sidecar');
      assert.ok(existsSync(expected), 'sidecar written');
      assert.equal(sha(photo), before, 'the photo itself is byte-for-byte unchanged');
      assert.deepEqual(leftovers(path.dirname(photo)), []);

      // ExifTool's view
      const snap = parseSnapshot(await writer.readTags(expected, READ_TAGS));
      assert.deepEqual(new Set(snap.lists.subject), new Set(['dog', 'Barack Obama', 'Arezzo']));
      assert.deepEqual(new Set(snap.lists.hierarchical), new Set(['rawlight|Objects|dog', 'rawlight|People|Barack Obama', 'rawlight|Places|Italy|Arezzo']));
      assert.deepEqual(snap.lists.person, ['Barack Obama']);
      // Place fields are one group: a photo that names a place itself (exiftool_Nikon.nef's IPTC) gets none of ours.
      const own: Record<string, unknown> = await writer.readTags(photo, PLACE_SOURCE_TAGS).catch(() => ({}));
      const ownPlace = PLACE_SOURCE_TAGS.some((t) => typeof own[t] === 'string' && (own[t] as string).trim() !== '');
      const place = { city: 'Arezzo', state: 'Tuscany', country: 'Italy', countryCode: 'IT', location: 'Arezzo' };
      assert.deepEqual(snap.scalars, ownPlace ? {} : place);
      assert.equal(snap.regions.length, 1);
      const r = snap.regions[0]!;
      assert.equal(r.name, 'Barack Obama');
      assert.equal(r.type, 'Face');
      assert.ok(Math.abs(r.x! - 0.3) < 1e-6 && Math.abs(r.y! - 0.6) < 1e-6 && Math.abs(r.w! - 0.1) < 1e-6 && Math.abs(r.h! - 0.2) < 1e-6, JSON.stringify(r));

      // exiv2's view (independent parser)
      const p = exiv2Props(expected);
      assert.deepEqual(new Set(exiv2List(p, 'Xmp.dc.subject')), new Set(['dog', 'Barack Obama', 'Arezzo']));
      assert.deepEqual(new Set(exiv2List(p, 'Xmp.lr.hierarchicalSubject')), new Set(['rawlight|Objects|dog', 'rawlight|People|Barack Obama', 'rawlight|Places|Italy|Arezzo']));
      assert.deepEqual(exiv2List(p, 'Xmp.iptcExt.PersonInImage'), ['Barack Obama']);
      assert.equal(p.get('Xmp.photoshop.City')?.value, ownPlace ? undefined : 'Arezzo');
      assert.equal(p.get('Xmp.photoshop.State')?.value, ownPlace ? undefined : 'Tuscany');
      assert.equal(p.get('Xmp.photoshop.Country')?.value, ownPlace ? undefined : 'Italy');
      assert.equal(p.get('Xmp.iptc.CountryCode')?.value, ownPlace ? undefined : 'IT');
      assert.equal(p.get('Xmp.iptc.Location')?.value, ownPlace ? undefined : 'Arezzo');
      assert.equal(p.get('Xmp.mwg-rs.Regions/mwg-rs:AppliedToDimensions/stDim:w')?.value, '4000');
      assert.equal(p.get('Xmp.mwg-rs.Regions/mwg-rs:AppliedToDimensions/stDim:h')?.value, '3000');
      const regions = exiv2Regions(p);
      assert.equal(regions.length, 1);
      assert.equal(regions[0]!.name, 'Barack Obama');
      assert.equal(regions[0]!.type, 'Face');
      assert.ok(Math.abs(regions[0]!.x - 0.3) < 1e-6 && Math.abs(regions[0]!.h - 0.2) < 1e-6);
      assert.ok(p.has('Xmp.xmp.MetadataDate'));
      if (preexisting) {
        // Written into the existing Camera Raw sidecar: every property it had is still there, equal.
        for (const [k, v] of cameraRawBefore) {
          if (k.startsWith('Xmp.xmp.MetadataDate')) continue;
          assert.deepEqual(p.get(k), v, k);
        }
        return;
      }
      // Nothing else: only rawlight's namespaces in a sidecar it created.
      const allowed = /^Xmp\.(dc\.subject|lr\.hierarchicalSubject|iptcExt\.PersonInImage|mwg-rs\.Regions|photoshop\.(City|State|Country)|iptc\.(CountryCode|Location)|xmp\.MetadataDate)/;
      for (const k of p.keys()) assert.match(k, allowed);
    });
  }

  test('no stray sidecars: exactly one per photo', () => {
    const xmps = readdirSync(lib, { recursive: true, encoding: 'utf8' }).filter((f) => f.toLowerCase().endsWith('.xmp'));
    assert.equal(xmps.length, RAWS.length + PHOTOS.length);
  });
});
