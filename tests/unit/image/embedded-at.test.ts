// The pieces of reading an embedded JPEG at an offset: the frame-header walk, the whole-JPEG check,
// and what the metadata read records.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import sharp from 'sharp';
import { imageLocationsOf, LOCATION_TAG_NAMES } from '../../../src/exiftool/image-locations.js';
import { isWholeJpeg, jpegSizeAt, locatable } from '../../../src/image/embedded-at.js';
import { METADATA_TAGS } from '../../../src/exiftool/metadata-tags.js';
import { tempDir } from '../../helpers/fixtures.js';

const tmp = tempDir('rawlight-embedded-unit-');
after(() => tmp.cleanup());

/** A JPEG of w×h with an APPn segment of `app` bytes before its tables (an EXIF block, an ICC profile). */
async function jpegWithApp(w: number, h: number, app: number): Promise<Buffer> {
  const plain = await sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 10, b: 10 } } }).jpeg().toBuffer();
  const seg = Buffer.alloc(app + 4, 0x41);
  seg[0] = 0xff;
  seg[1] = 0xe2;
  seg.writeUInt16BE(app + 2, 2);
  return Buffer.concat([plain.subarray(0, 2), seg, plain.subarray(2)]);
}

/** `jpeg` inside a container: `before` bytes of something else ahead of it, some after. */
async function sizeInContainer(jpeg: Buffer, before = 1000): Promise<{ width: number; height: number } | null> {
  const file = path.join(tmp.dir, `c${Math.random()}.bin`);
  writeFileSync(file, Buffer.concat([Buffer.alloc(before, 0x11), jpeg, Buffer.alloc(500, 0x22)]));
  const fh = await open(file, 'r');
  try {
    return await jpegSizeAt(fh, { tag: 'PreviewImage', start: before, length: jpeg.length });
  } finally {
    await fh.close();
  }
}

describe('jpegSizeAt', () => {
  test('finds the frame header after segments larger than one read step', async () => {
    assert.deepEqual(await sizeInContainer(await jpegWithApp(300, 200, 40_000)), { width: 300, height: 200 });
    assert.deepEqual(await sizeInContainer(await jpegWithApp(64, 48, 10), 0), { width: 64, height: 48 });
  });

  test('bytes that are not a JPEG header give null (an offset from another base)', async () => {
    const jpeg = await jpegWithApp(300, 200, 100);
    assert.equal(await sizeInContainer(Buffer.from('<Dummy preview image data>')), null);
    assert.equal(await sizeInContainer(jpeg.subarray(1)), null, 'one byte off');
    // A segment length running past the recorded length: no frame header inside it.
    assert.equal(await sizeInContainer(jpeg.subarray(0, 120)), null);
    // Scan data before any frame header.
    assert.equal(await sizeInContainer(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 0xff, 0xd9])), null);
  });
});

describe('isWholeJpeg', () => {
  test('SOI to EOI, then only padding (Sony 0xFF, Fujifilm zeros)', async () => {
    const jpeg = await jpegWithApp(32, 32, 10);
    assert.ok(isWholeJpeg(jpeg));
    assert.ok(isWholeJpeg(Buffer.concat([jpeg, Buffer.alloc(51, 0xff)])));
    assert.ok(isWholeJpeg(Buffer.concat([jpeg, Buffer.alloc(9, 0x00)])));
    assert.ok(!isWholeJpeg(Buffer.concat([jpeg, Buffer.from('tail of something else')])));
    assert.ok(!isWholeJpeg(jpeg.subarray(0, jpeg.length - 2)), 'cut before its EOI');
    assert.ok(!isWholeJpeg(jpeg.subarray(2)), 'no SOI');
  });
});

describe('imageLocationsOf', () => {
  test('offset and length pairs as ExifTool gives them with -n; TIFF previews by their size', () => {
    const loc = imageLocationsOf({
      JpgFromRawStart: 1189376, JpgFromRawLength: 2287892, PreviewImageStart: 27136, PreviewImageLength: 98230,
      ThumbnailOffset: 10, ThumbnailLength: 0, OtherImageStart: -5, OtherImageLength: 3,
      ThumbnailTIFF: { _ctor: 'BinaryField', bytes: 57816, rawValue: '(Binary data 57816 bytes, use -b option to extract)' },
      PreviewTIFF: '(Binary data 90000 bytes, use -b option to extract)',
    });
    assert.deepEqual(loc, {
      located: [
        { tag: 'JpgFromRaw', start: 1189376, length: 2287892 },
        { tag: 'PreviewImage', start: 27136, length: 98230 },
      ],
      tiffBytes: 90000,
    });
  });

  test('nothing located: null (the file takes ExifTool\'s extraction)', () => {
    assert.equal(imageLocationsOf({ FileType: 'CR3', PreviewImageStart: '12 34', ThumbnailTIFF: { bytes: 10 } }), null);
  });

  test('the metadata read asks for every tag it records', () => {
    for (const t of LOCATION_TAG_NAMES) assert.ok(METADATA_TAGS.includes(t), t);
  });

  test('formats whose every candidate has offsets, and no others', () => {
    for (const e of ['nef', 'NEF', 'cr2', 'arw', 'dng', 'raf', 'pef', 'orf', 'srw']) assert.ok(locatable(e), e);
    for (const e of ['rw2', 'cr3', 'crw', 'x3f', 'mrw', 'jpg', 'heic']) assert.ok(!locatable(e), e);
  });
});
