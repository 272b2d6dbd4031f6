import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultManifestPath, loadManifest, parseManifest, type Manifest } from '../../../src/ml/manifest.js';
import { ModelRegistry } from '../../../src/ml/registry.js';
import { tempDir } from '../../helpers/fixtures.js';

const A = Buffer.from('detector A bytes');
const B = Buffer.from('detector B, other bytes');
const E = Buffer.from('embedder bytes!');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function file(p: string, b: Buffer) {
  return { path: p, urls: [], sha256: sha(b), bytes: b.length, evidence: { sha256: 'confirmed', bytes: 'confirmed', note: '' } };
}
function model(id: string, role: string, files: ReturnType<typeof file>[], extra: Record<string, unknown> = {}) {
  return {
    id, role, name: id, family: 'yunet', fetch: 'default', licence: { name: 'MIT', commercial: true, note: '' }, files,
    signature: { names: 'confirmed', inputs: [], outputs: [] },
    preprocess: { channels: 'RGB', layout: 'NCHW', scale: 1, mean: [0, 0, 0], std: [1, 1, 1], resize: 'x' },
    ...extra,
  };
}
function manifest(): Manifest {
  return parseManifest({
    schema: 1,
    about: 'test',
    preference: { faceDetector: ['det-a', 'det-b', 'det-optin'], faceEmbedder: ['emb'], clip: [], classifier: [] },
    models: [
      model('det-a', 'faceDetector', [file('a/a.onnx', A)]),
      model('det-b', 'faceDetector', [file('b/b.onnx', B)], { fetch: 'manual', how: 'copy b.onnx by hand' }),
      model('det-optin', 'faceDetector', [file('c/c.onnx', A)], { optIn: true }),
      model('emb', 'faceEmbedder', [file('e/e.onnx', E)], { embedding: { dim: 4, match: 0.4, cluster: 0.5 } }),
    ],
  });
}

describe('ModelRegistry', () => {
  let dir: string, cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());
  const put = (rel: string, b: Buffer) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), b);
  };

  test('nothing installed: every role missing, with how to get it, and no throw', () => {
    const r = new ModelRegistry({ modelsDir: dir, manifest: manifest() });
    assert.equal(r.resolve('faceDetector'), null);
    const rep = r.report('faceDetector');
    assert.equal(rep.state, 'missing');
    assert.match(rep.howToGet!, /install\.sh \(downloads det-a\)/);
    assert.match(rep.howToGet!, /copy b\.onnx by hand/);
    assert.match(rep.howToGet!, /RAWLIGHT_MODELS/);
    assert.equal(r.report('clip').state, 'missing');
  });

  test('picks the best present model by preference; opt-in models are never picked automatically', () => {
    put('c/c.onnx', A);
    put('b/b.onnx', B);
    const r = new ModelRegistry({ modelsDir: dir, manifest: manifest() });
    assert.equal(r.resolve('faceDetector')?.id, 'det-b');
    put('a/a.onnx', A);
    r.refresh();
    const chosen = r.resolve('faceDetector')!;
    assert.equal(chosen.id, 'det-a');
    assert.equal(chosen.onnxPath, path.join(dir, 'a/a.onnx'));
    assert.equal(r.report('faceDetector').licence?.name, 'MIT');
  });

  test('a config pin wins, even for an opt-in model, and never falls back', () => {
    put('a/a.onnx', A);
    put('c/c.onnx', A);
    assert.equal(new ModelRegistry({ modelsDir: dir, manifest: manifest(), pins: { faceDetector: 'det-optin' } }).resolve('faceDetector')?.id, 'det-optin');
    const pinnedMissing = new ModelRegistry({ modelsDir: dir, manifest: manifest(), pins: { faceDetector: 'det-b' } });
    assert.equal(pinnedMissing.resolve('faceDetector'), null);
    assert.equal(pinnedMissing.report('faceDetector').state, 'missing');
    const unknown = new ModelRegistry({ modelsDir: dir, manifest: manifest(), pins: { faceDetector: 'emb' } });
    assert.equal(unknown.report('faceDetector').state, 'invalid');
    assert.match(unknown.report('faceDetector').problem!, /not a faceDetector model/);
  });

  test('a file of the wrong size is invalid, and the next candidate is used', () => {
    put('a/a.onnx', A.subarray(0, 5));
    const r = new ModelRegistry({ modelsDir: dir, manifest: manifest() });
    assert.equal(r.resolve('faceDetector'), null);
    assert.equal(r.report('faceDetector').state, 'invalid');
    assert.match(r.report('faceDetector').problem!, /5 bytes, expected 16/);
    put('b/b.onnx', B);
    r.refresh();
    assert.equal(r.resolve('faceDetector')?.id, 'det-b');
  });

  test('file checks are cached for recheckMs, then redone', () => {
    let now = 0;
    const r = new ModelRegistry({ modelsDir: dir, manifest: manifest(), recheckMs: 1000, now: () => now });
    assert.equal(r.resolve('faceEmbedder'), null);
    put('e/e.onnx', E);
    now = 500;
    assert.equal(r.resolve('faceEmbedder'), null);
    now = 1000;
    assert.equal(r.resolve('faceEmbedder')?.id, 'emb');
  });

  test('verify: sha256 catches a same-size corruption the cheap check misses', async () => {
    const bad = Buffer.from(A);
    bad[0] = bad[0]! ^ 0xff;
    put('a/a.onnx', bad);
    put('e/e.onnx', E);
    const r = new ModelRegistry({ modelsDir: dir, manifest: manifest() });
    assert.equal(r.resolve('faceDetector')?.id, 'det-a');
    const res = await r.verify();
    assert.equal(res.find((x) => x.path === 'a/a.onnx')?.state, 'hash-mismatch');
    assert.equal(res.find((x) => x.path === 'e/e.onnx')?.state, 'ok');
    assert.equal(res.find((x) => x.path === 'b/b.onnx')?.state, 'missing');
  });
});

describe('manifest', () => {
  test('the shipped manifest parses, and preference lists name models of their role', () => {
    const m = loadManifest();
    assert.ok(m.models.length >= 10);
    for (const e of m.models) for (const f of e.files) if (f.sha256) assert.match(f.sha256, /^[0-9a-f]{64}$/);
    // Licences that forbid commercial use, and random test models, must be opt-in.
    for (const e of m.models) if (!e.licence.commercial || e.testOnly) assert.ok(e.optIn || e.licence.name === 'unknown', `${e.id} must be optIn`);
    // Every embedder states its dim and thresholds for the people engineer.
    for (const e of m.models.filter((x) => x.role === 'faceEmbedder')) {
      assert.ok(e.embedding?.dim && e.embedding.match !== undefined && e.embedding.cluster !== undefined, e.id);
      assert.ok(e.embedding.cluster! >= e.embedding.match!, `${e.id}: cluster is the stricter threshold`);
    }
    // The default downloads must all be verifiable.
    for (const e of m.models.filter((x) => x.fetch === 'default')) for (const f of e.files) assert.equal(f.evidence.sha256, 'confirmed', `${e.id} ${f.path}`);
  });

  test('bad manifests are refused with the reason', () => {
    const raw = JSON.parse(readFileSync(defaultManifestPath(), 'utf8'));
    raw.preference.faceDetector.push('mobilenetv2-12-int8');
    assert.throws(() => parseManifest(raw), /preference\.faceDetector names mobilenetv2-12-int8/);
    const dup = JSON.parse(readFileSync(defaultManifestPath(), 'utf8'));
    dup.models.push(dup.models[0]);
    assert.throws(() => parseManifest(dup), /duplicate model id/);
  });
});
