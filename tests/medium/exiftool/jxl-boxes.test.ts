// JPEG XL metadata that cjxl stored Brotli-compressed (brob boxes): decompressed into a copy that
// ExifTool reads, on the fixture made here and on hand-built containers (bad ones included).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { brotliCompressSync } from 'node:zlib';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { decompressJxlBoxes } from '../../../src/exiftool/jxl-boxes.js';
import { REPO, tempDir } from '../../helpers/fixtures.js';

const FORMATS = path.join(REPO, 'tests', 'fixtures', 'formats');
const SIGNATURE = Buffer.from([0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a]);

function box(type: string, body: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(8 + body.length, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, body]);
}

/** Top-level box types of a container, in order. */
function typesOf(buf: Buffer): string[] {
  const out: string[] = [];
  for (let at = 0; at < buf.length; at += buf.readUInt32BE(at)) out.push(buf.subarray(at + 4, at + 8).toString('latin1'));
  return out;
}

describe('decompressJxlBoxes', () => {
  const t = tempDir('rawlight-jxl-boxes-');
  after(() => t.cleanup());

  test('cjxl\'s compressed Exif and XMP come out as plain boxes; the other boxes are copied byte for byte', async () => {
    const src = path.join(FORMATS, 'cat_brown_orientation6.jxl');
    const out = path.join(t.dir, 'plain.jxl');
    assert.equal(await decompressJxlBoxes(src, out), 2);
    const before = readFileSync(src), after = readFileSync(out);
    assert.deepEqual(typesOf(before).filter((x) => x !== 'brob'), typesOf(after).filter((x) => x !== 'Exif' && x !== 'xml '));
    assert.ok(typesOf(after).includes('Exif') && !typesOf(after).includes('brob'), typesOf(after).join(' '));
    // The codestream box is the same bytes in both.
    const tail = (b: Buffer) => b.subarray(b.length - 1000);
    assert.deepEqual(tail(after), tail(before));
  });

  test('a bare codestream, or a container without compressed boxes, is left alone (nothing written)', async () => {
    for (const name of ['cat_brown_codestream.jxl', 'cat_brown.jxl']) {
      const out = path.join(t.dir, `none-${name}`);
      assert.equal(await decompressJxlBoxes(path.join(FORMATS, name), out), 0, name);
      assert.equal(existsSync(out), false, name);
    }
  });

  test('a hand-built container: the inner type and content round-trip; a box past the end or a broken Brotli stream is an error', async () => {
    const xmp = Buffer.from('<x:xmpmeta xmlns:x="adobe:ns:meta/">hello</x:xmpmeta>');
    const good = Buffer.concat([SIGNATURE, box('ftyp', Buffer.from('jxl \0\0\0\0jxl ')), box('brob', Buffer.concat([Buffer.from('xml '), brotliCompressSync(xmp)])), box('jxlc', Buffer.from([0xff, 0x0a, 1, 2, 3]))]);
    const f = path.join(t.dir, 'good.jxl');
    writeFileSync(f, good);
    assert.equal(await decompressJxlBoxes(f, path.join(t.dir, 'good-out.jxl')), 1);
    const out = readFileSync(path.join(t.dir, 'good-out.jxl'));
    assert.deepEqual(typesOf(out), ['JXL ', 'ftyp', 'xml ', 'jxlc']);
    assert.deepEqual(out.subarray(SIGNATURE.length + 20 + 8, SIGNATURE.length + 20 + 8 + xmp.length), xmp);

    const cut = path.join(t.dir, 'cut.jxl');
    writeFileSync(cut, good.subarray(0, good.length - 3));
    await assert.rejects(decompressJxlBoxes(cut, path.join(t.dir, 'cut-out.jxl')), /past the end of the file/);
    const broken = path.join(t.dir, 'broken.jxl');
    writeFileSync(broken, Buffer.concat([SIGNATURE, box('brob', Buffer.from('Exif\x01\x02\x03\x04not brotli', 'latin1'))]));
    await assert.rejects(decompressJxlBoxes(broken, path.join(t.dir, 'broken-out.jxl')));
  });

  test('ExifReader.read: camera, date, GPS and orientation from the compressed Exif; a broken one keeps ExifTool\'s warning', async () => {
    const exif = new ExifReader({ maxProcs: 1 });
    try {
      const file = path.join(FORMATS, 'cat_brown_orientation6.jxl');
      const tags = (await exif.read(file)) as Record<string, unknown>;
      assert.equal(tags.Model, 'iPhone SE');
      assert.equal(tags.Orientation, 6);
      assert.ok(Math.abs((tags.GPSLatitude as number) - 48.53871) < 1e-3);
      assert.equal(tags.Warning, undefined);
      assert.equal(tags.SourceFile, file);
      // The same file with its first compressed box damaged: the first read stands, warning and all.
      const bytes = Buffer.from(readFileSync(file));
      const at = bytes.indexOf(Buffer.from('brob'));
      bytes.fill(0x55, at + 8, at + 40);
      const damaged = path.join(t.dir, 'damaged.jxl');
      writeFileSync(damaged, bytes);
      const d = (await exif.read(damaged)) as Record<string, unknown>;
      assert.match(String(d.Warning), /Brotli-compressed metadata/);
      assert.equal(d.FileType, 'JXL');
      // No room for the copy (a temp folder that cannot be written): the same.
      const saved = process.env.TMPDIR;
      process.env.TMPDIR = path.join(t.dir, 'no-such-dir');
      try {
        const n = (await exif.read(file)) as Record<string, unknown>;
        assert.match(String(n.Warning), /Brotli-compressed metadata/);
        assert.equal(n.Model, undefined);
      } finally {
        if (saved === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = saved;
      }
    } finally {
      await exif.end();
    }
  });
});
