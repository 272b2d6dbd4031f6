/**
 * Images per second of the `tags` pass (MobileNetV2 classifier) and the `embed` pass (tiny CLIP
 * signature model: real preprocessing and plumbing, random weights) on the fixture photos' upright
 * previews, against a bare onnxruntime loop over the same, already-preprocessed tensors.
 *
 *   node --import tsx bench/tags.bench.ts
 *
 * The pass time includes what the bare loop leaves out: JPEG decode + resize/crop (sharp), the
 * mapping, and the SQLite commit. Both are printed, with the ratio and the decode share.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { renderPreview } from '../src/image/render.js';
import { silentLogger } from '../src/log/index.js';
import { createClipHandle } from '../src/ml/clip/clip-handle.js';
import { CLIP_PREPROCESS, IMAGENET_PREPROCESS, imageToTensor } from '../src/ml/clip/image-tensor.js';
import { createClassifierHandle, noClassifier, noClip, staticClassifierSource, staticClipSource } from '../src/ml/clip/model-sources.js';
import { ort } from '../src/ml/clip/onnx-session.js';
import { createEmbedPass } from '../src/passes/embed.pass.js';
import type { Pass } from '../src/passes/pass.js';
import { createTagsPass } from '../src/passes/tags.pass.js';
import { openDb, tx } from '../src/store/db.js';
import { getFile } from '../src/store/repositories/file.repository.js';
import { FIXTURES, MODELS, tempDir } from '../tests/helpers/fixtures.js';

const t = tempDir('rawlight-bench-tags-');
const cacheDir = path.join(t.dir, 'cache');
const { db } = openDb(path.join(t.dir, 'rawlight.db'));
const log = silentLogger();

const photos = ['scenes', 'gps'].flatMap((d) => readdirSync(path.join(FIXTURES, 'photos', d)).filter((f) => /\.jpe?g$/i.test(f)).map((f) => path.join(FIXTURES, 'photos', d, f)));
const previews: { id: number; file: string }[] = [];
for (const p of photos) {
  const r = await renderPreview(p, null, { cacheDir });
  const now = Date.now();
  const id = Number(db.prepare(`INSERT INTO files (path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, '/', 'jpg', 'image', 'present', ?, ?)`).run(p, now, now).lastInsertRowid);
  db.prepare(`INSERT INTO previews (file_id, preview_hash, source, width, height, bytes, path, thumb_path, orientation, made_at) VALUES (?, ?, 'file', ?, ?, ?, ?, ?, 1, ?)`).run(id, r.previewHash, r.width, r.height, r.bytes, r.path, r.thumbPath, now);
  previews.push({ id, file: path.join(cacheDir, r.path) });
}
console.log(`tags/embed bench: ${previews.length} fixture previews (long side ≤ 2048), node ${process.version}`);

async function timeIt(fn: () => Promise<void>): Promise<number> {
  const s = performance.now();
  await fn();
  return performance.now() - s;
}

async function runPassOver(pass: Pass): Promise<number> {
  return timeIt(async () => {
    for (const p of previews) {
      const file = getFile(db, p.id)!;
      const key = pass.inputKey(db, file);
      if (!key) throw new Error(`${pass.name} does not apply to ${file.path}`);
      const o = await pass.run({ file, inputKey: key, log, signal: new AbortController().signal, db });
      tx(db, () => o.commit?.(db));
    }
  });
}

function report(name: string, n: number, bareMs: number, prepMs: number, passMs: number): void {
  const ips = (ms: number) => ((n / ms) * 1000).toFixed(1);
  console.log(`\n${name}`);
  console.log(`  bare onnxruntime loop (tensors ready)  ${ips(bareMs)} img/s  (${(bareMs / n).toFixed(1)} ms/img)`);
  console.log(`  decode + preprocess alone              ${ips(prepMs)} img/s  (${(prepMs / n).toFixed(1)} ms/img)`);
  console.log(`  pass run + commit                      ${ips(passMs)} img/s  (${(passMs / n).toFixed(1)} ms/img)`);
  console.log(`  ratio pass / bare ${(passMs / bareMs).toFixed(2)};  pass / (bare + decode) ${(passMs / (bareMs + prepMs)).toFixed(2)}  (overhead beyond decode+inference: ${(((passMs - bareMs - prepMs) / passMs) * 100).toFixed(1)} %)`);
}

try {
  // Classifier (the tags pass without CLIP).
  {
    const model = path.join(MODELS, 'mobilenetv2-12-int8', 'mobilenetv2-12-int8.onnx');
    const labels = path.join(MODELS, 'mobilenetv2-12-int8', 'imagenet-simple-labels.json');
    const tensors: Float32Array[] = [];
    const prepMs = await timeIt(async () => {
      for (const p of previews) tensors.push(await imageToTensor(p.file, IMAGENET_PREPROCESS));
    });
    // Baseline: bare onnxruntime in this thread (what the pass's worker-thread session is measured against).
    const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
    await session.run({ input: new ort.Tensor('float32', tensors[0]!, [1, 3, 224, 224]) }); // warm-up
    const bareMs = await timeIt(async () => {
      for (const x of tensors) await session.run({ input: new ort.Tensor('float32', x, [1, 3, 224, 224]) });
    });
    await session.release();
    const pass = createTagsPass({ clip: noClip, classifier: staticClassifierSource(createClassifierHandle({ id: 'mobilenetv2-12-int8', model, labels })), cacheDir, config: { passes: { tags: true, embed: true } } });
    await (staticClassifierSource(createClassifierHandle({ id: 'w', model, labels })).current()!.get()); // load outside the timing
    await runPassOver(pass); // warm-up (session load, caches)
    report('tags pass, MobileNetV2 int8 classifier', previews.length, bareMs, prepMs, await runPassOver(pass));
  }
  // Embed pass with the tiny Xenova-signature CLIP (random weights; measures plumbing, not a real ViT).
  {
    const TINY = path.join(MODELS, 'clip-signature-tiny');
    const vocab = path.join(MODELS, 'clip-tokenizer', 'bpe_simple_vocab_16e6.txt.gz');
    const handle = createClipHandle({ id: 'clip-tiny-xenova-signature', visual: path.join(TINY, 'xenova_vision_model.onnx'), textual: path.join(TINY, 'xenova_text_model.onnx'), vocab });
    const m = await handle.get();
    const tensors: Float32Array[] = [];
    const prepMs = await timeIt(async () => {
      for (const p of previews) tensors.push(await imageToTensor(p.file, CLIP_PREPROCESS));
    });
    const bareMs = await timeIt(async () => {
      for (const x of tensors) await m.embedImageTensors([x]);
    });
    const pass = createEmbedPass({ clip: staticClipSource(handle), cacheDir, config: { passes: { embed: true } } });
    await runPassOver(pass);
    report('embed pass, tiny CLIP signature model (random weights)', previews.length, bareMs, prepMs, await runPassOver(pass));
    await handle.close();
  }
  void noClassifier;
} finally {
  db.close();
  t.cleanup();
}
