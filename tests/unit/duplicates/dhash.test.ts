import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hamming, hammingSplit, split } from '../../../src/duplicates/dhash.js';
import { hashPairs, isEditPair } from '../../../src/duplicates/find-duplicates.js';

/** A fixed-seed generator (xorshift) so the test is the same every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

describe('perceptual hash candidates', () => {
  test('split popcount equals BigInt popcount', () => {
    const r = rng(7);
    for (let i = 0; i < 200; i++) {
      const a = BigInt.asIntN(64, (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32)));
      const b = BigInt.asIntN(64, (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32)));
      assert.equal(hammingSplit(split(a), split(b)), hamming(a, b));
    }
  });

  test('the banded index finds exactly the pairs brute force finds, up to 7 bits', () => {
    const r = rng(42);
    const items: { id: number; h: ReturnType<typeof split> }[] = [];
    const base: bigint[] = [];
    for (let i = 0; i < 60; i++) base.push(BigInt.asIntN(64, (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32))));
    let id = 0;
    for (const b of base) {
      items.push({ id: id++, h: split(b) });
      // Near copies: flip 1..9 random bits.
      for (let c = 0; c < 3; c++) {
        let h = BigInt.asUintN(64, b);
        const flips = 1 + Math.floor(r() * 9);
        for (let k = 0; k < flips; k++) h ^= 1n << BigInt(Math.floor(r() * 64));
        items.push({ id: id++, h: split(BigInt.asIntN(64, h)) });
      }
    }
    for (const max of [3, 5, 7]) {
      const brute: string[] = [];
      for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) if (hammingSplit(items[i]!.h, items[j]!.h) <= max) brute.push(`${items[i]!.id}:${items[j]!.id}`);
      const got = hashPairs(items, max).map(([a, b]) => `${a}:${b}`);
      assert.deepEqual(got.sort(), brute.sort(), `max ${max}`);
      assert.ok(brute.length > 50, 'the data has near pairs to find');
    }
  });
});

describe('original beside its edit', () => {
  test('Apple edits, -edit and copy suffixes pair; consecutive frames do not', () => {
    assert.ok(isEditPair('/a/IMG_4120.JPG', '/a/IMG_E4120.JPG'));
    assert.ok(isEditPair('/a/frankfurt_IMG_4120.JPG', '/b/frankfurt_IMG_E4120.jpg'));
    assert.ok(isEditPair('/a/DSC_0001.NEF', '/a/DSC_0001-edit.jpg'));
    assert.ok(isEditPair('/a/DSC_0001.jpg', '/a/DSC_0001 copy.jpg'));
    assert.ok(!isEditPair('/a/DSCN7001.jpg', '/a/DSCN7002.jpg'));
    assert.ok(!isEditPair('/a/IMG_4120.JPG', '/a/IMG_4121.JPG'));
  });
});
