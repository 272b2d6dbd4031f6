import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { cli } from '../../helpers/cli.js';
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';
import { exiv2List, exiv2Props } from '../xmp/readers.js';

// A RAW whose only sidecar was darktable's (IMG_1.arw.xmp) gets rawlight's values there; then
// Lightroom saves IMG_1.xmp, which becomes the photo's sidecar: rawlight takes its values out of the
// darktable one and writes them into Lightroom's. The place it had written into the darktable
// sidecar must not count as the user's place held outside the new one (it is being taken out): the
// soak once ended with a RAW's city, state and country written nowhere, and nothing left to do.

const t = tempDir('rawlight-target-move-');
after(() => t.cleanup());

test('a RAW whose sidecar changes from darktable\'s to Lightroom\'s gets its place in the new one, and the darktable values stay', async () => {
  const lib = path.join(t.dir, 'lib');
  const home = path.join(t.dir, 'home');
  mkdirSync(lib, { recursive: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: MODELS, passes: { faces: false, embed: false, tags: false, ocr: false } }));
  // A Sony ARW with GPS (Baalbek, Lebanon), and darktable's sidecar with the user's keyword and rating.
  const raw = path.join(lib, 'IMG_1.arw');
  copyFileSync(path.join(FIXTURES, 'raw/imagemeta_ARW-header_slt-a55v.arw'), raw);
  const darktable = `${raw}.xmp`;
  const lightroom = path.join(lib, 'IMG_1.xmp');
  execFileSync('exiftool', ['-q', '-XMP-dc:Subject=Keeper', '-XMP-xmp:Rating=2', darktable]);
  const first = await cli(home, ['index', lib, '--json']);
  assert.equal(first.code, 0, first.stderr);
  let dt = exiv2Props(darktable);
  assert.equal(dt.get('Xmp.photoshop.City')?.value, 'Baalbek', 'the place written into the only sidecar there was');

  // Lightroom saves its own sidecar for the photo.
  execFileSync('exiftool', ['-q', '-XMP-dc:Subject=Best of 2024', '-XMP-xmp:Rating=5', lightroom]);
  const second = await cli(home, ['index', lib, '--json']);
  assert.equal(second.code, 0, second.stderr);

  const lr = exiv2Props(lightroom);
  assert.equal(lr.get('Xmp.photoshop.City')?.value, 'Baalbek');
  assert.equal(lr.get('Xmp.photoshop.Country')?.value, 'Lebanon');
  assert.ok(lr.get('Xmp.photoshop.State')?.value, 'the state too');
  assert.deepEqual(exiv2List(lr, 'Xmp.dc.subject').sort(), ['Baalbek', 'Best of 2024']);
  assert.equal(lr.get('Xmp.xmp.Rating')?.value, '5');
  dt = exiv2Props(darktable);
  assert.deepEqual(exiv2List(dt, 'Xmp.dc.subject'), ['Keeper'], 'only the user\'s keyword left in darktable\'s sidecar');
  assert.equal(dt.get('Xmp.xmp.Rating')?.value, '2');
  assert.equal(dt.get('Xmp.photoshop.City'), undefined, 'rawlight\'s place taken out of it');

  const pending = await cli(home, ['writeback', '--dry-run', '--json', lib]);
  assert.equal(pending.code, 0, pending.stderr);
  assert.equal(pending.json<{ summary: { withChanges: number } }>().summary.withChanges, 0, pending.stdout);
});
