import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDaemonError } from '../../../src/errors/index.js';
import { createModelRegistry, ModelRegistry } from '../../../src/ml/registry.js';
import { ModelSessions } from '../../../src/ml/session.js';
import { createFacesPass } from '../../../src/passes/faces.pass.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { getFile } from '../../../src/store/repositories/file.repository.js';
import { silentLogger } from '../../../src/log/index.js';
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';
import { addPhoto, config } from './faces-helpers.js';

const YUNET = 'yunet-2023mar/face_detection_yunet_2023mar.onnx';
const EMB = 'faceplugin-fr-feature-512/fr_feature.onnx';

function copyModel(dir: string, rel: string, bytes?: Buffer): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  if (bytes) writeFileSync(path.join(dir, rel), bytes);
  else copyFileSync(path.join(MODELS, rel), path.join(dir, rel));
}

async function rejectsWith(p: Promise<unknown>, code: string, re?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isDaemonError(e), `a DaemonError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

describe('registry on the real models folder', () => {
  test('RAWLIGHT_MODELS=shared models: YuNet + faceplugin 512 + MobileNetV2, no CLIP', () => {
    const places = { configDir: '/nonexistent', dataDir: '/nonexistent', cacheDir: '/nonexistent', logsDir: '/nonexistent' };
    const cfg = config({ modelsDir: MODELS });
    const r = createModelRegistry(cfg, places);
    assert.equal(r.resolve('faceDetector')?.id, 'yunet-2023mar');
    assert.equal(r.resolve('faceEmbedder')?.id, 'faceplugin-fr-feature-512');
    assert.equal(r.resolve('classifier')?.id, 'mobilenetv2-12-int8');
    assert.equal(r.resolve('clip'), null, 'the random-weight CLIP stand-ins are never chosen by default');
    assert.equal(r.resolve('faceEmbedder')?.entry.preprocess.channels, 'BGR');
    // A pin picks a test-only model.
    const pinned = createModelRegistry(config({ modelsDir: MODELS, models: { clip: 'clip-tiny-xenova-signature', faceEmbedder: 'mobilefacenet-128' } }), places);
    assert.equal(pinned.resolve('clip')?.id, 'clip-tiny-xenova-signature');
    assert.equal(pinned.resolve('faceEmbedder')?.id, 'mobilefacenet-128');
  });

  test('verify: every present shared model matches its manifest sha256', async () => {
    const res = (await new ModelRegistry({ modelsDir: MODELS }).verify()).filter((r) => r.state !== 'missing');
    assert.ok(res.length >= 10);
    for (const r of res) assert.equal(r.state, 'ok', `${r.path}: ${r.detail}`);
  });

  test('every chosen model loads and matches its manifest signature', async () => {
    const r = new ModelRegistry({ modelsDir: MODELS });
    const s = new ModelSessions();
    try {
      for (const role of ['faceDetector', 'faceEmbedder', 'classifier'] as const) {
        const m = r.resolve(role)!;
        const loaded = await s.get(m.entry, m.onnxPath);
        assert.equal(loaded.provider, 'cpu');
      }
      assert.equal(s.info().length, 3);
      assert.ok(s.info().every((i) => i.loaded), 'in memory after use');
      // Parked by the idle release: still listed (they load again on next use), no longer in memory.
      assert.equal(await s.park(), true);
      assert.deepEqual(s.info().map((i) => i.loaded), [false, false, false]);
      // The same file is loaded once and shared.
      const m = r.resolve('faceDetector')!;
      assert.equal(await s.get(m.entry, m.onnxPath), await s.get(m.entry, m.onnxPath));
      assert.deepEqual(new ModelSessions({ platform: 'darwin', arch: 'arm64' }).providers(), ['coreml', 'cpu']);
    } finally {
      await s.close();
    }
    await rejectsWith(s.get(r.resolve('faceDetector')!.entry, r.resolve('faceDetector')!.onnxPath), 'MODEL_INVALID', /closed/);
  });
});

describe('missing and damaged models', () => {
  let dir: string, cleanup: () => void, db: WritableDb, fileId: number;
  before(async () => {
    ({ dir, cleanup } = tempDir());
    ({ db } = openDb(path.join(dir, 'rawlight.db')));
    fileId = await addPhoto(db, path.join(dir, 'cache'), path.join(FIXTURES, 'photos', 'people', 'obama_1.jpg'), 1);
  });
  after(() => {
    db.close();
    cleanup();
  });

  test('no models: registry says missing, pass inputKey is null, run() throws MODEL_MISSING', async () => {
    const models = path.join(dir, 'empty-models');
    mkdirSync(models);
    const registry = new ModelRegistry({ modelsDir: models });
    assert.equal(registry.report('faceDetector').state, 'missing');
    const sessions = new ModelSessions();
    const pass = createFacesPass({ registry, sessions, cacheDir: path.join(dir, 'cache'), config: config() });
    const file = getFile(db, fileId)!;
    assert.equal(pass.inputKey(db, file), null);
    await rejectsWith(pass.run({ file, inputKey: 'x', log: silentLogger(), signal: new AbortController().signal, db }), 'MODEL_MISSING', /install\.sh/);
    await sessions.close();
  });

  test('pass switched off, or no preview yet: inputKey null; otherwise keyed on preview + both model ids + the detection threshold', () => {
    const registry = new ModelRegistry({ modelsDir: MODELS });
    const sessions = new ModelSessions();
    const file = getFile(db, fileId)!;
    const hash = (db.prepare('SELECT preview_hash FROM previews WHERE file_id = ?').get(fileId) as { preview_hash: string }).preview_hash;
    assert.equal(createFacesPass({ registry, sessions, cacheDir: dir, config: config() }).inputKey(db, file), `${hash}:yunet-2023mar:faceplugin-fr-feature-512:0.73`);
    // The detection threshold is part of the input: another one re-runs detection.
    assert.equal(createFacesPass({ registry, sessions, cacheDir: dir, config: config({ faces: { minScore: 0.8 } }) }).inputKey(db, file), `${hash}:yunet-2023mar:faceplugin-fr-feature-512:0.8`);
    assert.equal(createFacesPass({ registry, sessions, cacheDir: dir, config: config({ passes: { faces: false } }) }).inputKey(db, file), null);
    assert.equal(createFacesPass({ registry, sessions, cacheDir: dir, config: config() }).inputKey(db, { ...file, id: 999_999 }), null);
  });

  test('truncated .onnx: registry reports it invalid, the pass waits, and loading it is MODEL_INVALID (no crash)', async () => {
    const models = path.join(dir, 'truncated-models');
    const full = readFileSync(path.join(MODELS, YUNET));
    copyModel(models, YUNET, full.subarray(0, Math.floor(full.length / 2)));
    copyModel(models, EMB);
    const registry = new ModelRegistry({ modelsDir: models });
    const rep = registry.report('faceDetector');
    assert.equal(rep.state, 'invalid');
    assert.match(rep.problem!, /expected 232589/);
    const sessions = new ModelSessions();
    const pass = createFacesPass({ registry, sessions, cacheDir: path.join(dir, 'cache'), config: config() });
    const file = getFile(db, fileId)!;
    assert.equal(pass.inputKey(db, file), null);
    await rejectsWith(pass.run({ file, inputKey: 'x', log: silentLogger(), signal: new AbortController().signal, db }), 'MODEL_INVALID');
    // Load it directly anyway (as `models --check` would): a clear MODEL_INVALID.
    const entry = registry.entry('yunet-2023mar')!;
    await rejectsWith(sessions.get(entry, path.join(models, YUNET)), 'MODEL_INVALID', /corrupt or truncated/);
    // A failed load is not cached: a good file in its place loads.
    copyModel(models, YUNET);
    assert.ok((await sessions.get(entry, path.join(models, YUNET))).session);
    await sessions.close();
  });

  test('a model that loads but has another signature is MODEL_INVALID', async () => {
    const r = new ModelRegistry({ modelsDir: MODELS });
    const sessions = new ModelSessions();
    try {
      // mobilefacenet (128-d output) under the 512-d faceplugin entry.
      await rejectsWith(sessions.get(r.entry('faceplugin-fr-feature-512')!, path.join(MODELS, 'mobilefacenet-128/mobilefacenet.onnx')), 'MODEL_INVALID', /dim 1 is 128, expected 512/);
      // The classifier under the detector entry: wrong input shape and outputs.
      await rejectsWith(sessions.get(r.entry('yunet-2023mar')!, path.join(MODELS, 'mobilenetv2-12-int8/mobilenetv2-12-int8.onnx')), 'MODEL_INVALID', /no output "cls_8"/);
    } finally {
      await sessions.close();
    }
  });
});
