import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BitIndex } from '../../../src/search/bit-index.js';
import { packSigns } from '../../../src/search/clip-embedding.repository.js';
import { parseDateBound } from '../../../src/search/date-range.js';
import { looksLikeFileName, queryTerms } from '../../../src/search/search.js';

describe('query parsing', () => {
  test('file-name-like queries', () => {
    for (const q of ['DSC06241', 'IMG_1234.CR3', '_MG_0635', 'DSCN0010', 'P1000123', 'GOPR8508', 'IMG_E4120', 'photo.jpg', 'x.NEF', 'sunset.avif', 'edit.psd', 'P5010001.ORI', 'cat.gif', 'pano.insp', 'a.jxl']) assert.ok(looksLikeFileName(q), q);
    for (const q of ['dog', 'dog on a beach', 'Arezzo', '2024', 'sunset 2019', '', 'café', 'st.louis', 'notes.txt']) assert.ok(!looksLikeFileName(q), q);
  });

  test('terms: lower-case, stopwords dropped, singular and plural spellings', () => {
    assert.deepEqual(queryTerms('Photos of DOGS on the beach'), [['dogs', 'dog'], ['beach', 'beaches']]);
    assert.deepEqual(queryTerms('butterflies'), [['butterflies', 'butterfly']]);
    assert.deepEqual(queryTerms('grass'), [['grass', 'grasses']]);
    assert.deepEqual(queryTerms('the a of'), []);
    // How a request is put is not what it asks for; a verb that is a subject stays.
    assert.deepEqual(queryTerms('show me dogs on the beach'), queryTerms('dogs beach'));
    assert.deepEqual(queryTerms('beach show me dogs on the'), queryTerms('dogs beach').reverse());
    assert.deepEqual(queryTerms('Find all pics I took in Tuscany'), [['tuscany', 'tuscanies']]);
    assert.deepEqual(queryTerms('photos taken at the dog show'), [['dog', 'dogs'], ['show', 'shows']]);
  });

  test('date bounds cover whole periods', () => {
    assert.equal(parseDateBound('2024', 'from'), Date.UTC(2024, 0, 1));
    assert.equal(parseDateBound('2024', 'to'), Date.UTC(2025, 0, 1));
    assert.equal(parseDateBound('2024-02', 'to'), Date.UTC(2024, 2, 1));
    assert.equal(parseDateBound('2024-12-31', 'to'), Date.UTC(2025, 0, 1));
    assert.equal(parseDateBound('2024-05-06T07:08:09Z', 'from'), Date.UTC(2024, 4, 6, 7, 8, 9));
    assert.equal(parseDateBound('2024-13', 'from'), null);
    assert.equal(parseDateBound('yesterday', 'from'), null);
  });
});

describe('bit index', () => {
  function rng(seed: number) {
    let s = seed;
    return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  }
  const hamming = (a: Uint8Array, b: Uint8Array) => a.reduce((d, x, i) => d + [...(x ^ b[i]!).toString(2)].filter((c) => c === '1').length, 0);

  test('nearest by Hamming equals a brute-force count, with filters and replacement', () => {
    const r = rng(3);
    const dim = 72; // not a multiple of 32: the last word is partial
    const vecs = new Map<number, Uint8Array>();
    const idx = new BitIndex(dim);
    for (let id = 1; id <= 3000; id++) {
      const v = packSigns(Float32Array.from({ length: dim }, r));
      vecs.set(id * 7, v);
      idx.put(id * 7, v);
    }
    // Replacing a vector keeps one slot per file.
    const q = packSigns(Float32Array.from({ length: dim }, r));
    vecs.set(7, q);
    idx.put(7, q);
    assert.equal(idx.size, 3000);
    const got = idx.nearest(q, 25);
    assert.equal(got[0], 7);
    const dists = [...vecs].map(([id, v]) => ({ id, d: hamming(v, q) })).sort((a, b) => a.d - b.d);
    const bound = dists[24]!.d;
    assert.equal(got.length, 25);
    for (const id of got) assert.ok(hamming(vecs.get(id)!, q) <= bound);
    const allow = new Set([14, 21, 700]);
    assert.deepEqual(idx.nearest(q, 10, allow).sort((a, b) => a - b), [14, 21, 700]);
  });
});
