// Reduced copies of decoded pixels shared between models (pyramid.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RgbImage } from '../../../src/ml/image.js';
import { levelFor, reduced } from '../../../src/ml/pyramid.js';

function image(width: number, height: number): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
  return { data, width, height };
}

test('a reduced copy is made once per image and size, and kept with that image only', async () => {
  const img = image(2048, 1364);
  const det = reduced(img, 640, 426);
  assert.equal(reduced(img, 640, 426), det, 'one libvips resize per image and size');
  const d = await det;
  assert.deepEqual([d.width, d.height, d.data.length], [640, 426, 640 * 426 * 3]);
  assert.equal(await reduced(img, 2048, 1364), img, 'its own size is the image');
  const other = image(2048, 1364);
  assert.notEqual(await reduced(other, 640, 426), d);
});

test('the classifier resizes from the detector copy only when it fits: at least its size, under twice it, smaller than the image', async () => {
  const img = image(2048, 1364);
  assert.equal(levelFor(img, 384, 256), img, 'nothing made yet: the image itself, nothing made for it');
  const det = await reduced(img, 640, 426);
  assert.equal(levelFor(img, 384, 256), det);
  assert.equal(levelFor(img, 150, 100), img, 'the copy would be over twice the size');
  assert.equal(levelFor(img, 700, 400), img, 'the copy is too small');
  // A preview smaller than the detector input gets an enlarged copy: never a source for others.
  const small = image(500, 333);
  await reduced(small, 640, 426);
  assert.equal(levelFor(small, 384, 256), small);
});
