// The explicit tag list: every listed tag reads exactly as it does in a full `-all` read, and the
// fields issue 10's sidecar precedence needs are on the list.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, test } from 'node:test';
import { DefaultExifToolOptions, ExifTool } from 'exiftool-vendored';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { METADATA_TAGS } from '../../../src/exiftool/metadata-tags.js';
import { toMetadataRow } from '../../../src/passes/metadata.pass.js';
import { copyFixtures, FIXTURES, tempDir } from '../../helpers/fixtures.js';

const FILES = [
  'photos/gps/kenya_lizard.jpg',
  'photos/camera/canon-eos-rp__MG_0635.JPG',
  'photos/people/curie_portrait-orientation-6.jpg',
  'photos/sidecars/IMG_5910.xmp',
  'raw/nom-exif_canon-r6.cr3',
  'raw/imagemeta_NEF-header_d7100.nef',
].map((r) => path.join(FIXTURES, r));

// FocalLength numeric as the reader asks for it (reader.ts).
const full = new ExifTool({ maxProcs: 1, readArgs: ['-fast', '-api', 'LargeFileSupport=1', '-api', 'Filter=0'], ignoreZeroZeroLatLon: true, useMWG: true, numericTags: [...DefaultExifToolOptions.numericTags, 'FocalLength'] });
const listed = new ExifReader({ maxProcs: 1 });
after(async () => {
  await full.end();
  await listed.end();
});

test('each listed tag has the value a full read gives it; nothing else is read', async () => {
  let compared = 0;
  for (const f of FILES) {
    const [a, b] = (await Promise.all([full.read(f), listed.read(f)])) as unknown as Record<string, unknown>[];
    for (const tag of METADATA_TAGS) {
      if (tag === 'Warning' || a![tag] === undefined) continue;
      assert.equal(JSON.stringify(b![tag]), JSON.stringify(a![tag]), `${path.basename(f)} ${tag}`);
      compared++;
    }
    const unlisted = Object.keys(b!).filter((k) => /^[A-Z]/.test(k) && !METADATA_TAGS.includes(k) && !k.includes('Duration') && k !== 'SourceFile');
    assert.ok(unlisted.length < 5, `${path.basename(f)} read tags it did not ask for: ${unlisted.join(', ')}`);
    assert.ok(Object.keys(a!).length > Object.keys(b!).length * 2, `${path.basename(f)}: the list is much shorter than -all`);
  }
  assert.ok(compared > 60, `compared ${compared} values`);
});

test('the fields read from a sidecar over the file are on the list (issue 10)', () => {
  for (const t of ['Subject', 'HierarchicalSubject', 'PersonInImage', 'RegionInfo', 'GPSLatitude', 'GPSLongitude', 'DateTimeOriginal', 'Rating', 'Label', 'City', 'State', 'Country', 'Location', 'TagsList']) {
    assert.ok(METADATA_TAGS.includes(t), t);
  }
});

test('a focal length keeps its hundredths (printed, ExifTool rounds 3.99 mm to "4.0 mm")', async () => {
  const t = tempDir();
  try {
    const [jpg] = copyFixtures(t.dir, ['photos/gps/kenya_lizard.jpg']);
    execFileSync('exiftool', ['-q', '-overwrite_original', '-FocalLength=3.99', jpg!]);
    assert.equal(toMetadataRow(await listed.read(jpg!), null, []).focal_length, 3.99);
  } finally {
    t.cleanup();
  }
});
