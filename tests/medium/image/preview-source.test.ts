// Previews from real RAW fixtures: which embedded image is chosen, how many ExifTool commands it
// takes, and that the upright result matches the full-size image turned by an independent tool.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import sharp from 'sharp';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { renderPreview } from '../../../src/image/render.js';
import { createPreviewPass } from '../../../src/passes/preview.pass.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

const NEF = path.join(FIXTURES, 'raw/imagemeta_NEF-header_d7100.nef'); // JpgFromRaw 6000x4000, OtherImage 1620x1080, PreviewImage 570x375
const CR3 = path.join(FIXTURES, 'raw/nom-exif_canon-r6.cr3');
const TAGS = ['JpgFromRaw', 'PreviewImage', 'OtherImage', 'ThumbnailImage', 'PreviewTIFF', 'ThumbnailTIFF'];

describe('preview sources', () => {
  const tmp = tempDir('rawlight-preview-');
  const exif = new ExifReader({ maxProcs: 1 });
  after(async () => {
    await exif.end();
    tmp.cleanup();
  });

  test('every candidate of a file comes out of one ExifTool command, byte-equal to exiftool -b', async () => {
    const before = exif.stats.embeddedCommands;
    const images = await exif.embeddedImages(NEF, TAGS);
    assert.equal(exif.stats.embeddedCommands - before, 1);
    assert.deepEqual([...images.keys()].sort(), ['JpgFromRaw', 'OtherImage', 'PreviewImage', 'ThumbnailTIFF'].sort());
    for (const [tag, buf] of images) assert.ok(buf.equals(execFileSync('exiftool', ['-b', `-${tag}`, NEF], { maxBuffer: 1 << 28 })), tag);
  });

  test('requests made together share one command; an unreadable file does not cost its neighbours', async () => {
    const missing = path.join(tmp.dir, 'gone.nef');
    const before = exif.stats.embeddedCommands;
    const [a, b, c] = await Promise.all([exif.embeddedImages(NEF, TAGS), exif.embeddedImages(CR3, TAGS), exif.embeddedImages(missing, TAGS)]);
    assert.ok(a.has('JpgFromRaw'));
    assert.ok(b.has('PreviewImage'));
    assert.equal(c.size, 0);
    // one batch; at most a retry of each file alone when the batch as a whole failed
    assert.ok(exif.stats.embeddedCommands - before >= 1 && exif.stats.embeddedCommands - before <= 4);
  });

  test('with a preview size the mid-size image covers, it is used instead of the full-size JpgFromRaw', async () => {
    const run = async (previewSize: number) => {
      const pass = createPreviewPass({ exif, cacheDir: path.join(tmp.dir, `cache${previewSize}`), heicDecoders: [], previewSize });
      const db = { prepare: () => ({ get: () => ({ orientation: 1 }) }) } as unknown as Parameters<typeof pass.inputKey>[0];
      const file = { id: 1, path: NEF, ext: 'nef', content_hash: 'x' } as unknown as Parameters<typeof pass.inputKey>[1];
      const out = await pass.run({ file, inputKey: 'x:1', db, log: undefined as never, signal: new AbortController().signal });
      const o = out.output as { source: string; width: number; height: number };
      return { source: o.source, width: o.width, height: o.height };
    };
    assert.deepEqual(await run(1024), { source: 'OtherImage', width: 1024, height: 683 });
    const big = await run(2048);
    assert.equal(big.source, 'JpgFromRaw');
    assert.deepEqual([big.width, big.height], [2048, 1365]);
  });

  test('resizing before turning upright (shrink-on-load) gives the turned image', async () => {
    const jpeg = execFileSync('exiftool', ['-b', '-JpgFromRaw', NEF], { maxBuffer: 1 << 28 });
    for (const o of [1, 3, 6, 8]) {
      const r = await renderPreview(jpeg, o, { cacheDir: path.join(tmp.dir, 'render'), previewSize: 256 });
      const mine = await sharp(path.join(tmp.dir, 'render', r.path)).raw().toBuffer({ resolveWithObject: true });
      // Reference: ImageMagick-free, libvips' own EXIF autorotate on a copy that carries the orientation.
      const tagged = await sharp(jpeg).withMetadata({ orientation: o }).jpeg({ quality: 95 }).toBuffer();
      const ref = await sharp(tagged).rotate().resize(256, 256, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
      assert.deepEqual([mine.info.width, mine.info.height], [ref.info.width, ref.info.height], `orientation ${o}`);
      let diff = 0;
      for (let i = 0; i < mine.data.length; i++) diff += Math.abs(mine.data[i]! - ref.data[i]!);
      assert.ok(diff / mine.data.length < 6, `orientation ${o}: mean abs diff ${(diff / mine.data.length).toFixed(2)}`);
    }
  });
});
