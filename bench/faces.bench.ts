// Faces pass throughput on the real people previews vs a bare onnxruntime loop over the same
// tensors (detector input + aligned faces), measured in the same run. The ratio is the pass's
// overhead: JPEG decode, letterbox, decode/NMS, alignment, crops, SQLite commit.
//   node --import tsx bench/faces.bench.ts [rounds]
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { parseConfig } from '../src/config/index.js';
import { silentLogger } from '../src/log/index.js';
import { alignFace } from '../src/ml/faces/align.js';
import { FaceEmbedder } from '../src/ml/faces/embedder.js';
import { YunetDetector } from '../src/ml/faces/yunet.js';
import { decodeRgb } from '../src/ml/image.js';
import { ModelRegistry } from '../src/ml/registry.js';
import { ModelSessions } from '../src/ml/session.js';
import { createFacesPass } from '../src/passes/faces.pass.js';
import { openDb } from '../src/store/db.js';
import { getFile } from '../src/store/repositories/file.repository.js';
import { addPhoto } from '../tests/medium/ml/faces-helpers.js';
import { FIXTURES, MODELS, tempDir } from '../tests/helpers/fixtures.js';

const rounds = Number(process.argv[2] ?? 3);
const people = path.join(FIXTURES, 'photos', 'people');
const { dir, cleanup } = tempDir('rawlight-bench-');
const { db } = openDb(path.join(dir, 'rawlight.db'));
const registry = new ModelRegistry({ modelsDir: MODELS });
const sessions = new ModelSessions();
const pass = createFacesPass({ registry, sessions, cacheDir: dir, config: parseConfig({}) });
const det = new YunetDetector(sessions, registry.resolve('faceDetector')!);
const emb = new FaceEmbedder(sessions, registry.resolve('faceEmbedder')!);

const ids: number[] = [];
for (const f of readdirSync(people).sort()) {
  const src = path.join(people, f);
  ids.push(await addPhoto(db, dir, src, (await sharp(src).metadata()).orientation ?? 1));
}

// Same tensors for the bare loop: the detector input per preview and each aligned face.
const detInputs: { tensor: Float32Array; w: number; h: number }[] = [];
const faceTensors: Float32Array[] = [];
for (const id of ids) {
  const p = db.prepare('SELECT path FROM previews WHERE file_id = ?').get(id) as { path: string };
  const img = await decodeRgb(path.join(dir, p.path));
  const input = await det.prepare(img);
  detInputs.push({ tensor: input.tensor, w: input.inputW, h: input.inputH });
  for (const d of await det.run(input)) faceTensors.push(emb.tensorFor(alignFace(img, d.landmarks)));
}
// The baseline is onnxruntime itself, in this thread, with the daemon's session options (the pass
// runs its sessions on the ML worker thread; that hop is part of the pipeline's cost).
const bareOptions = { executionProviders: sessions.providers(), intraOpNumThreads: Math.max(1, Math.floor(os.availableParallelism() / 2)), interOpNumThreads: 1, graphOptimizationLevel: 'all' } as const;
const detSession = await ort.InferenceSession.create(det.model.onnxPath, bareOptions);
const embSession = await ort.InferenceSession.create(emb.model.onnxPath, bareOptions);

async function bare(): Promise<number> {
  const t = performance.now();
  for (const d of detInputs) await detSession.run({ [detSession.inputNames[0]!]: new ort.Tensor('float32', d.tensor, [1, 3, d.h, d.w]) });
  for (const f of faceTensors) await embSession.run({ [embSession.inputNames[0]!]: new ort.Tensor('float32', f, [1, 3, 112, 112]) });
  return performance.now() - t;
}

async function viaPass(): Promise<{ ms: number; faces: number }> {
  let faces = 0;
  const t = performance.now();
  for (const id of ids) {
    const file = getFile(db, id)!;
    const inputKey = pass.inputKey(db, file)!;
    const out = await pass.run({ file, inputKey, log: silentLogger(), signal: new AbortController().signal, db });
    db.transaction(() => out.commit!(db)).immediate();
    faces += out.output!.faces as number;
  }
  return { ms: performance.now() - t, faces };
}

await bare(); // warm-up (first runs allocate)
await viaPass();
let bareMs = Infinity, passMs = Infinity, faces = 0;
for (let r = 0; r < rounds; r++) {
  bareMs = Math.min(bareMs, await bare());
  const p = await viaPass();
  passMs = Math.min(passMs, p.ms);
  faces = p.faces;
}
const line = (name: string, ms: number) => `${name.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms  ${(faces / (ms / 1000)).toFixed(1).padStart(6)} faces/s  ${(ids.length / (ms / 1000)).toFixed(1).padStart(6)} photos/s`;
console.log(`faces bench: ${ids.length} previews, ${faces} faces, best of ${rounds}; ${os.availableParallelism()} cpus; provider ${sessions.info()[0]?.provider}`);
console.log(line('bare onnxruntime loop', bareMs));
console.log(line('faces pass (run + commit)', passMs));
console.log(`ratio pass/bare: ${(passMs / bareMs).toFixed(2)}x`);
await detSession.release();
await embSession.release();
await sessions.close();
db.close();
cleanup();
