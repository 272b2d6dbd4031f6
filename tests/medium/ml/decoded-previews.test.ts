// One decode per photo: the preview-keyed passes share decoded pixels through DecodedPreviews, and
// a model fed those pixels gets exactly the tensor it got from the JPEG file.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { CLIP_PREPROCESS, IMAGENET_PREPROCESS, imageToTensor } from '../../../src/ml/clip/image-tensor.js';
import { DecodedPreviews } from '../../../src/ml/decoded-previews.js';
import { decodeRgb, type RgbImage } from '../../../src/ml/image.js';
import { classifierSourceFromRegistry, noClip } from '../../../src/ml/clip/model-sources.js';
import { ocrSourceFromRegistry } from '../../../src/ml/ocr/ocr-source.js';
import { ModelRegistry } from '../../../src/ml/registry.js';
import { ModelSessions } from '../../../src/ml/session.js';
import { createFacesPass } from '../../../src/passes/faces.pass.js';
import { createOcrPass } from '../../../src/passes/ocr.pass.js';
import { createTagsPass } from '../../../src/passes/tags.pass.js';
import { ocrTextForFile } from '../../../src/search/ocr-text.repository.js';
import { openDb } from '../../../src/store/db.js';
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';
import { addPhoto, config, runPass } from './faces-helpers.js';

const tmp = tempDir('rawlight-decoded-');
after(() => tmp.cleanup());
const JPEG = path.join(FIXTURES, 'photos/gps/kenya_lizard.jpg');

test('pixels from the shared decode give the same model tensors as decoding the file', async () => {
  const rgb = await decodeRgb(JPEG);
  for (const p of [CLIP_PREPROCESS, IMAGENET_PREPROCESS]) {
    const fromFile = await imageToTensor(JPEG, p);
    const fromPixels = await imageToTensor(rgb, p);
    assert.equal(fromPixels.length, fromFile.length);
    let maxDiff = 0;
    for (let i = 0; i < fromFile.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fromFile[i]! - fromPixels[i]!));
    assert.ok(maxDiff < 1e-5, `max diff ${maxDiff}`);
  }
});

test('concurrent and later requests for one preview share one decode; the LRU stays bounded', async () => {
  let decodes = 0;
  const cache = new DecodedPreviews({
    cacheDir: path.dirname(JPEG),
    maxEntries: 2,
    decode: (f) => {
      decodes++;
      return decodeRgb(f);
    },
  });
  const name = path.basename(JPEG);
  const [a, b] = await Promise.all([cache.get('h1', name), cache.get('h1', name)]); // faces and tags side by side
  const c = await cache.get('h1', name); // CLIP a moment later
  assert.equal(decodes, 1);
  assert.ok(a === b && b === c);
  await cache.get('h2', name);
  await cache.get('h3', name); // evicts h1 (least recently used)
  assert.equal(cache.size, 2);
  await cache.get('h1', name);
  assert.equal(decodes, 4);
  cache.clear();
  assert.equal(cache.size, 0);
});

test('a failed decode is not kept: the next pass tries again and gets its own error or pixels', async () => {
  const bad = path.join(tmp.dir, 'p.jpg');
  let calls = 0;
  const cache = new DecodedPreviews({
    cacheDir: tmp.dir,
    maxEntries: 4,
    decode: async (f): Promise<RgbImage> => {
      calls++;
      if (calls === 1) return decodeRgb(f); // the preview is not there yet
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } }).jpeg().toFile(f);
      return decodeRgb(f);
    },
  });
  await assert.rejects(cache.get('h', 'p.jpg'), (e: { code?: string }) => e.code === 'PREVIEW_MISSING');
  const img = await cache.get('h', 'p.jpg');
  assert.deepEqual([img.width, img.height, calls], [8, 8, 2]);
  assert.equal(path.dirname(bad), tmp.dir);
});

test('faces, classifier tags and OCR of one photo decode its preview once between them, with the same results', async () => {
  const dir = tempDir('rawlight-one-decode-');
  const { db } = openDb(path.join(dir.dir, 'rawlight.db'));
  const sessions = new ModelSessions({ intraOpNumThreads: 1 });
  try {
    // The scanned Curie portrait has a face and a printed caption: every pass finds something.
    const id = await addPhoto(db, dir.dir, path.join(FIXTURES, 'photos/people/curie_portrait-orientation-6.jpg'), 6);
    const registry = new ModelRegistry({ modelsDir: MODELS });
    const cfg = config({ passes: { embed: false } });
    const run = async (decoded: DecodedPreviews | undefined) => {
      const faces = await runPass(db, createFacesPass({ registry, sessions, cacheDir: dir.dir, config: cfg, ...(decoded ? { decoded } : {}) }), id);
      const tags = await runPass(db, createTagsPass({ clip: noClip, classifier: classifierSourceFromRegistry(registry, sessions), cacheDir: dir.dir, config: cfg, ...(decoded ? { decoded } : {}) }), id);
      const ocr = await runPass(db, createOcrPass({ ocr: ocrSourceFromRegistry(registry, sessions), cacheDir: dir.dir, config: cfg, ...(decoded ? { decoded } : {}) }), id);
      return { faces: faces.output?.faces, tags: tags.output?.tags, text: ocrTextForFile(db, id).map((l) => l.text) };
    };
    let decodes = 0;
    const shared = new DecodedPreviews({
      cacheDir: dir.dir,
      maxEntries: 2,
      decode: (f) => {
        decodes++;
        return decodeRgb(f);
      },
    });
    const once = await run(shared);
    assert.equal(decodes, 1, 'one decode for the three passes');
    assert.deepEqual(shared.stats, { hits: 2, decodes: 1 }, 'tags and OCR read the pixels faces decoded');
    assert.ok(Number(once.faces) >= 1 && once.text.length >= 1, JSON.stringify(once));
    // Each pass decoding on its own finds the same.
    assert.deepEqual(await run(undefined), once);
  } finally {
    await sessions.close();
    db.close();
    dir.cleanup();
  }
});
