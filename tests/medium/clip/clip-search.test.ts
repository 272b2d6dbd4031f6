import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClipHandle, type ClipHandle } from '../../../src/ml/clip/clip-handle.js';
import { noClassifier, staticClipSource } from '../../../src/ml/clip/model-sources.js';
import { vocabulary, VOCABULARY_VERSION } from '../../../src/ml/clip/vocabulary.js';
import { createEmbedPass } from '../../../src/passes/embed.pass.js';
import { createTagsPass } from '../../../src/passes/tags.pass.js';
import { getSpace, knn, listSpaces, pruneSpaces } from '../../../src/search/clip-embedding.repository.js';
import { search, similar } from '../../../src/search/search.js';
import { createSearchService } from '../../../src/search/search.service.js';
import { tagsForFile } from '../../../src/search/tag.repository.js';
import { dot } from '../../../src/search/vector-blob.js';
import { MODELS } from '../../helpers/fixtures.js';
import { cli } from '../../helpers/cli.js';
import { addPhoto, makeLibrary, runPass, type TestLibrary } from '../search/test-library.js';

const TINY = path.join(MODELS, 'clip-signature-tiny');
const VOCAB = path.join(MODELS, 'clip-tokenizer', 'bpe_simple_vocab_16e6.txt.gz');
// Ids as in models/manifest.json, so the CLI (which resolves the config pin) finds the same space.
const xenova = () => createClipHandle({ id: 'clip-tiny-xenova-signature', visual: path.join(TINY, 'xenova_vision_model.onnx'), textual: path.join(TINY, 'xenova_text_model.onnx'), vocab: VOCAB });
const immich = () => createClipHandle({ id: 'clip-tiny-immich-signature', visual: path.join(TINY, 'immich_visual.onnx'), textual: path.join(TINY, 'immich_textual.onnx'), vocab: VOCAB });

const PHOTOS: [string, string][] = [
  ['scenes/dog_corgi.jpg', 'home/corgi.jpg'],
  ['scenes/dog_pug_yellow.jpg', 'home/pug.jpg'],
  ['scenes/dog_pug_yellow_created_1919.jpg', 'trip/pug-copy.jpg'],
  ['scenes/cat_black.jpg', 'home/cat.jpg'],
  ['scenes/eagle.jpg', 'trip/eagle.jpg'],
  ['scenes/bus.jpg', 'trip/bus.jpg'],
];

describe('CLIP end to end with the tiny signature models', () => {
  let lib: TestLibrary;
  let handle: ClipHandle;
  const ids = new Map<string, number>();
  const config = { passes: { embed: true, tags: true } };

  before(async () => {
    lib = makeLibrary();
    handle = xenova();
    for (const [fixture, as] of PHOTOS) ids.set(as, await addPhoto(lib, fixture, { as }));
    const embed = createEmbedPass({ clip: staticClipSource(handle), cacheDir: lib.cacheDir, config });
    for (const id of ids.values()) {
      const { key } = await runPass(lib, embed, id);
      assert.match(key ?? '', /^[0-9a-f]+:clip-tiny-xenova-signature$/);
    }
  });
  after(async () => {
    await handle?.close();
    lib?.cleanup();
  });

  test('embeddings are stored in the model space', () => {
    const spaces = listSpaces(lib.db);
    assert.deepEqual(spaces.map((s) => [s.model_id, s.dim, s.count]), [['clip-tiny-xenova-signature', 512, PHOTOS.length]]);
  });

  test('text search ranks every photo by its stored embedding, deterministically', async () => {
    const model = await handle.get();
    const r1 = await search(lib.db, 'a photo of a dog', { clip: model });
    const r2 = await search(lib.db, 'a photo of a dog', { clip: model });
    assert.equal(r1.mode, 'clip');
    assert.equal(r1.results.length, PHOTOS.length);
    assert.deepEqual(r1, r2);
    for (let i = 1; i < r1.results.length; i++) assert.ok(r1.results[i - 1]!.score >= r1.results[i]!.score);
    // Each score is the cosine of the query and a freshly computed embedding of that preview.
    const [q] = await model.embedTexts(['a photo of a dog']);
    for (const r of r1.results) {
      const prev = lib.db.prepare('SELECT path FROM previews WHERE file_id = ?').get(r.fileId) as { path: string };
      const [img] = await model.embedImages([path.join(lib.cacheDir, prev.path)]);
      assert.ok(Math.abs(dot(q!, img!) - r.score) < 1e-3, `${r.path}: ${dot(q!, img!)} vs ${r.score}`);
      assert.match(r.why, /^clip -?\d/);
    }
    // Another query ranks by other scores.
    const other = await search(lib.db, 'a bus on a road', { clip: model });
    assert.notDeepEqual(other.results.map((r) => r.score), r1.results.map((r) => r.score));
  });

  test('filters narrow CLIP results (folder)', async () => {
    const model = await handle.get();
    const r = await search(lib.db, 'animals', { clip: model, folder: path.join(lib.libraryDir, 'trip') });
    assert.deepEqual(r.results.map((x) => path.basename(x.path)).sort(), ['bus.jpg', 'eagle.jpg', 'pug-copy.jpg']);
    assert.ok(r.results.every((x) => x.why.includes('folder')));
  });

  test("a caption holding the words as typed comes first, before CLIP's ranking, and says so", async () => {
    const model = await handle.get();
    const bus = ids.get('trip/bus.jpg')!;
    const before = await search(lib.db, 'grandmas first ride', { clip: model });
    assert.notEqual(before.results[0]?.fileId, bus, 'CLIP alone does not put the bus first');
    lib.db.prepare('UPDATE metadata SET caption = ? WHERE file_id = ?').run("Grandma's first ride", bus);
    try {
      const r = await search(lib.db, 'first ride', { clip: model });
      assert.equal(r.mode, 'clip');
      assert.equal(r.results[0]!.fileId, bus);
      assert.match(r.results[0]!.why, /^caption Grandma's first ride/);
      assert.equal(r.results.filter((x) => x.fileId === bus).length, 1, 'once, with both reasons');
    } finally {
      lib.db.prepare('UPDATE metadata SET caption = NULL WHERE file_id = ?').run(bus);
    }
  });

  test('a town typed in Lightroom is a place: "animals in Moab" asks for the photos taken there, with or without GPS', async () => {
    const model = await handle.get();
    const [eagle, corgi, pug] = ['trip/eagle.jpg', 'home/corgi.jpg', 'home/pug.jpg'].map((f) => ids.get(f)!);
    const before = await search(lib.db, 'animals in Moab', { clip: model });
    assert.equal(before.results.length, PHOTOS.length, 'no photo named Moab yet: CLIP ranks every photo');
    // Two photos say Moab as their photographer typed it (no GPS), one as GPS placed it.
    lib.db.prepare(`UPDATE metadata SET place_city = 'Moab', place_state = 'Utah' WHERE file_id IN (?, ?)`).run(eagle, corgi);
    lib.db.prepare(`INSERT INTO places (file_id, city, region, country, country_code, source, lat, lon) VALUES (?, 'Moab', 'Utah', 'United States', 'US', 'gps', 38.57, -109.55)`).run(pug);
    try {
      const r = await search(lib.db, 'animals in Moab', { clip: model });
      assert.equal(r.mode, 'clip');
      assert.deepEqual((r.parts ?? []).filter((p) => p.kind === 'place').map((p) => p.label), ['place Moab']);
      assert.deepEqual(r.results.map((x) => x.fileId).sort(), [eagle, corgi, pug].sort());
      assert.ok(r.results.every((x) => /place Moab/.test(x.why)), JSON.stringify(r.results.map((x) => x.why)));
      // The state, typed or GPS's region, asked in lower case, filters as well.
      assert.deepEqual((await search(lib.db, 'animals in utah', { clip: model })).results.map((x) => x.fileId).sort(), [eagle, corgi, pug].sort());
    } finally {
      lib.db.prepare('UPDATE metadata SET place_city = NULL, place_state = NULL WHERE file_id IN (?, ?)').run(eagle, corgi);
      lib.db.prepare('DELETE FROM places WHERE file_id = ?').run(pug);
    }
  });

  test('two people named in a query are both in every photo found ("Ada and Grace"), not either one', async () => {
    const now = Date.now();
    const name = (who: string, files: string[]) => {
      const person = Number(lib.db.prepare('INSERT INTO persons (name, created_at, updated_at) VALUES (?, ?, ?)').run(who, now, now).lastInsertRowid);
      for (const [i, f] of files.entries()) {
        const face = Number(lib.db.prepare('INSERT INTO faces (file_id, preview_hash, idx, created_at) VALUES (?, ?, ?, ?)').run(ids.get(f), `h-${who}`, i, now).lastInsertRowid);
        lib.db.prepare("INSERT INTO face_person (face_id, person_id, source, confirmed, assigned_at) VALUES (?, ?, 'user', 1, ?)").run(face, person, now);
      }
    };
    name('Ada Lovelace', ['home/corgi.jpg', 'home/pug.jpg']);
    name('Grace Hopper', ['home/pug.jpg', 'home/cat.jpg']);
    const model = await handle.get();
    const both = await search(lib.db, 'Ada Lovelace and Grace Hopper at home', { clip: model });
    assert.equal(both.mode, 'clip');
    assert.deepEqual(both.results.map((x) => path.basename(x.path)), ['pug.jpg']);
    assert.match(both.results[0]!.why, /person Ada Lovelace; person Grace Hopper/);
    const one = await search(lib.db, 'Grace Hopper at home', { clip: model });
    assert.deepEqual(one.results.map((x) => path.basename(x.path)).sort(), ['cat.jpg', 'pug.jpg']);
    lib.db.exec('DELETE FROM face_person; DELETE FROM faces; DELETE FROM persons');
  });

  test('similar: the duplicate pug is nearest, the photo itself is left out', () => {
    const pug = ids.get('home/pug.jpg')!;
    const r = similar(lib.db, pug, 3);
    assert.equal(r.results.length, 3);
    assert.equal(r.results[0]!.fileId, ids.get('trip/pug-copy.jpg'));
    assert.ok(r.results[0]!.score > 0.999);
    assert.ok(!r.results.some((x) => x.fileId === pug));
  });

  test('the quantised path agrees with the exact one', async () => {
    const space = getSpace(lib.db, 'clip-tiny-xenova-signature')!;
    const [q] = await (await handle.get()).embedTexts(['a bird']);
    const exact = knn(lib.db, space, q!, 4, { strategy: 'exact' });
    const quant = knn(lib.db, space, q!, 4, { strategy: 'quantised' });
    // Same files and the same scores rank by rank (the duplicate pugs tie, in either order).
    assert.deepEqual(quant.map((h) => h.fileId).sort(), exact.map((h) => h.fileId).sort());
    quant.forEach((h, i) => assert.ok(Math.abs(h.similarity - exact[i]!.similarity) < 1e-5));
  });

  test('tags pass (zero-shot) waits for the embedding, caches label embeddings, writes clip tags', async () => {
    const tags = createTagsPass({ clip: staticClipSource(handle), classifier: noClassifier, cacheDir: lib.cacheDir, config, zeroShot: { minProb: 0, minCosine: -1, maxTags: 3 } });
    const late = await addPhoto(lib, 'scenes/giraffe.jpg', { as: 'trip/giraffe.jpg' });
    assert.equal((await runPass(lib, tags, late)).key, null, 'no embedding yet: wait');
    const id = ids.get('home/cat.jpg')!;
    const { key } = await runPass(lib, tags, id);
    assert.match(key ?? '', new RegExp(`:clip:clip-tiny-xenova-signature:${VOCABULARY_VERSION}$`));
    const t = tagsForFile(lib.db, id);
    assert.equal(t.length, 3);
    assert.ok(t.every((x) => x.source === 'clip' && x.score > 0 && x.score <= 1));
    const cached = lib.db.prepare('SELECT count(*) AS n FROM clip_text_cache WHERE model_id = ? AND vocab_version = ?').get('clip-tiny-xenova-signature', VOCABULARY_VERSION) as { n: number };
    assert.equal(cached.n, vocabulary().length);
    assert.ok(vocabulary().length >= 300, `vocabulary has ${vocabulary().length} labels`);
    // A fresh pass (new process) reads the cache instead of recomputing: same tags.
    const again = createTagsPass({ clip: staticClipSource(handle), classifier: noClassifier, cacheDir: lib.cacheDir, config, zeroShot: { minProb: 0, minCosine: -1, maxTags: 3 } });
    await runPass(lib, again, id);
    assert.deepEqual(tagsForFile(lib.db, id), t);
  });

  test('the CLI searches with the configured CLIP model', async () => {
    writeFileSync(path.join(lib.dir, 'config.json'), JSON.stringify({ modelsDir: MODELS, models: { clip: 'clip-tiny-xenova-signature' } }));
    const r = await cli(lib.dir, ['search', 'a photo of a dog', '--json', '--limit', '4']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.json<{ mode: string; results: { path: string; score: number; why: string }[] }>();
    assert.equal(out.mode, 'clip');
    assert.equal(out.results.length, 4);
    const model = await handle.get();
    const direct = await search(lib.db, 'a photo of a dog', { clip: model, limit: 4 });
    assert.deepEqual(out.results.map((x) => x.path), direct.results.map((x) => x.path));
    const s = await cli(lib.dir, ['similar', path.join(lib.libraryDir, 'home/pug.jpg'), '--json', '--limit', '1']);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(s.json<{ results: { path: string }[] }>().results[0]!.path, path.join(lib.libraryDir, 'trip/pug-copy.jpg'));
  });

  test('the search service (API port) keeps its index and answers search and similar', async () => {
    const svc = createSearchService({ db: lib.db, clip: staticClipSource(handle) });
    const hits = await svc.search('a photo of a dog', { limit: 3 });
    const direct = await search(lib.db, 'a photo of a dog', { clip: await handle.get(), limit: 3 });
    assert.deepEqual(hits.map((h) => [h.fileId, h.score]), direct.results.map((h) => [h.fileId, h.score]));
    const sim = svc.similar(ids.get('home/pug.jpg')!, { limit: 1 });
    assert.equal(sim[0]!.fileId, ids.get('trip/pug-copy.jpg'));
  });

  test('a model switch gets its own space; pruning drops the old one; deleted files leave no vectors', async () => {
    const h2 = immich();
    try {
      const embed2 = createEmbedPass({ clip: staticClipSource(h2), cacheDir: lib.cacheDir, config });
      for (const id of ids.values()) await runPass(lib, embed2, id);
      assert.deepEqual(listSpaces(lib.db).map((s) => s.model_id).sort(), ['clip-tiny-immich-signature', 'clip-tiny-xenova-signature']);
      const r = await search(lib.db, 'a dog', { clip: await h2.get() });
      assert.equal(r.results.length, PHOTOS.length);
      const old = getSpace(lib.db, 'clip-tiny-xenova-signature')!.id;
      const tablesOf = (sid: number) => lib.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?, ?)").pluck().all(`clip_vec_${sid}`, `clip_q_${sid}`, `clip_f_${sid}`);
      assert.equal(tablesOf(old).length, 3);
      assert.deepEqual(pruneSpaces(lib.db, 'clip-tiny-immich-signature'), ['clip-tiny-xenova-signature']);
      assert.equal(listSpaces(lib.db).length, 1);
      assert.deepEqual(tablesOf(old), []);
      assert.equal(lib.db.prepare('SELECT count(*) FROM clip_text_cache WHERE model_id = ?').pluck().get('clip-tiny-xenova-signature'), 0);
      const bus = ids.get('trip/bus.jpg')!;
      lib.db.prepare('DELETE FROM files WHERE id = ?').run(bus);
      const space = getSpace(lib.db, 'clip-tiny-immich-signature')!;
      const [q] = await (await h2.get()).embedTexts(['a bus']);
      assert.ok(!knn(lib.db, space, q!, 10, { strategy: 'exact' }).some((h) => h.fileId === bus));
      assert.equal(lib.db.prepare(`SELECT count(*) FROM clip_f_${space.id} WHERE file_id = ?`).pluck().get(bus), 0);
    } finally {
      await h2.close();
    }
  });
});
