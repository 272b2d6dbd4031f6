// The keyword and tag lookup tables are kept by triggers. SQLite hands the conflict policy of the
// statement that fired a trigger down to the trigger's statements: under an UPSERT an INSERT OR
// IGNORE in a trigger aborts. Every way rawlight writes metadata and tags must keep working.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { saveMetadata } from '../../../src/passes/metadata.pass.js';
import { openDb } from '../../../src/store/db.js';

function metadataRow(keywords: string[], people: string[]) {
  return {
    file_type: 'JPEG', mime: 'image/jpeg', captured_at: null, capture_offset: null, captured_ts: null, make: null, model: null, lens: null,
    exposure_time: null, f_number: null, iso: null, focal_length: null, width: null, height: null, orientation: null,
    gps_lat: null, gps_lon: null, gps_alt: null, rating: null, label: null, title: 'Beach day',
    // The own-words document (0210) is kept by triggers under the same UPSERT.
    caption: 'Our dog by the sea', place_location: null, place_city: 'Moab', place_state: null, place_country: null,
    keywords, hierarchical: [], people, regions: [], applied_w: null, applied_h: null, warnings: [],
  };
}

test('re-reading metadata (an UPSERT) with keywords other photos share, or "Dog" beside "dog", never fails', () => {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  for (let i = 1; i <= 2; i++) f.run(i, `/l/${i}.jpg`);
  saveMetadata(db, 1, metadataRow(['golden retriever', 'Beach'], ['Ann Lee']) as never);
  saveMetadata(db, 2, metadataRow(['golden retriever'], ['Ann Lee']) as never);
  // The re-reads: the same values again, then a case duplicate and a doubled word.
  saveMetadata(db, 1, metadataRow(['golden retriever', 'Beach'], ['Ann Lee']) as never);
  saveMetadata(db, 2, metadataRow(['Dog', 'dog', 'new new york', 'golden retriever'], ['Ann Lee', 'ann lee']) as never);
  const terms = db.prepare(`SELECT kind, value FROM metadata_terms WHERE file_id = 2 ORDER BY kind, value COLLATE NOCASE`).all();
  assert.deepEqual(terms, [
    { kind: 'keyword', value: 'Dog' },
    { kind: 'keyword', value: 'golden retriever' },
    { kind: 'keyword', value: 'new new york' },
    { kind: 'person', value: 'Ann Lee' },
  ]);
  const words = db.prepare(`SELECT word FROM term_words WHERE kind = 'keyword' AND value = 'new new york' ORDER BY word`).pluck().all();
  assert.deepEqual(words, ['new', 'york']);
});

test('tags written through an UPSERT and ON CONFLICT DO NOTHING keep the word lookup without failing', () => {
  const { db } = openDb(':memory:');
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/1.jpg', '/l', 'jpg', 'image', 0, 0), (2, '/l/2.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
  const upsert = db.prepare(`INSERT INTO tags (file_id, label, score, source) VALUES (?, ?, 0.9, 'clip') ON CONFLICT (file_id, label) DO UPDATE SET score = excluded.score`);
  const nothing = db.prepare(`INSERT INTO tags (file_id, label, score, source) VALUES (?, ?, 1, 'duplicates') ON CONFLICT (file_id, label) DO NOTHING`);
  upsert.run(1, 'sandy beach');
  upsert.run(2, 'sandy beach');
  upsert.run(2, 'sandy beach');
  nothing.run(1, 'sandy beach');
  nothing.run(2, 'duplicate');
  assert.deepEqual(db.prepare(`SELECT word FROM term_words WHERE kind = 'tag' AND value = 'sandy beach' ORDER BY word`).pluck().all(), ['beach', 'sandy']);
  assert.equal(db.prepare(`SELECT count(*) FROM tags`).pluck().get(), 3);
});
