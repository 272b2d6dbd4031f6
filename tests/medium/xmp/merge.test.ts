import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ExifToolWriter } from '../../../src/exiftool/writer.js';
import type { WritableDb } from '../../../src/store/db.js';
import type { FileRow } from '../../../src/store/repositories/file.repository.js';
import { READ_TAGS } from '../../../src/xmp/fields.js';
import { parseSnapshot } from '../../../src/xmp/snapshot.js';
import { xmpStateForFile } from '../../../src/xmp/xmp-state.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';
import { addFace, addFile, addPlace, addTag, testConfig, writeback, rawWithLightroomSidecar, suiteWithWriter } from '../writeback/helpers.js';
import { exiv2List, exiv2Props, exiv2Regions, leftovers } from './readers.js';

/** exiv2 keys rawlight may change; everything else must read back identical. */
const OURS = /^Xmp\.(dc\.subject|lr\.hierarchicalSubject|iptcExt\.PersonInImage|mwg-rs\.Regions|xmp\.MetadataDate|photoshop\.(City|State|Country)|iptc\.(CountryCode|Location))/;

function assertUserFieldsUnchanged(before: Map<string, { type: string; value: string }>, afterProps: Map<string, { type: string; value: string }>): void {
  for (const [k, v] of before) {
    if (OURS.test(k)) continue;
    assert.deepEqual(afterProps.get(k), v, `${k} changed`);
  }
}

describe('merge, never clobber', () => {
  const t = tempDir();
  let db: WritableDb;
  let writer: ExifToolWriter;
  const config = testConfig();
  const backup = path.join(t.dir, 'backup');
  suiteWithWriter(t, (opened) => ({ db, writer } = opened));

  describe('the real Lightroom sidecar (IMG_5910.xmp)', () => {
    let file: FileRow;
    let sidecar: string;
    let original: Map<string, { type: string; value: string }>;
    before(() => {
      const [raw, xmp] = rawWithLightroomSidecar(t.dir);
      const jpg = raw;
      sidecar = xmp;
      original = exiv2Props(sidecar);
      file = addFile(db, jpg!, { width: 1394, height: 930 });
      addTag(db, file.id, 'squirrel');
      addFace(db, file.id, 'Barack Obama', { x: 0.1, y: 0.1, w: 0.1, h: 0.15 });
      addPlace(db, file.id, { city: 'Arezzo', region: 'Tuscany', country: 'Italy', code: 'IT' });
    });

    test('writes into it, keeps every other field, leaves conflicting places alone', async () => {
      const res = await writeback(db, writer, file, config, backup);
      assert.equal(res.target.path, sidecar);
      assert.equal(res.written, true);
      const p = exiv2Props(sidecar);
      assertUserFieldsUnchanged(original, p);
      // User keywords and the user's region are still there, next to rawlight's.
      assert.deepEqual(exiv2List(p, 'Xmp.dc.subject'), ['Alvin the Squirrel', 'Berkley', 'USA', 'squirrel', 'Barack Obama', 'Arezzo']);
      assert.deepEqual(exiv2List(p, 'Xmp.lr.hierarchicalSubject'), [
        'Alvin the Squirrel',
        'Berkley',
        'USA',
        'rawlight|Objects|squirrel',
        'rawlight|People|Barack Obama',
        'rawlight|Places|Italy|Arezzo',
      ]);
      const regions = exiv2Regions(p);
      assert.deepEqual(regions.map((r) => r.name), ['Alvin the Squirrel', 'Barack Obama']);
      assert.deepEqual(regions[0], { name: 'Alvin the Squirrel', type: 'Face', x: 0.57214, y: 0.42297, w: 0.21731, h: 0.28108 });
      assert.equal(p.get('Xmp.mwg-rs.Regions/mwg-rs:RegionList[1]/mwg-rs:Rotation')?.value, '0.00000');
      assert.equal(p.get('Xmp.mwg-rs.Regions/mwg-rs:AppliedToDimensions/stDim:w')?.value, '1394');
      // Berkeley/California/United States/US were not written by rawlight: conflicts, not overwritten.
      assert.equal(p.get('Xmp.photoshop.City')?.value, 'Berkeley');
      assert.equal(p.get('Xmp.photoshop.State')?.value, 'California');
      assert.equal(p.get('Xmp.photoshop.Country')?.value, 'United States');
      assert.equal(p.get('Xmp.iptc.CountryCode')?.value, 'US');
      // Place fields are one group: the sidecar already names a place, so not even the empty Location is ours.
      assert.equal(p.get('Xmp.iptc.Location'), undefined);
      const st = xmpStateForFile(db, file.id)!;
      assert.deepEqual(
        st.conflicts.map((c) => [c.field, c.value, c.fileValue]).sort(),
        [['city', 'Arezzo', 'Berkeley'], ['country', 'Italy', 'United States'], ['countryCode', 'IT', 'US'], ['state', 'Tuscany', 'California']],
      );
      assert.deepEqual(leftovers(t.dir), []);
    });

    test('a second writeback changes nothing (same bytes, same mtime)', async () => {
      const bytes = readFileSync(sidecar);
      const mtime = statSync(sidecar, { bigint: true }).mtimeNs;
      const res = await writeback(db, writer, file, config, backup);
      assert.equal(res.written, false);
      assert.deepEqual(readFileSync(sidecar), bytes);
      assert.equal(statSync(sidecar, { bigint: true }).mtimeNs, mtime);
    });

    test('a keyword the user deleted stays deleted', async () => {
      // The user removes rawlight's keyword in Lightroom (here: ExifTool as the outside editor).
      await writer.write(sidecar, ['-XMP-dc:Subject-=squirrel', '-XMP-lr:HierarchicalSubject-=rawlight|Objects|squirrel']);
      addTag(db, file.id, 'tree'); // something new arrives, so a writeback runs
      await writeback(db, writer, file, config, backup);
      const snap = parseSnapshot(await writer.readTags(sidecar, READ_TAGS));
      assert.ok(!snap.lists.subject.includes('squirrel'));
      assert.ok(!snap.lists.hierarchical.includes('rawlight|Objects|squirrel'));
      assert.ok(snap.lists.subject.includes('tree'));
      const st = xmpStateForFile(db, file.id)!;
      assert.ok(st.userRemoved.some((v) => v.field === 'subject' && v.value === 'squirrel'));
      await writeback(db, writer, file, config, backup);
      assert.ok(!parseSnapshot(await writer.readTags(sidecar, READ_TAGS)).lists.subject.includes('squirrel'));
    });

    test('renaming a person replaces only rawlight\'s own values', async () => {
      db.prepare(`UPDATE persons SET name = 'Barack H. Obama' WHERE name = 'Barack Obama'`).run();
      await writeback(db, writer, file, config, backup);
      const p = exiv2Props(sidecar);
      assert.deepEqual(exiv2List(p, 'Xmp.iptcExt.PersonInImage'), ['Barack H. Obama']);
      const subj = exiv2List(p, 'Xmp.dc.subject');
      assert.ok(subj.includes('Barack H. Obama') && !subj.includes('Barack Obama'));
      assert.ok(['Alvin the Squirrel', 'Berkley', 'USA'].every((k) => subj.includes(k)));
      assert.deepEqual(exiv2Regions(p).map((r) => r.name), ['Alvin the Squirrel', 'Barack H. Obama']);
      assertUserFieldsUnchanged(original, p);
    });

    test('a tag dropped by a newer model is removed (only ours)', async () => {
      db.prepare(`DELETE FROM tags WHERE file_id = ? AND label = 'tree'`).run(file.id);
      await writeback(db, writer, file, config, backup);
      const subj = exiv2List(exiv2Props(sidecar), 'Xmp.dc.subject');
      assert.ok(!subj.includes('tree'));
      assert.ok(subj.includes('USA'));
    });

    test('a value rawlight wrote and a user changed is a conflict from then on, never overwritten', async () => {
      const [cr3] = copyFixtures(path.join(t.dir, 'own-place'), ['raw/nom-exif_canon-r6.cr3']);
      const own = addFile(db, cr3!);
      const sidecar = cr3!.replace(/\.cr3$/, '.xmp');
      addPlace(db, own.id, { city: 'Arezzo', region: 'Tuscany', country: 'Italy', code: 'IT' });
      await writeback(db, writer, own, config, backup);
      assert.equal(exiv2Props(sidecar).get('Xmp.iptc.Location')?.value, 'Arezzo', 'no place anywhere else: the whole group is written');
      await writer.write(sidecar, ['-XMP-iptcCore:Location-=Arezzo', '-XMP-iptcCore:Location=Piazza Grande']);
      addPlace(db, own.id, { city: 'Siena', region: 'Tuscany', country: 'Italy', code: 'IT' });
      await writeback(db, writer, own, config, backup);
      const p = exiv2Props(sidecar);
      assert.equal(p.get('Xmp.iptc.Location')?.value, 'Piazza Grande');
      assert.ok(xmpStateForFile(db, own.id)!.conflicts.some((c) => c.field === 'location' && c.fileValue === 'Piazza Grande' && c.value === 'Siena'));
    });
  });

  describe('the real Camera Raw sidecar and a user-made one', () => {
    test('Camera Raw (crs:*) sidecar: every property reads back unchanged', async () => {
      const [dng] = copyFixtures(path.join(t.dir, 'acr'), ['raw/photoprism_canon_eos_6d.dng', 'raw/photoprism_canon_eos_6d.xmp']);
      const sidecar = dng!.replace(/\.dng$/, '.xmp');
      const before = exiv2Props(sidecar);
      const file = addFile(db, dng!);
      addTag(db, file.id, 'computer');
      const res = await writeback(db, writer, file, config, backup);
      assert.equal(res.target.path, sidecar);
      const p = exiv2Props(sidecar);
      assertUserFieldsUnchanged(before, p);
      assert.ok([...before.keys()].filter((k) => k.startsWith('Xmp.crs.')).length > 50);
      assert.deepEqual(exiv2List(p, 'Xmp.dc.subject'), ['computer']);
    });

    test('user keywords, rating, label, title and a user region survive', async () => {
      const [cr3] = copyFixtures(path.join(t.dir, 'user'), ['raw/nom-exif_canon-r6.cr3']);
      const sidecar = cr3!.replace(/\.cr3$/, '.xmp');
      await writer.write(sidecar, [
        '-XMP-dc:Subject+=Holiday',
        '-XMP-lr:HierarchicalSubject+=Trips|Holiday',
        '-XMP-xmp:Rating=4',
        '-XMP-xmp:Label=Red',
        '-XMP-dc:Title=Aunt May at the lake',
        '-XMP-iptcExt:PersonInImage+=Aunt May',
        '-XMP-mwg-rs:RegionList+={Area={X=0.4,Y=0.4,W=0.1,H=0.1,Unit=normalized},Name=Aunt May,Type=Face}',
      ]);
      const before = exiv2Props(sidecar);
      const file = addFile(db, cr3!, { width: 5472, height: 3648 });
      addTag(db, file.id, 'lake');
      addFace(db, file.id, 'Uncle Ben', { x: 0.6, y: 0.3, w: 0.1, h: 0.1 });
      await writeback(db, writer, file, config, backup);
      const p = exiv2Props(sidecar);
      assertUserFieldsUnchanged(before, p);
      assert.equal(p.get('Xmp.xmp.Rating')?.value, '4');
      assert.equal(p.get('Xmp.xmp.Label')?.value, 'Red');
      assert.match(p.get('Xmp.dc.title')?.value ?? '', /Aunt May at the lake/);
      assert.deepEqual(exiv2List(p, 'Xmp.dc.subject'), ['Holiday', 'lake', 'Uncle Ben']);
      assert.deepEqual(exiv2List(p, 'Xmp.iptcExt.PersonInImage'), ['Aunt May', 'Uncle Ben']);
      const regions = exiv2Regions(p);
      assert.deepEqual(regions.map((r) => r.name), ['Aunt May', 'Uncle Ben']);
      assert.deepEqual(regions[0], { name: 'Aunt May', type: 'Face', x: 0.4, y: 0.4, w: 0.1, h: 0.1 });
      // The user's region had no AppliedToDimensions; rawlight adds it with its region.
      assert.equal(p.get('Xmp.mwg-rs.Regions/mwg-rs:AppliedToDimensions/stDim:w')?.value, '5472');
    });
  });

  // Lightroom 4 and Photoshop wrote sidecars in UTF-16 (Immich's test assets keep three such,
  // metadata/xmp/dates); the XMP spec allows it. Read as UTF-8 they looked malformed and were refused.
  for (const [encoding, encode] of [
    ['UTF-16LE with a byte-order mark and CRLF, as Lightroom 4 wrote them', (t: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t.replace(/\n/g, '\r\n'), 'utf16le')])],
    ['UTF-16BE without a byte-order mark', (t: string) => Buffer.from(t, 'utf16le').swap16()],
  ] as const) {
    test(`a sidecar in ${encoding} is written into, every value kept`, async () => {
      const [raw, sidecar] = rawWithLightroomSidecar(path.join(t.dir, encoding.slice(0, 8)));
      const original = exiv2Props(sidecar); // exiv2 reads the UTF-8 original; it cannot read UTF-16
      writeFileSync(sidecar, encode(readFileSync(sidecar, 'utf8')));
      const file = addFile(db, raw!, { width: 1394, height: 930 });
      addTag(db, file.id, 'squirrel');
      const res = await writeback(db, writer, file, config, backup);
      assert.equal(res.written, true);
      assert.equal(res.target.path, sidecar);
      const p = exiv2Props(sidecar);
      assertUserFieldsUnchanged(original, p);
      assert.deepEqual(exiv2List(p, 'Xmp.dc.subject'), ['Alvin the Squirrel', 'Berkley', 'USA', 'squirrel']);
    });
  }
});
