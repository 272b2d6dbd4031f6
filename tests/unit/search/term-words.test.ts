import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildFilter, termMatches } from '../../../src/search/search.repository.js';
import { defaultMigrationsDir, openDb } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { captured, plan } from '../../helpers/query-plan.js';
import { dbBefore } from '../../helpers/migrations.js';

/**
 * Free-text search finds a word inside a tag or keyword ("retriever" in "golden retriever")
 * through term_words (0100): the word is looked up, then only the labels holding it are read.
 */
function library(labels: string[][], keywords: string[][] = []) {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  const t = db.prepare(`INSERT INTO tags (file_id, label, score, source) VALUES (?, ?, 0.9, 'clip')`);
  const m = db.prepare(`INSERT INTO metadata (file_id, keywords, read_at) VALUES (?, ?, 0)`);
  const n = Math.max(labels.length, keywords.length);
  for (let i = 1; i <= n; i++) {
    f.run(i, `/l/${i}.jpg`);
    for (const l of labels[i - 1] ?? []) t.run(i, l);
    m.run(i, JSON.stringify(keywords[i - 1] ?? []));
  }
  return db;
}
const hits = (db: ReturnType<typeof library>, forms: string[]) =>
  termMatches(db, forms, buildFilter(db, {}))
    .filter((h) => h.source === 'tag' || h.source === 'keyword')
    .map((h) => `${h.source}:${h.fileId}:${h.value}`)
    .sort();

test('a word inside a tag or keyword matches as a whole word, a phrase as a phrase; never a part of a word', () => {
  const db = library(
    [['golden retriever'], ['Retriever'], ['retrievers club'], ['dog'], ['100% cotton', 'a_b']],
    [['Golden Hour walk'], [], [], ['hot dog stand'], []],
  );
  assert.deepEqual(hits(db, ['retriever']), ['tag:1:golden retriever', 'tag:2:Retriever']);
  assert.deepEqual(hits(db, ['golden retriever']), ['tag:1:golden retriever']);
  assert.deepEqual(hits(db, ['golden']), ['keyword:1:Golden Hour walk', 'tag:1:golden retriever']);
  assert.deepEqual(hits(db, ['dog']), ['keyword:4:hot dog stand', 'tag:4:dog']);
  assert.deepEqual(hits(db, ['triev']), [], 'part of a word is not a word');
  assert.deepEqual(hits(db, ['100%']), ['tag:5:100% cotton'], 'a wildcard character in a label is a plain character');
  assert.deepEqual(hits(db, ['a_b']), ['tag:5:a_b']);
  // A label the word splitter cannot handle is stored all the same (no failed tag write).
  db.prepare(`INSERT INTO tags (file_id, label, score, source) VALUES (3, 'tab\there', 0.9, 'clip')`).run();
  assert.equal(db.prepare(`SELECT count(*) FROM tags WHERE file_id = 3`).pluck().get(), 2);
});

test('the tag and keyword matches look words up: no statement scans tags, metadata_terms or term_words', () => {
  const labels = Array.from({ length: 3000 }, (_, i) => [`label${i % 60} thing`, i % 7 ? 'dog' : 'golden retriever']);
  const keywords = Array.from({ length: 3000 }, (_, i) => [`kw${i % 40} trip`, 'holiday']);
  const db = library(labels, keywords);
  db.exec('ANALYZE');
  const sqls = captured(db, () => termMatches(db, ['retriever', 'retrievers'], buildFilter(db, {})));
  const mine = sqls.filter((s) => /JOIN tags t|JOIN metadata_terms k/.test(s));
  assert.equal(mine.length, 2, 'the tag and the keyword statements');
  for (const sql of mine) {
    const p = plan(db, sql);
    assert.deepEqual(p.filter((d) => /^SCAN (t|k|tw|tags|metadata_terms|term_words)\b/.test(d)), [], `a scan in\n${sql}\n${p.join('\n')}`);
    assert.ok(p.some((d) => /SEARCH tw USING PRIMARY KEY \(kind=\? AND word=\?\)/.test(d)), `term_words by word:\n${p.join('\n')}`);
  }
  assert.match(plan(db, mine[0]!).join('\n'), /SEARCH t USING INDEX tags_label \(label=\?\)/);
  assert.deepEqual(termMatches(db, ['retriever'], buildFilter(db, {})).filter((h) => h.source === 'tag').length, Math.ceil(3000 / 7));
});

test('0100 from 0091 with real rows: the words of existing tags and keywords are filled in, then kept', () => {
  const { db, done } = dbBefore(100);
  try {
    db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/1.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
    db.prepare(`INSERT INTO tags (file_id, label, score, source) VALUES (1, 'Golden Retriever', 0.9, 'clip'), (1, 'say "hi" \\ now', 0.5, 'clip')`).run();
    db.prepare(`INSERT INTO metadata (file_id, keywords, read_at) VALUES (1, '["Tuscany trip"]', 0)`).run();
    migrate(db, defaultMigrationsDir());
    const words = () => db.prepare(`SELECT kind, word, value FROM term_words ORDER BY kind, value, word`).all();
    assert.deepEqual(words(), [
      { kind: 'keyword', word: 'trip', value: 'Tuscany trip' },
      { kind: 'keyword', word: 'tuscany', value: 'Tuscany trip' },
      { kind: 'tag', word: 'golden', value: 'Golden Retriever' },
      { kind: 'tag', word: 'retriever', value: 'Golden Retriever' },
      { kind: 'tag', word: '"hi"', value: 'say "hi" \\ now' },
      { kind: 'tag', word: '\\', value: 'say "hi" \\ now' },
      { kind: 'tag', word: 'now', value: 'say "hi" \\ now' },
      { kind: 'tag', word: 'say', value: 'say "hi" \\ now' },
    ]);
    db.prepare(`INSERT INTO tags (file_id, label, score, source) VALUES (1, 'sea', 0.9, 'clip')`).run();
    db.prepare(`UPDATE metadata SET keywords = '["Lake Como"]' WHERE file_id = 1`).run();
    const kept = db.prepare(`SELECT word FROM term_words WHERE value IN ('sea', 'Lake Como') ORDER BY word`).pluck().all();
    assert.deepEqual(kept, ['como', 'lake', 'sea']);
  } finally {
    db.close();
    done();
  }
});

test('without filters, no term matcher walks every present file (people, XMP names, tags, keywords, places, file names)', () => {
  const labels = Array.from({ length: 3000 }, (_, i) => [i % 7 ? 'dog' : 'golden retriever']);
  const db = library(labels, labels.map((_, i) => [`kw${i % 40}`]));
  const pe = db.prepare(`INSERT INTO persons (id, name, created_at, updated_at) VALUES (?, ?, 0, 0)`);
  const fa = db.prepare(`INSERT INTO faces (id, file_id, preview_hash, idx, created_at) VALUES (?, ?, 'h', 0, 0)`);
  const fp = db.prepare(`INSERT INTO face_person (face_id, person_id, source, assigned_at) VALUES (?, ?, 'auto', 0)`);
  for (let p = 1; p <= 30; p++) pe.run(p, `Person ${p}`);
  for (let i = 1; i <= 3000; i++) {
    fa.run(i, i);
    fp.run(i, 1 + (i % 30));
  }
  db.exec('ANALYZE');
  const sqls = captured(db, () => termMatches(db, ['person', 'retriever'], buildFilter(db, {})));
  const walks = sqls
    .flatMap((s) => plan(db, s).filter((d) => /files_state \(state=\?\)$|^SCAN (t|k|p|pf|pp|fa|fp|f|n|tags|faces|files|places)\b(?! VIRTUAL TABLE INDEX \d+:M)/.test(d)).map((d) => `${d}\n  in ${s}`));
  assert.deepEqual(walks, []);
  const people = termMatches(db, ['person'], buildFilter(db, {})).filter((h) => h.source === 'person');
  assert.equal(people.length, 3000, 'every photo of a "Person N" still found');
});

test('with filters too (a date, a folder), each matched row is checked by primary key: no matcher lists every file the filter passes', () => {
  const labels = Array.from({ length: 3000 }, (_, i) => [i % 7 ? 'dog' : 'golden retriever']);
  const db = library(labels, labels.map((_, i) => [`kw${i % 40}`]));
  db.exec('ANALYZE');
  const filter = buildFilter(db, { from: Date.UTC(2019, 0, 1), to: Date.UTC(2020, 0, 1), folder: '/lib' });
  const sqls = captured(db, () => termMatches(db, ['dog', 'retriever'], filter));
  const walks = sqls.flatMap((s) => plan(db, s).filter((d) => /^SCAN (f|files|m|metadata)\b|files_state|LIST SUBQUERY/.test(d)).map((d) => `${d}\n  in ${s}`));
  assert.deepEqual(walks, []);
  // …and the filter still holds: none of these photos was taken in 2019.
  assert.deepEqual(termMatches(db, ['dog'], filter), []);
  assert.ok(termMatches(db, ['dog'], buildFilter(db, {})).length > 0);
});

