// The ML worker's shared input buffers: reused for the sizes that recur (YuNet's fixed 640x640,
// the classifier's 224x224), never piling up for sizes that do not (OCR's per-photo shapes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedPool } from '../../../src/ml/ort-host.js';
import { memoryOptions } from '../../../src/ml/session.js';

test('a first-seen size gets no shared buffer; a recurring one does, and is reused once given back', () => {
  const pool = new SharedPool(1024);
  assert.equal(pool.take(100), null, 'new size: the caller sends a copy');
  const b = pool.take(100);
  assert.ok(b instanceof SharedArrayBuffer && b.byteLength === 100);
  pool.give(b);
  assert.equal(pool.take(100), b, 'reused');
  assert.equal(pool.heldBytes, 0);
});

test('free buffers are bounded in bytes, oldest out first, whatever the number of sizes', () => {
  const pool = new SharedPool(1000);
  const bufs = [300, 400, 500, 600].map((n) => {
    pool.take(n);
    return pool.take(n)!;
  });
  for (const b of bufs) pool.give(b);
  assert.ok(pool.heldBytes <= 1000, `${pool.heldBytes} bytes held`);
  assert.equal(pool.take(600), bufs[3], 'the newest is kept');
  assert.notEqual(pool.take(300), bufs[0], 'the oldest went first');
  pool.give(new SharedArrayBuffer(2000));
  assert.equal(pool.heldBytes, 0, 'a buffer bigger than the bound is not kept');
});

test('sizes that stop recurring are forgotten: only recent sizes get shared buffers', () => {
  const pool = new SharedPool(1 << 20);
  pool.take(8);
  for (let i = 1; i <= 16; i++) pool.take(8 + i); // sixteen other shapes since
  assert.equal(pool.take(8), null);
});

test('models with a dynamic image size run without a memory pattern but keep the arena; fixed shapes keep both', () => {
  const t = (shape: (number | string)[]) => ({ inputs: [{ name: 'x', type: 'float32', shape }], outputs: [] });
  assert.deepEqual(memoryOptions(t(['batch', 3, 'height', 'width'])), { enableMemPattern: false });
  assert.deepEqual(memoryOptions(t(['batch', 3, 48, 'width'])), { enableMemPattern: false });
  assert.deepEqual(memoryOptions(t([1, 3, 640, 640])), {});
  assert.deepEqual(memoryOptions(t(['batch_size', 3, 224, 224])), {}, 'a dynamic batch alone is not a new shape per photo');
});
