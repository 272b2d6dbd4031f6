import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFailure } from '../../../src/image/render.js';

test('libvips\' error, once, before libjpeg\'s warnings (as sharp gives them for files from exiv2\'s test data)', () => {
  const rep = (a: string, b: string) => `Input file has corrupt header: VipsJpeg: ${a}\nVipsJpeg: ${b}\nVipsJpeg: ${a}\nVipsJpeg: ${b}`;
  assert.equal(decodeFailure(rep('Corrupt JPEG data: 3 extraneous bytes before marker 0xed', 'Invalid JPEG file structure: SOS before SOF')), 'Input file has corrupt header: VipsJpeg: Invalid JPEG file structure: SOS before SOF');
  assert.equal(decodeFailure(rep('Warning: unknown JFIF revision number 115.104', 'Unsupported marker type 0x25')), 'Input file has corrupt header: VipsJpeg: Unsupported marker type 0x25');
  assert.equal(decodeFailure(rep('premature end of JPEG image', 'JPEG datastream contains no image')), 'Input file has corrupt header: VipsJpeg: premature end of JPEG image; VipsJpeg: JPEG datastream contains no image');
});

test('a warning alone is still said; one-line messages are kept as they are', () => {
  assert.equal(decodeFailure('VipsJpeg: Corrupt JPEG data: 9 extraneous bytes before marker 0xd2'), 'VipsJpeg: Corrupt JPEG data: 9 extraneous bytes before marker 0xd2');
  assert.equal(decodeFailure('Input image exceeds pixel limit'), 'Input image exceeds pixel limit');
  assert.equal(decodeFailure('Input file contains unsupported image format'), 'Input file contains unsupported image format');
});

test('a JPEG with stray bytes before a marker and its frame header gone: the preview failure names the missing frame, not the stray bytes', async () => {
  const { default: sharp } = await import('sharp');
  const { renderPreview } = await import('../../../src/image/render.js');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  // Segments from the SOI: drop the frame header (SOF0), and put 3 stray bytes before the next marker.
  const parts: Buffer[] = [jpeg.subarray(0, 2)];
  let p = 2;
  while (p < jpeg.length && jpeg[p] === 0xff && jpeg[p + 1] !== 0xda) {
    const len = jpeg.readUInt16BE(p + 2);
    if (jpeg[p + 1] !== 0xc0) parts.push(jpeg.subarray(p, p + 2 + len));
    else parts.push(Buffer.from([1, 2, 3]));
    p += 2 + len;
  }
  parts.push(jpeg.subarray(p));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-decode-failure-'));
  try {
    await assert.rejects(renderPreview(Buffer.concat(parts), 1, { cacheDir: dir }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'PREVIEW_DECODE_FAILED');
      assert.match(e.message, /SOS before SOF/);
      assert.doesNotMatch(e.message, /extraneous bytes/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
