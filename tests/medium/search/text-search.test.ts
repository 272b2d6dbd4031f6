import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { search } from '../../../src/search/search.js';
import { replaceMachineTags } from '../../../src/search/tag.repository.js';
import { cli } from '../../helpers/cli.js';
import { addPhoto, makeLibrary, type TestLibrary } from './test-library.js';

// Search without CLIP: tags, keywords, places, people and names, plus filters. Tags are written
// directly (the tags pass has its own tests) so these results depend on search alone.
describe('search without a CLIP model', () => {
  let lib: TestLibrary;
  const id = new Map<string, number>();
  const base = (p: string) => path.basename(p);

  before(async () => {
    lib = makeLibrary();
    const add = async (as: string, o: Parameters<typeof addPhoto>[2] = {}, tags: [string, number][] = []) => {
      const fid = await addPhoto(lib, 'scenes/bus.jpg', { ...o, as, noPreview: true });
      replaceMachineTags(lib.db, fid, tags.map(([label, score]) => ({ label, score })), 'classifier', 'mobilenetv2-12-int8');
      id.set(as, fid);
    };
    await add('2023/DSC06241.ARW', { make: 'SONY', model: 'ILCE-7M3', captured: '2023-06-02T10:00:00' }, [['dog', 0.9], ['Pembroke Welsh Corgi', 0.8], ['beach', 0.3]]);
    await add('2023/IMG_1234.CR3', { make: 'Canon', model: 'Canon EOS R6', captured: '2023-08-15T18:30:00' }, [['dog', 0.6], ['pug', 0.5]]);
    await add('2024/IMG_2001.CR3', { make: 'Canon', model: 'Canon EOS R6', captured: '2024-01-03T09:00:00', keywords: ['Tuscany trip'] }, [['bird', 0.95], ['bald eagle', 0.7]]);
    await add('2024/arezzo_DSCN0027.jpg', { make: 'NIKON', model: 'COOLPIX P6000', captured: '2024-05-20T12:00:00', people: ['Ada Lovelace'] }, [['church', 0.5]]);
    await add('2024/P1000123.RW2', { make: 'Panasonic', model: 'DMC-LX3', captured: '2024-07-01T12:00:00', keywords: ['sunset'] }, [['beach', 0.8], ['sea', 0.7]]);
    lib.db.prepare('INSERT INTO places (file_id, city, region, country, country_code) VALUES (?, ?, ?, ?, ?)').run(id.get('2024/arezzo_DSCN0027.jpg'), 'Arezzo', 'Tuscany', 'Italy', 'IT');
    lib.db.prepare('INSERT INTO places (file_id, city, region, country, country_code) VALUES (?, ?, ?, ?, ?)').run(id.get('2024/P1000123.RW2'), 'Santa Monica', 'California', 'United States', 'US');
    // A named person through the people tables (faces → face_person → persons).
    const now = Date.now();
    const person = Number(lib.db.prepare('INSERT INTO persons (name, created_at, updated_at) VALUES (?, ?, ?)').run('Grace Hopper', now, now).lastInsertRowid);
    const face = Number(lib.db.prepare('INSERT INTO faces (file_id, preview_hash, idx, created_at) VALUES (?, ?, 0, ?)').run(id.get('2023/IMG_1234.CR3'), 'h', now).lastInsertRowid);
    lib.db.prepare("INSERT INTO face_person (face_id, person_id, source, confirmed, assigned_at) VALUES (?, ?, 'user', 1, ?)").run(face, person, now);
    // A gone file with a matching tag must never come back.
    await add('2024/gone-dog.jpg', {}, [['dog', 0.99]]);
    lib.db.prepare("UPDATE files SET state = 'gone' WHERE id = ?").run(id.get('2024/gone-dog.jpg'));
  });
  after(() => lib?.cleanup());

  test('a tag query finds the tagged files, best score first, and says why', async () => {
    const r = await search(lib.db, 'dog');
    assert.equal(r.mode, 'text');
    assert.deepEqual(r.results.map((x) => base(x.path)), ['DSC06241.ARW', 'IMG_1234.CR3']);
    assert.match(r.results[0]!.why, /tag dog/);
    // Plural and stopwords: "photos of dogs" is the same query.
    assert.deepEqual((await search(lib.db, 'photos of dogs')).results.map((x) => x.fileId), r.results.map((x) => x.fileId));
    // And so is a request put as a sentence, scores included.
    const asked = await search(lib.db, 'show me all the pictures I took of dogs');
    assert.deepEqual(asked.results.map((x) => [x.fileId, x.score]), r.results.map((x) => [x.fileId, x.score]));
    // A word inside a multi-word tag.
    assert.deepEqual((await search(lib.db, 'eagle')).results.map((x) => base(x.path)), ['IMG_2001.CR3']);
  });

  test('a name of several words counts as one thing asked, wherever it stands; a country by its other names', async () => {
    // P1000123 is in the United States and has no dog; DSC06241 and IMG_1234 have a dog.
    const us = await search(lib.db, 'photos from the United States');
    assert.deepEqual(us.results.map((x) => base(x.path)), ['P1000123.RW2']);
    assert.equal(us.results[0]!.score, 1);
    for (const q of ['usa', 'U.S.A.', 'pictures taken in the USA']) {
      const r = await search(lib.db, q);
      assert.deepEqual(r.parts?.filter((p) => p.kind === 'place').map((p) => p.label), ['place United States'], q);
      assert.deepEqual(r.results.map((x) => base(x.path)), ['P1000123.RW2'], q);
    }
    // Two things asked, each found in some photos: they score alike (the name is not worth two words).
    const mixed = await search(lib.db, 'dog in the united states');
    const score = new Map(mixed.results.map((x) => [base(x.path), x.score]));
    assert.deepEqual([score.get('P1000123.RW2'), score.get('DSC06241.ARW'), score.get('IMG_1234.CR3')], [0.5, 0.5, 0.5]);
    // A comma only separates.
    const r = await search(lib.db, 'Arezzo, Italy');
    assert.deepEqual(r.parts?.map((p) => p.label), ['place Arezzo', 'place Italy']);
    assert.deepEqual(r.results.map((x) => base(x.path)), ['arezzo_DSCN0027.jpg']);
  });

  test('a country by its name in other languages; never an English word that is one elsewhere', async () => {
    for (const [q, country, file] of [
      ['Italien', 'Italy', 'arezzo_DSCN0027.jpg'], ['italia 2024', 'Italy', 'arezzo_DSCN0027.jpg'], ['Vereinigte Staaten', 'United States', 'P1000123.RW2'],
      ['États-Unis', 'United States', 'P1000123.RW2'], ['etats-unis', 'United States', 'P1000123.RW2'], ['イタリア', 'Italy', 'arezzo_DSCN0027.jpg'],
    ] as const) {
      const r = await search(lib.db, q);
      assert.deepEqual(r.parts?.filter((p) => p.kind === 'place').map((p) => p.label), [`place ${country}`], q);
      assert.deepEqual(r.results.map((x) => base(x.path)), [file], q);
    }
    // "Island" is Iceland in German, "Chili" Chile in French, "SAD" the USA in Croatian, "Mỹ" in Vietnamese: English words here.
    for (const q of ['island', 'chili', 'sad', 'my dog', 'suede', 'reunion']) {
      assert.deepEqual((await search(lib.db, q)).parts?.filter((p) => p.kind === 'place'), [], q);
    }
  });

  test('places, keywords and people match by name', async () => {
    assert.deepEqual((await search(lib.db, 'Arezzo')).results.map((x) => base(x.path)), ['arezzo_DSCN0027.jpg']);
    const tuscany = await search(lib.db, 'tuscany');
    assert.deepEqual(tuscany.results.map((x) => base(x.path)).sort(), ['IMG_2001.CR3', 'arezzo_DSCN0027.jpg']);
    assert.ok(tuscany.results.some((x) => /place Arezzo/.test(x.why)));
    assert.deepEqual((await search(lib.db, 'sunset')).results.map((x) => base(x.path)), ['P1000123.RW2']);
    assert.deepEqual((await search(lib.db, 'grace')).results.map((x) => base(x.path)), ['IMG_1234.CR3']);
    assert.deepEqual((await search(lib.db, 'Ada Lovelace')).results.map((x) => base(x.path)), ['arezzo_DSCN0027.jpg']);
  });

  test('all words matching rank above some words matching', async () => {
    const r = await search(lib.db, 'beach sea');
    assert.equal(base(r.results[0]!.path), 'P1000123.RW2');
    assert.ok(r.results[0]!.score > r.results[1]!.score);
  });

  test('file-name-like queries search names', async () => {
    const r = await search(lib.db, 'DSC06241');
    assert.equal(r.mode, 'name');
    assert.deepEqual(r.results.map((x) => base(x.path)), ['DSC06241.ARW']);
    const exact = await search(lib.db, 'IMG_1234.CR3');
    assert.deepEqual(exact.results.map((x) => [base(x.path), x.score]), [['IMG_1234.CR3', 1]]);
    assert.deepEqual((await search(lib.db, 'img_2001')).results.map((x) => base(x.path)), ['IMG_2001.CR3']);
  });

  test('filters: camera, date range, tag, place, person, folder; alone or with text', async () => {
    const names = async (q: string, o: Parameters<typeof search>[2]) => (await search(lib.db, q, o)).results.map((x) => base(x.path)).sort();
    assert.deepEqual(await names('', { camera: 'eos r6' }), ['IMG_1234.CR3', 'IMG_2001.CR3']);
    assert.deepEqual(await names('', { from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 6, 1) }), ['IMG_2001.CR3', 'arezzo_DSCN0027.jpg']);
    assert.deepEqual(await names('dog', { camera: 'canon' }), ['IMG_1234.CR3']);
    assert.deepEqual(await names('', { tag: 'Beach' }), ['DSC06241.ARW', 'P1000123.RW2']);
    assert.deepEqual(await names('', { tag: 'Tuscany trip' }), ['IMG_2001.CR3']);
    assert.deepEqual(await names('', { place: 'italy' }), ['arezzo_DSCN0027.jpg']);
    assert.deepEqual(await names('', { person: 'Grace Hopper' }), ['IMG_1234.CR3']);
    assert.deepEqual(await names('', { folder: path.join(lib.libraryDir, '2023') }), ['DSC06241.ARW', 'IMG_1234.CR3']);
    assert.deepEqual(await names('beach', { folder: path.join(lib.libraryDir, '2024') }), ['P1000123.RW2']);
    const r = await search(lib.db, '', { camera: 'canon', from: Date.UTC(2024, 0, 1) });
    assert.match(r.results[0]!.why, /date 2024-01-01–…; camera canon/);
  });

  test('nothing matches: empty results, not an error', async () => {
    assert.deepEqual((await search(lib.db, 'submarine')).results, []);
    assert.deepEqual((await search(lib.db, 'dog', { place: 'Atlantis' })).results, []);
  });

  test('CLI: rawlight search --json contract and filters', async () => {
    const r = await cli(lib.dir, ['search', 'dog', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.json<{ results: { path: string; score: number; why: string }[] }>();
    assert.deepEqual(out.results.map((x) => base(x.path)), ['DSC06241.ARW', 'IMG_1234.CR3']);
    assert.deepEqual(Object.keys(out.results[0]!).sort(), ['path', 'score', 'why']);
    const f = await cli(lib.dir, ['search', '--camera', 'canon', '--from', '2024', '--to', '2024', '--json']);
    assert.deepEqual(f.json<{ results: { path: string }[] }>().results.map((x) => base(x.path)), ['IMG_2001.CR3']);
    const text = await cli(lib.dir, ['search', 'DSC06241']);
    assert.match(text.stdout, /DSC06241\.ARW {2}\(name DSC06241\.ARW\)/);
    const usage = await cli(lib.dir, ['search']);
    assert.equal(usage.code, 64);
    const notEmbedded = await cli(lib.dir, ['similar', path.join(lib.libraryDir, '2023/DSC06241.ARW')]);
    assert.notEqual(notEmbedded.code, 0);
    assert.match(notEmbedded.stderr, /NOT_EMBEDDED|no CLIP image embedding/);
  });
});
