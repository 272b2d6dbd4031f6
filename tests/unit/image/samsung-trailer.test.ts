import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { samsungTrailerVideo } from '../../../src/image/samsung-trailer.js';
import { tempDir } from '../../helpers/fixtures.js';
import { withSamsungTrailer } from '../../helpers/samsung-trailer.js';

const t = tempDir('rawlight-sefT-');
after(() => t.cleanup());
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(5000, 7), Buffer.from([0xff, 0xd9])]);
const VIDEO = Buffer.from('....ftypisom and the rest of a video', 'latin1');
const file = (name: string, bytes: Buffer) => {
  const p = path.join(t.dir, name);
  writeFileSync(p, bytes);
  return p;
};

test('the video block is found among others, wherever it sits, and its start counted from the end', async () => {
  for (const order of [[0x0a01, 0x0a30], [0x0a30, 0x0a01]]) {
    const bytes = withSamsungTrailer(JPEG, order.map((type) => (type === 0x0a30 ? { type, name: 'MotionPhoto_Data', data: VIDEO } : { type, name: 'Image_UTC_Data', data: Buffer.from('1600000000000') })));
    const r = await samsungTrailerVideo(file(`ok-${order[0]}.jpg`, bytes));
    assert.ok(r);
    assert.equal(r.bytes, VIDEO.length);
    assert.ok(bytes.subarray(bytes.length - r.offsetFromEnd, bytes.length - r.offsetFromEnd + VIDEO.length).equals(VIDEO));
  }
  // A video past the 64 KB the tail read covers: its block's head is read where it is.
  const big = Buffer.concat([VIDEO, Buffer.alloc(200_000, 1)]);
  const bytes = withSamsungTrailer(JPEG, [{ type: 0x0a30, name: 'MotionPhoto_Data', data: big }]);
  const r = await samsungTrailerVideo(file('big.jpg', bytes));
  assert.deepEqual(r, { offsetFromEnd: big.length + 12 + 12 + 8, bytes: big.length });
});

test('no trailer, no video in it, or a trailer that does not add up: null, never a guess', async () => {
  const good = withSamsungTrailer(JPEG, [{ type: 0x0a30, name: 'MotionPhoto_Data', data: VIDEO }]);
  const dirLenAt = good.length - 8;
  const cases: [string, Buffer][] = [
    ['plain JPEG', JPEG],
    ['tiny', Buffer.from('SEFT')],
    ['only a timestamp block', withSamsungTrailer(JPEG, [{ type: 0x0a01, name: 'Image_UTC_Data', data: Buffer.from('1600000000000') }])],
    ['cut short at the end', good.subarray(0, good.length - 3)],
    ['the video block cut away from the front', good.subarray(JPEG.length + 10)],
    ['directory length past the start', (() => { const b = Buffer.from(good); b.writeUInt32LE(good.length, dirLenAt); return b; })()],
    ['not SEFH', (() => { const b = Buffer.from(good); b.write('XXXX', dirLenAt - 24, 'latin1'); return b; })()],
    ['count past the directory', (() => { const b = Buffer.from(good); b.writeUInt32LE(50, dirLenAt - 24 + 8); return b; })()],
    ['block offset past the file', (() => { const b = Buffer.from(good); b.writeUInt32LE(10_000_000, dirLenAt - 24 + 12 + 4); return b; })()],
    ['name longer than its block', (() => { const b = Buffer.from(good); b.writeUInt32LE(1_000_000, JPEG.length + 4); return b; })()],
  ];
  for (const [name, bytes] of cases) assert.equal(await samsungTrailerVideo(file(`${name}.jpg`, bytes)), null, name);
  await assert.rejects(samsungTrailerVideo(path.join(t.dir, 'gone.jpg')), /ENOENT/, 'a missing file is the caller\'s to handle');
});
