import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../../src/config/index.js';
import { isDaemonError } from '../../../src/errors/index.js';
import { createClipHandle, type ClipFiles } from '../../../src/ml/clip/clip-handle.js';
import type { ClipModel } from '../../../src/ml/clip/clip-model.js';
import { clipSourceFromRegistry } from '../../../src/ml/clip/model-sources.js';
import { createModelRegistry } from '../../../src/ml/registry.js';
import { ModelSessions } from '../../../src/ml/session.js';
import { resolvePlaces } from '../../../src/platform/places.js';
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';

const TINY = path.join(MODELS, 'clip-signature-tiny');
const VOCAB = path.join(MODELS, 'clip-tokenizer', 'bpe_simple_vocab_16e6.txt.gz');
const VARIANTS: ClipFiles[] = [
  { id: 'clip-tiny-xenova-signature', visual: path.join(TINY, 'xenova_vision_model.onnx'), textual: path.join(TINY, 'xenova_text_model.onnx'), vocab: VOCAB },
  { id: 'clip-tiny-immich-signature', visual: path.join(TINY, 'immich_visual.onnx'), textual: path.join(TINY, 'immich_textual.onnx'), vocab: VOCAB },
];
const IMAGES = ['scenes/dog_corgi.jpg', 'scenes/eagle.jpg', 'scenes/bus.jpg'].map((p) => path.join(FIXTURES, 'photos', p));
const TEXTS = ['a photo of a dog', 'a cat', 'sunset over the sea with a sailing boat on the horizon'];

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

for (const files of VARIANTS) {
  describe(`CLIP runner: ${files.id}`, () => {
    let model: ClipModel;
    before(async () => {
      for (const f of [files.visual, files.textual, files.vocab]) assert.ok(existsSync(f), `model file missing: ${f}`);
      model = await createClipHandle(files).get();
    });
    after(() => model?.close());

    test('reads the signature from the session', () => {
      const s = model.signature;
      if (files.id.includes('xenova')) {
        assert.deepEqual([s.image.input, s.image.output, s.image.batch], ['pixel_values', 'image_embeds', 'dynamic']);
        assert.deepEqual([s.text.input, s.text.output, s.text.dtype, s.text.length], ['input_ids', 'text_embeds', 'int64', 'longest']);
      } else {
        assert.deepEqual([s.image.input, s.image.output, s.image.batch], ['image', 'embedding', 1]);
        assert.deepEqual([s.text.input, s.text.output, s.text.dtype, s.text.length], ['text', 'embedding', 'int32', 77]);
      }
      assert.equal(model.dim, 512);
    });

    test('image embeddings: normalised, deterministic, batch = one by one', async () => {
      const batch = await model.embedImages(IMAGES);
      assert.equal(batch.length, 3);
      for (const v of batch) assert.ok(Math.abs(norm(v) - 1) < 1e-5);
      for (let i = 0; i < IMAGES.length; i++) {
        const [one] = await model.embedImages([IMAGES[i]!]);
        assert.ok(maxDiff(one!, batch[i]!) < 1e-5, `row ${i} differs from a single run`);
      }
      assert.ok(maxDiff(batch[0]!, batch[1]!) > 1e-3, 'different photos give different embeddings');
    });

    test('text embeddings: normalised, padding-invariant in a batch, different texts differ', async () => {
      const batch = await model.embedTexts(TEXTS);
      for (const v of batch) assert.ok(Math.abs(norm(v) - 1) < 1e-5);
      for (let i = 0; i < TEXTS.length; i++) {
        const [one] = await model.embedTexts([TEXTS[i]!]);
        // Rows in a batch are padded to the longest (or to 77): the end-token pooling ignores it.
        assert.ok(maxDiff(one!, batch[i]!) < 1e-5, `text ${i} changes with padding`);
      }
      assert.ok(maxDiff(batch[0]!, batch[1]!) > 1e-3);
      const again = await model.embedTexts(TEXTS);
      assert.ok(maxDiff(again[2]!, batch[2]!) === 0);
    });
  });
}

describe('CLIP model files missing or damaged', () => {
  test('a missing file is MODEL_MISSING, a truncated one MODEL_INVALID; a later good load works', async () => {
    const t = tempDir();
    try {
      const truncated = path.join(t.dir, 'text.onnx');
      writeFileSync(truncated, readFileSync(VARIANTS[0]!.textual).subarray(0, 4096));
      const bad = createClipHandle({ ...VARIANTS[0]!, textual: truncated });
      await assert.rejects(bad.get(), (e: unknown) => isDaemonError(e) && e.code === 'MODEL_INVALID');
      const missing = createClipHandle({ ...VARIANTS[0]!, visual: path.join(t.dir, 'nope.onnx') });
      await assert.rejects(missing.get(), (e: unknown) => isDaemonError(e) && e.code === 'MODEL_MISSING');
      const noVocab = createClipHandle({ ...VARIANTS[0]!, vocab: path.join(t.dir, 'nope.txt.gz') });
      await assert.rejects(noVocab.get(), (e: unknown) => isDaemonError(e) && e.code === 'MODEL_MISSING');
      // The handle does not cache the failure: once the file is good, it loads.
      writeFileSync(truncated, readFileSync(VARIANTS[0]!.textual));
      const m = await bad.get();
      assert.equal((await m.embedTexts(['ok'])).length, 1);
      await bad.close();
    } finally {
      t.cleanup();
    }
  });
});

describe('CLIP from the model registry', () => {
  const places = resolvePlaces({ env: { RAWLIGHT_HOME: '/nonexistent-rawlight-home' } });

  test('the tiny models are used only when the config names them', () => {
    const auto = clipSourceFromRegistry(createModelRegistry(parseConfig({ modelsDir: MODELS }), places));
    assert.equal(auto.current(), null);
  });

  test('a pinned tiny model loads through the shared sessions and runs', async () => {
    const sessions = new ModelSessions();
    const src = clipSourceFromRegistry(createModelRegistry(parseConfig({ modelsDir: MODELS, models: { clip: 'clip-tiny-immich-signature' } }), places), sessions);
    try {
      const h = src.current();
      assert.equal(h?.id, 'clip-tiny-immich-signature');
      const m = await h!.get();
      const [t] = await m.embedTexts(['a photo of a cat']);
      const [i] = await m.embedImages([IMAGES[0]!]);
      assert.equal(t!.length, 512);
      assert.equal(i!.length, 512);
      assert.ok(sessions.info().some((s) => s.modelId === 'clip-tiny-immich-signature'));
    } finally {
      await src.close();
      await sessions.close();
    }
  });
});
