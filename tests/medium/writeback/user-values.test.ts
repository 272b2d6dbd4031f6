import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { ExifToolWriter } from '../../../src/exiftool/writer.js';
import type { WritableDb } from '../../../src/store/db.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';
import { exiv2List, exiv2Props } from '../xmp/readers.js';
import { addFile, addPlace, addTag, testConfig, writeback, suiteWithWriter } from './helpers.js';

describe('the user\'s values win, wherever they are', () => {
  const t = tempDir();
  let db: WritableDb;
  let writer: ExifToolWriter;
  const config = testConfig();
  suiteWithWriter(t, (opened) => ({ db, writer } = opened));

  test('a JPEG whose own IPTC City is "Thompson Springs": no place field in its sidecar, the place keyword still goes in', async () => {
    const [jpg] = copyFixtures(path.join(t.dir, 'city'), ['photos/gps/utah_thompson-springs.jpg']);
    const file = addFile(db, jpg!);
    addPlace(db, file.id, { city: 'Palisade', region: 'Colorado', country: 'United States', code: 'US' });
    const res = await writeback(db, writer, file, config, path.join(t.dir, 'b'));
    assert.equal(res.target.path, `${jpg}.xmp`);
    const p = exiv2Props(res.target.path);
    for (const k of ['Xmp.photoshop.City', 'Xmp.photoshop.State', 'Xmp.photoshop.Country', 'Xmp.iptc.CountryCode', 'Xmp.iptc.Location']) assert.equal(p.get(k), undefined, k);
    assert.ok(exiv2List(p, 'Xmp.lr.hierarchicalSubject').includes('rawlight|Places|United States|Palisade'));
  });

  test('beside a user\'s City=Lyon in the sidecar, rawlight writes no State, Country or Location of another place', async () => {
    const [cr2] = copyFixtures(path.join(t.dir, 'lyon'), ['raw/exiftool_CanonRaw.cr2']);
    const sidecar = cr2!.replace(/\.cr2$/, '.xmp');
    execFileSync('exiftool', ['-q', '-XMP-photoshop:City=Lyon', sidecar]);
    const file = addFile(db, cr2!);
    addPlace(db, file.id, { city: 'Palisade', region: 'Colorado', country: 'United States', code: 'US' });
    await writeback(db, writer, file, config, path.join(t.dir, 'b'));
    const p = exiv2Props(sidecar);
    assert.equal(p.get('Xmp.photoshop.City')?.value, 'Lyon');
    for (const k of ['Xmp.photoshop.State', 'Xmp.photoshop.Country', 'Xmp.iptc.CountryCode', 'Xmp.iptc.Location']) assert.equal(p.get(k), undefined, k);
  });

  test('digiKam:TagsList present: rawlight\'s hierarchical keywords are added there too, in digiKam\'s "/" form; absent: not created', async () => {
    const [cr2] = copyFixtures(path.join(t.dir, 'dk'), ['raw/exiftool_CanonRaw.cr2']);
    const sidecar = cr2!.replace(/\.cr2$/, '.xmp');
    execFileSync('exiftool', ['-q', '-XMP-digiKam:TagsList=Family/Anna', '-XMP-lr:HierarchicalSubject=Family|Anna', sidecar]);
    const file = addFile(db, cr2!);
    addTag(db, file.id, 'squirrel');
    await writeback(db, writer, file, config, path.join(t.dir, 'b'));
    assert.deepEqual(exiv2List(exiv2Props(sidecar), 'Xmp.digiKam.TagsList'), ['Family/Anna', 'rawlight/Objects/squirrel']);
    await writeback(db, writer, file, config, path.join(t.dir, 'b'));
    assert.deepEqual(exiv2List(exiv2Props(sidecar), 'Xmp.digiKam.TagsList'), ['Family/Anna', 'rawlight/Objects/squirrel'], 'not twice');

    const [nef] = copyFixtures(path.join(t.dir, 'nodk'), ['raw/exiftool_Nikon.nef']);
    const other = addFile(db, nef!);
    addTag(db, other.id, 'camera');
    const res = await writeback(db, writer, other, config, path.join(t.dir, 'b'));
    assert.equal(exiv2Props(res.target.path).get('Xmp.digiKam.TagsList'), undefined);
  });
});
