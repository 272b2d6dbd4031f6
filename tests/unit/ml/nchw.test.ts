// Model inputs written by table (toNchw), into reused shared buffers (InputBuffers), with a reused
// buffer's padding rewritten only where it is not padding already.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toNchw, type ChannelNorm, type RgbImage } from '../../../src/ml/image.js';
import { dropFreeInputs, InputBuffers } from '../../../src/ml/input-buffers.js';

function image(width: number, height: number, seed = 7): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * seed + (i >> 5)) % 256;
  return { data, width, height };
}

/** The formula the table stands for, value by value, with strided reads per plane. */
function reference(img: RgbImage, dstW: number, dstH: number, n: ChannelNorm, pad: number): Float32Array {
  const out = new Float32Array(3 * dstW * dstH).fill(pad);
  const src = n.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < Math.min(img.height, dstH); y++) {
      for (let x = 0; x < Math.min(img.width, dstW); x++) {
        const v = img.data[(y * img.width + x) * 3 + src[c]!]!;
        out[c * dstW * dstH + y * dstW + x] = (v * n.scale - n.mean[c]!) / n.std[c]!;
      }
    }
  }
  return out;
}

const IMAGENET: ChannelNorm = { channels: 'RGB', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const YUNET: ChannelNorm = { channels: 'BGR', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };
const ARCFACE: ChannelNorm = { channels: 'RGB', scale: 1, mean: [127.5, 127.5, 127.5], std: [128, 128, 128] };

test('the table gives the manifest formula for every channel order and norm, padding included', () => {
  for (const n of [IMAGENET, YUNET, ARCFACE]) {
    const img = image(37, 23);
    const got = toNchw(img, 40, 30, n, n === YUNET ? 0 : -1);
    const want = reference(img, 40, 30, n, n === YUNET ? 0 : -1);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    assert.ok(worst < 1e-5, `${n.channels} scale ${n.scale}: worst difference ${worst}`);
  }
});

test('a reused buffer: padding left alone only when the last image written was no bigger, rewritten otherwise', () => {
  const buf = new Float32Array(3 * 32 * 32);
  const wide = image(32, 20, 3), tall = image(18, 32, 5), small = image(10, 10, 11);
  // Fresh zeros, then a wide image: the padding below it is the buffer's zeros.
  toNchw(wide, 32, 32, YUNET, 0, buf, { width: 0, height: 0 });
  assert.deepEqual(buf, reference(wide, 32, 32, YUNET, 0));
  // A tall one after it: the wide image's pixels right of 18 px must become padding again.
  toNchw(tall, 32, 32, YUNET, 0, buf, { width: 32, height: 20 });
  assert.deepEqual(buf, reference(tall, 32, 32, YUNET, 0));
  // Stale pixels where the caller claims clean padding would show: the claim is what skips the fill.
  const stale = new Float32Array(buf);
  toNchw(small, 32, 32, YUNET, 0, stale, { width: 10, height: 10 });
  assert.notDeepEqual(stale, reference(small, 32, 32, YUNET, 0), 'nothing filled when told the padding is clean');
  toNchw(small, 32, 32, YUNET, 0, buf, { width: 18, height: 32 });
  assert.deepEqual(buf, reference(small, 32, 32, YUNET, 0));
  assert.throws(() => toNchw(small, 16, 16, YUNET, 0, buf), /need 768/);
});

test('input buffers are shared memory, reused per size, a few kept', () => {
  const pool = new InputBuffers(2);
  const a = pool.take(12), b = pool.take(12), c = pool.take(12);
  assert.ok(a.buffer instanceof SharedArrayBuffer && a.length === 12);
  for (const x of [a, b, c]) pool.give(x);
  pool.give(a); // given twice: kept once
  assert.equal(pool.heldFloats, 24, 'two kept, the third left to the collector');
  const again = [pool.take(12), pool.take(12)];
  assert.ok(again.includes(a) && again.includes(b));
  assert.notEqual(pool.take(12), c);
  assert.equal(pool.take(5).length, 5, 'another size: a new buffer');
});

test('a pool bounded in all keeps that many buffers whatever their sizes (a detector fed each photo\'s aspect ratio)', () => {
  const pool = new InputBuffers(2, 2);
  const sizes = [640 * 480, 480 * 640, 640 * 448, 448 * 640, 640 * 352];
  for (const n of sizes) pool.give(pool.take(n));
  assert.equal(pool.heldFloats, 640 * 448 + 640 * 352, 'the two sizes seen last');
  const twice = [pool.take(100), pool.take(100)];
  for (const b of twice) pool.give(b);
  assert.equal(pool.heldFloats, 200, 'two of one size: the others made room');
  assert.ok(pool.take(100) === twice[1] || pool.take(100) === twice[0]);
});

test('a dry queue empties every pool (dropFreeInputs): the next take makes a new buffer', () => {
  const a = new InputBuffers(2), b = new InputBuffers(4);
  const x = a.take(10), y = b.take(20);
  a.give(x);
  b.give(y);
  assert.deepEqual([a.heldFloats, b.heldFloats], [10, 20]);
  dropFreeInputs();
  assert.deepEqual([a.heldFloats, b.heldFloats], [0, 0]);
  assert.notEqual(a.take(10), x);
});
