import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ocrMatchSql, ocrTextForFile, replaceOcrText } from '../../../src/search/ocr-text.repository.js';
import { textInPhotos } from '../../../src/search/ocr-text.source.js';
import { search } from '../../../src/search/search.js';
import { buildFilter } from '../../../src/search/search.repository.js';
import { openDb, tx } from '../../../src/store/db.js';
import { tempDir } from '../../helpers/fixtures.js';
import { addPhoto, makeLibrary, type TestLibrary } from './test-library.js';

const box = { x: 0.1, y: 0.1, w: 0.2, h: 0.05 };
const lines = (...t: string[]) => t.map((text) => ({ text, box, score: 0.95 }));

// The text source of search on rows written directly (the pass has its own tests with the real
// models), so these results depend on the index and the ranking alone.
describe('search by text in photos', () => {
  let lib: TestLibrary;
  const id = new Map<string, number>();

  before(async () => {
    lib = makeLibrary();
    const add = async (as: string, text: string[], o: Parameters<typeof addPhoto>[2] = {}) => {
      const fid = await addPhoto(lib, 'scenes/bus.jpg', { ...o, as, noPreview: true });
      tx(lib.db, () => replaceOcrText(lib.db, fid, lines(...text), 'ppocr-v4'));
      id.set(as, fid);
    };
    await add('phrase.jpg', ['NO PARKING', 'Mon-Fri 8-18']);
    await add('scattered.jpg', ['PARKING ahead', 'say no to litter']);
    await add('one-word.jpg', ['parking']);
    await add('accents.jpg', ['Crème Brûlée', 'Straße']);
    await add('bib.jpg', ['1234'], { make: 'SONY', model: 'ILCE-7M3' });
    await add('run-together.jpg', ['EXITONLY']);
    await add('split-boxes.jpg', ['Café', 'Élysée']);
    await add('gone.jpg', ['NO PARKING']);
    lib.db.prepare("UPDATE files SET state = 'gone' WHERE id = ?").run(id.get('gone.jpg'));
  });
  after(() => lib?.cleanup());

  const names = (r: { fileId: number }[]) => r.map((x) => [...id].find(([, v]) => v === x.fileId)?.[0]);

  test('the exact phrase ranks above the same words scattered; a gone photo never comes back', () => {
    const r = textInPhotos(lib.db, 'no parking', 10);
    assert.deepEqual(names(r), ['phrase.jpg', 'scattered.jpg']);
    assert.ok(r[0]!.score > r[1]!.score);
    assert.match(r[0]!.why, /^text "NO PARKING/);
  });

  test('case and diacritics fold both ways; a phrase split over two boxes still matches', () => {
    assert.deepEqual(names(textInPhotos(lib.db, 'creme brulee', 10)), ['accents.jpg']);
    assert.deepEqual(names(textInPhotos(lib.db, 'CRÈME', 10)), ['accents.jpg']);
    assert.deepEqual(names(textInPhotos(lib.db, 'cafe elysee', 10)), ['split-boxes.jpg']);
    assert.deepEqual(names(textInPhotos(lib.db, 'strasse', 10)), [], 'ß is not ss for unicode61: say so rather than pretend');
  });

  test('words the recogniser ran together are found, below a real phrase', () => {
    assert.deepEqual(names(textInPhotos(lib.db, 'exit only', 10)), ['run-together.jpg']);
  });

  test('numbers (race bibs) and filters combine; FTS syntax in a query is only text', () => {
    assert.deepEqual(names(textInPhotos(lib.db, '1234', 10, buildFilter(lib.db, { camera: 'sony' }))), ['bib.jpg']);
    assert.deepEqual(names(textInPhotos(lib.db, '1234', 10, buildFilter(lib.db, { camera: 'canon' }))), []);
    assert.deepEqual(names(textInPhotos(lib.db, 'parking"*', 10)).sort(), ['one-word.jpg', 'phrase.jpg', 'scattered.jpg']);
    assert.deepEqual(textInPhotos(lib.db, 'parking" OR "*', 10), [], '"OR" is a word to find, not an operator');
    assert.deepEqual(textInPhotos(lib.db, '  --  ', 10), []);
  });

  test('rawlight search merges text hits into its results with why: text "…"', async () => {
    const r = await search(lib.db, 'no parking');
    assert.equal(r.mode, 'text');
    assert.equal(names(r.results)[0], 'phrase.jpg');
    assert.match(r.results[0]!.why, /text "NO PARKING/);
    assert.ok(!names(r.results).includes('gone.jpg'));
  });

  test('deleting a file row removes its text and its index row', () => {
    const fid = id.get('bib.jpg')!;
    lib.db.prepare('DELETE FROM files WHERE id = ?').run(fid);
    assert.deepEqual(ocrTextForFile(lib.db, fid), []);
    assert.equal((lib.db.prepare('SELECT count(*) AS n FROM ocr_fts WHERE rowid = ?').get(fid) as { n: number }).n, 0);
  });
});

describe('text search at size', () => {
  test('on 100K photos the MATCH drives the plan: the FTS index first, files looked up per hit', () => {
    const t = tempDir('rawlight-ocr-size-');
    const { db } = openDb(path.join(t.dir, 'rawlight.db'));
    try {
      const words = ['exit', 'parking', 'bakery', 'hotel', 'menu', 'platform', 'station', 'open', 'closed', 'sale'];
      tx(db, () => {
        const f = db.prepare(`INSERT INTO files (path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, '/lib', 'jpg', 'image', 'present', 0, 0)`);
        const doc = db.prepare('INSERT INTO ocr_fts (rowid, text) VALUES (?, ?)');
        for (let i = 0; i < 100_000; i++) {
          const fid = Number(f.run(`/lib/${i}.jpg`).lastInsertRowid);
          if (i % 2 === 0) doc.run(fid, `${words[i % 10]} ${words[(i * 7) % 10]} ${i}`);
        }
        db.prepare("UPDATE files SET state = 'gone' WHERE id % 5 = 0").run();
      });
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('"exit"', 20) as { detail: string }[]).map((r) => r.detail);
      const p = plan(ocrMatchSql());
      assert.ok(p.some((d) => /SCAN ocr_fts VIRTUAL TABLE INDEX/.test(d)), p.join(' | '));
      assert.ok(p.some((d) => /SEARCH f .*(INTEGER PRIMARY KEY|rowid=\?)/.test(d)), p.join(' | '));
      assert.ok(!p.some((d) => /SCAN f\b/.test(d)), `no scan of files: ${p.join(' | ')}`);
      const hits = textInPhotos(db, 'exit', 20);
      assert.equal(hits.length, 20);
      const gone = db.prepare("SELECT id FROM files WHERE state = 'gone'").pluck().all() as number[];
      assert.ok(hits.every((h) => !gone.includes(h.fileId)));
    } finally {
      db.close();
      t.cleanup();
    }
  });
});
