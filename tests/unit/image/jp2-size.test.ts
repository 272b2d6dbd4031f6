import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { jp2Size, reductionFor } from '../../../src/image/jp2.js';
import { REPO, tempDir } from '../../helpers/fixtures.js';

const t = tempDir('rawlight-jp2-size-');
after(() => t.cleanup());
const FORMATS = path.join(REPO, 'tests', 'fixtures', 'formats');
const write = (name: string, bytes: Buffer) => {
  const f = path.join(t.dir, name);
  writeFileSync(f, bytes);
  return f;
};
/** A box: its length, its type, its body. */
function sized(type: string, body: Buffer): Buffer {
  const b = Buffer.alloc(8 + body.length);
  b.writeUInt32BE(b.length, 0);
  b.write(type, 4, 'latin1');
  body.copy(b, 8);
  return b;
}
const ihdr = (w: number, h: number) => {
  const b = Buffer.alloc(14);
  b.writeUInt32BE(h, 0);
  b.writeUInt32BE(w, 4);
  return sized('ihdr', b);
};
const SIGNATURE = sized('jP  ', Buffer.from([0x0d, 0x0a, 0x87, 0x0a]));
const FTYP = sized('ftyp', Buffer.from('jp2 \0\0\0\0jp2 ', 'latin1'));

test('the size a JP2 file and a bare codestream declare (the files opj_compress wrote)', async () => {
  assert.deepEqual(await jp2Size(path.join(FORMATS, 'cat_brown.jp2')), { width: 441, height: 331 });
  assert.deepEqual(await jp2Size(path.join(FORMATS, 'cat_brown.j2k')), { width: 441, height: 331 });
});

test('the header box found after other boxes (XMP before it) and behind a 64-bit box length', async () => {
  const xmp = sized('xml ', Buffer.alloc(3000, 0x20));
  assert.deepEqual(await jp2Size(write('xml.jp2', Buffer.concat([SIGNATURE, FTYP, xmp, sized('jp2h', ihdr(12000, 8000))]))), { width: 12000, height: 8000 });
  const long = Buffer.alloc(16 + 100);
  long.writeUInt32BE(1, 0);
  long.write('uuid', 4, 'latin1');
  long.writeBigUInt64BE(116n, 8);
  assert.deepEqual(await jp2Size(write('xl.jp2', Buffer.concat([SIGNATURE, FTYP, long, sized('jp2h', ihdr(5000, 4000))]))), { width: 5000, height: 4000 });
});

test('no size rather than a guess: cut short, a box length smaller than its header, no header box before the codestream, not JPEG 2000', async () => {
  const whole = readFileSync(path.join(FORMATS, 'cat_brown.jp2'));
  assert.equal(await jp2Size(write('cut.jp2', whole.subarray(0, 30))), null);
  const bad = Buffer.concat([SIGNATURE, FTYP, sized('jp2h', ihdr(100, 100))]);
  bad.writeUInt32BE(3, SIGNATURE.length + FTYP.length); // jp2h's length: 3 bytes
  assert.equal(await jp2Size(write('badlen.jp2', bad)), null);
  assert.equal(await jp2Size(write('c-first.jp2', Buffer.concat([SIGNATURE, FTYP, sized('jp2c', Buffer.alloc(64)), sized('jp2h', ihdr(100, 100))]))), null);
  assert.equal(await jp2Size(write('not-ihdr.jp2', Buffer.concat([SIGNATURE, FTYP, sized('jp2h', sized('colr', Buffer.alloc(14)))]))), null);
  assert.equal(await jp2Size(path.join(FORMATS, 'cat_brown.avif')), null);
  assert.equal(await jp2Size(write('empty.jp2', Buffer.alloc(0))), null);
});

test('levels dropped: as many halvings as keep the long side at least the preview size', () => {
  assert.deepEqual(
    [441, 2048, 4095, 4096, 8192, 12000, 100_000].map((long) => reductionFor(long, 2048)),
    [0, 0, 0, 1, 2, 2, 5],
  );
});
