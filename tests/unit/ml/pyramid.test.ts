// Reduced copies of decoded pixels shared between models (pyramid.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RgbImage } from '../../../src/ml/image.js';
import { analysisSize, reduced, sourceFor } from '../../../src/ml/pyramid.js';

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

test('the classifier resizes from the analysis copy whether or not the faces pass made it first; from the image when the copy does not fit', async () => {
  // Made on demand when nothing ran before, and then the very copy the detector asks for.
  const img = image(2048, 1364);
  assert.deepEqual(analysisSize(img), { width: 640, height: 426 });
  const first = await sourceFor(img, 384, 256);
  assert.deepEqual([first.width, first.height], [640, 426]);
  assert.equal(await reduced(img, 640, 426), first, 'the detector gets the same copy');
  // The detector first: the same copy again.
  const other = image(2048, 1364);
  const det = await reduced(other, 640, 426);
  assert.equal(await sourceFor(other, 384, 256), det);
  assert.deepEqual(first.data, det.data, 'the same pixels either way');
  assert.equal(await sourceFor(img, 150, 100), img, 'the copy would be over twice the size');
  assert.equal(await sourceFor(img, 700, 400), img, 'the copy is too small');
  // A preview no larger than the analysis side has no copy (the detector enlarges it in its tensor).
  const small = image(500, 333);
  assert.equal(analysisSize(small), null);
  assert.equal(await sourceFor(small, 384, 256), small);
  // A panorama's copy is too short for the classifier's 256 px side: the image itself.
  const pano = image(2048, 400);
  assert.equal(await sourceFor(pano, 1311, 256), pano);
});
