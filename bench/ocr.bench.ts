// OCR pass throughput on photos with text (drawn signs, fixture signs) and without, vs a bare
// onnxruntime loop over the same tensors (detector input, classifier and recogniser batches),
// measured in the same run. The ratio is the pass's overhead: JPEG decode, resize, the DB
// post-processing, crops, CTC decoding, the ML worker hop and the SQLite commit. Goal ≤ 1.3x.
//   node --import tsx bench/ocr.bench.ts [rounds]
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { silentLogger } from '../src/log/index.js';
import { decodeRgb } from '../src/ml/image.js';
import { OcrEngine, type OcrNetworks, type OcrTrace } from '../src/ml/ocr/ocr-engine.js';
import { ocrSourceFromRegistry } from '../src/ml/ocr/ocr-source.js';
import { ModelRegistry } from '../src/ml/registry.js';
import { ModelSessions } from '../src/ml/session.js';
import { createOcrPass } from '../src/passes/ocr.pass.js';
import { textInPhotos } from '../src/search/ocr-text.source.js';
import { getFile } from '../src/store/repositories/file.repository.js';
import { FIXTURES, MODELS, tempDir } from '../tests/helpers/fixtures.js';
import { addPhoto, makeLibrary } from '../tests/medium/search/test-library.js';
import { makeCafePhoto, makeSignsPhoto } from '../tests/medium/ocr/text-photos.js';

const rounds = Number(process.argv[2] ?? 2);
const lib = makeLibrary();
const made = tempDir('rawlight-bench-ocr-');
await makeSignsPhoto(path.join(made.dir, 'signs.jpg'));
await makeCafePhoto(path.join(made.dir, 'cafe.jpg'));
const rel = (abs: string) => path.relative(path.join(FIXTURES, 'photos'), abs);
const photos = [rel(path.join(made.dir, 'signs.jpg')), rel(path.join(made.dir, 'cafe.jpg')), 'gps/berlin_shop.jpg', 'people/curie_portrait-orientation-6.jpg', 'camera/canon-eos-rp__MG_0635.JPG', 'scenes/horses.jpg', 'gps/arezzo_DSCN0010.jpg', 'scenes/kites_beach.jpg'];
const ids: number[] = [];
for (const [i, p] of photos.entries()) ids.push(await addPhoto(lib, p, { as: `b/${i}-${path.basename(p)}` }));

const registry = new ModelRegistry({ modelsDir: MODELS });
const sessions = new ModelSessions();
const source = ocrSourceFromRegistry(registry, sessions);
const pass = createOcrPass({ ocr: source, cacheDir: lib.cacheDir, config: { passes: { ocr: true } } });
const model = registry.resolve('ocr')!;
const file = (re: RegExp) => model.files.find((f) => re.test(path.basename(f)))!;

// The same tensors for the bare loop: traced from one read of each preview.
const engine = await source.current()!.get();
const trace: OcrTrace = [];
const internals = engine as unknown as { nets: OcrNetworks; charset: string[] };
const tracer = new OcrEngine('trace', internals.nets, internals.charset, {}, trace);
for (const id of ids) {
  const p = lib.db.prepare('SELECT path FROM previews WHERE file_id = ?').get(id) as { path: string };
  await tracer.read(await decodeRgb(path.join(lib.cacheDir, p.path)));
}
// onnxruntime itself, in this thread, with the daemon's session options.
const opts = { executionProviders: sessions.providers(), intraOpNumThreads: Math.max(1, Math.floor(os.availableParallelism() / 2)), interOpNumThreads: 1, graphOptimizationLevel: 'all' } as const;
const bareNets = { det: await ort.InferenceSession.create(file(/det/), opts), rec: await ort.InferenceSession.create(file(/rec/), opts), cls: await ort.InferenceSession.create(file(/cls/), opts) };

async function bare(): Promise<number> {
  const t = performance.now();
  for (const step of trace) await bareNets[step.net].run(step.feeds);
  return performance.now() - t;
}

async function viaPass(): Promise<{ ms: number; lines: number }> {
  let lines = 0;
  const t = performance.now();
  for (const id of ids) {
    const f = getFile(lib.db, id)!;
    const out = await pass.run({ file: f, inputKey: pass.inputKey(lib.db, f)!, log: silentLogger(), signal: new AbortController().signal, db: lib.db });
    lib.db.transaction(() => out.commit!(lib.db)).immediate();
    lines += out.output!.lines as number;
  }
  return { ms: performance.now() - t, lines };
}

await bare(); // warm-up
let bareMs = Infinity;
let passMs = Infinity;
let lines = 0;
for (let r = 0; r < rounds; r++) {
  bareMs = Math.min(bareMs, await bare());
  const p = await viaPass();
  passMs = Math.min(passMs, p.ms);
  lines = p.lines;
}
const t0 = performance.now();
for (let i = 0; i < 200; i++) textInPhotos(lib.db, i % 2 ? 'felgentreff' : 'cafe elysee', 20);
const searchMs = (performance.now() - t0) / 200;

const line = (name: string, ms: number) => `${name.padEnd(30)} ${ms.toFixed(0).padStart(6)} ms  ${(ids.length / (ms / 1000)).toFixed(2).padStart(6)} photos/s`;
console.log(`ocr bench: ${ids.length} previews (${lines} lines read), ${trace.length} inference runs, best of ${rounds}; ${os.availableParallelism()} cpus; provider ${sessions.info()[0]?.provider}`);
console.log(line('bare onnxruntime loop', bareMs));
console.log(line('ocr pass (run + commit)', passMs));
const ratio = passMs / bareMs;
console.log(`ratio pass/bare: ${ratio.toFixed(2)}x (goal ≤ 1.30x: ${ratio <= 1.3 ? 'met' : 'NOT met'})`);
console.log(`text search (FTS5, tiers): ${searchMs.toFixed(2)} ms per query on this small library`);
for (const n of Object.values(bareNets)) await n.release();
await sessions.close();
lib.cleanup();
made.cleanup();
