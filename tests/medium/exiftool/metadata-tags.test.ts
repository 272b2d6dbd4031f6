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
    // ExifTool's tags only (exiftool-vendored adds its own lower-case fields to both reads).
    const tagsOf = (r: Record<string, unknown>) => Object.keys(r).filter((k) => /^[A-Z]/.test(k) && k !== 'SourceFile').length;
    assert.ok(tagsOf(a!) > tagsOf(b!) * 2, `${path.basename(f)}: the list is much shorter than -all`);
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

test('a RAW\'s pixel size is the image\'s, not its first preview\'s (ExifTool\'s ImageSize: the fixtures\' MANIFEST sizes)', async () => {
  // ImageWidth alone is the first IFD's: a reduced preview in older CR2s; an 8x8 JPEG in this RAF.
  const want: [string, number, number][] = [
    ['raw/exiftool_CanonRaw.cr2', 3456, 2304], // EOS 350D: IFD0 holds a 1536x1024 preview
    ['raw/imagemeta_CR2-header_eos-1ds-mk3.cr2', 5616, 3744], // IFD0: 2784x1856
    ['raw/exiftool_FujiFilm.raf', 4256, 1424], // RawImageCroppedSize
    ['raw/imagemeta_NEF-header_d7100.nef', 6036, 4020], // the full-size SubIFD's (IFD0 is a 160x120 thumbnail)
    ['raw/nom-exif_canon-r6.cr3', 5472, 3648],
    ['photos/people/curie_portrait-orientation-6.jpg', ...jpegSize('photos/people/curie_portrait-orientation-6.jpg')],
  ];
  for (const [rel, w, h] of want) {
    const row = toMetadataRow(await listed.read(path.join(FIXTURES, rel)), null, []);
    assert.deepEqual([row.width, row.height], [w, h], rel);
  }
});

/** A JPEG's size as the system exiftool reads its frame header (the stored size, before Orientation). */
function jpegSize(rel: string): [number, number] {
  const [w, h] = execFileSync('exiftool', ['-s3', '-File:ImageWidth', '-File:ImageHeight', path.join(FIXTURES, rel)]).toString().trim().split('\n').map(Number);
  return [w!, h!];
}

test('a lens ExifTool could not identify is no lens name: the focal range instead, or none', async () => {
  const lens = async (rel: string) => toMetadataRow(await listed.read(path.join(FIXTURES, rel)), null, []).lens;
  assert.equal(await lens('raw/exiftool_CanonRaw.cr2'), '18.0 - 55.0 mm'); // LensID "Unknown 18-55mm"
  assert.equal(await lens('raw/exiftool_SigmaDP2.x3f'), null); // LensID "Unknown ( )"
  assert.equal(await lens('raw/exiftool_Nikon.nef'), 'AF-S DX Zoom-Nikkor 18-70mm f/3.5-4.5G IF-ED'); // identified
  const t = tempDir();
  try {
    // A camera that reports no lens (an adapted manual lens) writes "----".
    const [jpg] = copyFixtures(t.dir, ['photos/gps/kenya_lizard.jpg']);
    execFileSync('exiftool', ['-q', '-overwrite_original', '-LensModel=----', '-Lens=', jpg!]);
    assert.equal(toMetadataRow(await listed.read(jpg!), null, []).lens, null);
  } finally {
    t.cleanup();
  }
});
