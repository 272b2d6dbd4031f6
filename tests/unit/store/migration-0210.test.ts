// 0210 from 0200: the caption and the named place are kept beside the title, and the three are a
// full-text document per photo (metadata_text) kept by triggers, whatever writes metadata.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { saveMetadata, type MetadataRow } from '../../../src/passes/metadata.pass.js';
import { buildFilter, ownWordMatches, ownWordsSql } from '../../../src/search/search.repository.js';
import { defaultMigrationsDir, openDb, tx, type WritableDb } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { dbBefore } from '../../helpers/migrations.js';
import { plan } from '../../helpers/query-plan.js';

const row = (o: Partial<MetadataRow>): MetadataRow => ({
  file_type: 'JPEG', mime: 'image/jpeg', captured_at: null, capture_offset: null, captured_ts: null, make: null, model: null, lens: null,
  exposure_time: null, f_number: null, iso: null, focal_length: null, width: null, height: null, orientation: null, gps_lat: null, gps_lon: null,
  gps_alt: null, rating: null, label: null, title: null, caption: null, place_location: null, place_city: null, place_state: null, place_country: null,
  keywords: [], hierarchical: [], people: [], regions: [], applied_w: null, applied_h: null, warnings: [], ...o,
});

const docs = (db: WritableDb) => db.prepare('SELECT rowid AS id, title, caption, place FROM metadata_text ORDER BY rowid').all();

test('0210: titles read before are searchable at once; caption and place are kept as the metadata pass writes them', () => {
  const { db, done } = dbBefore(210);
  const w = db as WritableDb;
  try {
    const file = w.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
    for (const id of [1, 2, 3]) file.run(id, `/l/${id}.jpg`);
    w.prepare(`INSERT INTO metadata (file_id, title, read_at) VALUES (1, 'Sunset over the mesa', 0), (2, NULL, 0)`).run();

    migrate(db, defaultMigrationsDir());

    assert.deepEqual(docs(w), [{ id: 1, title: 'Sunset over the mesa', caption: null, place: null }]);
    // The metadata pass's own upsert, for a new row and over an existing one (an UPDATE then):
    // neither fails (see 0110), and the document follows.
    tx(w, () => {
      saveMetadata(w, 2, row({ caption: 'Our camp near the Colorado river', place_location: 'Delicate Arch', place_city: 'Moab', place_country: 'United States' }));
      saveMetadata(w, 3, row({ title: 'Café Zürich' }));
      saveMetadata(w, 1, row({ title: 'Sunset over the mesa', caption: 'second read' }));
    });
    assert.deepEqual(docs(w), [
      { id: 1, title: 'Sunset over the mesa', caption: 'second read', place: null },
      { id: 2, title: null, caption: 'Our camp near the Colorado river', place: 'Delicate Arch, Moab, United States' },
      { id: 3, title: 'Café Zürich', caption: null, place: null },
    ]);
    // The words taken away in Lightroom: no document left to find it by.
    tx(w, () => saveMetadata(w, 1, row({})));
    // The file removed: its metadata row goes by cascade, and its document with it.
    w.prepare('DELETE FROM files WHERE id = 3').run();
    assert.deepEqual(docs(w).map((d) => (d as { id: number }).id), [2]);
    assert.equal((w.prepare(`SELECT count(*) AS n FROM metadata_text WHERE metadata_text MATCH 'zurich'`).get() as { n: number }).n, 0);
  } finally {
    db.close();
    done();
  }
});

test('own words: the MATCH drives, the filter is checked per hit, and a hit says which field held the words', () => {
  const { db } = openDb(':memory:');
  try {
    const file = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', ?, 0, 0)`);
    const words = ['river', 'mesa', 'wedding', 'toast', 'arch', 'harbour', 'market', 'tower', 'garden', 'bridge'];
    tx(db, () => {
      for (let i = 1; i <= 20_000; i++) {
        file.run(i, `/l/${i}.jpg`, i % 7 === 0 ? 'gone' : 'present');
        if (i % 2 === 0) saveMetadata(db, i, row({ title: `${words[i % 10]} ${i}`, caption: `by the ${words[(i * 3 + 4) % 10]}`, place_city: i % 4 === 0 ? 'Moab' : 'Zürich' }));
      }
    });
    db.exec('ANALYZE');
    const filter = buildFilter(db, {});
    for (const column of ['title', 'caption', 'place'] as const) {
      const p = plan(db, ownWordsSql(column, filter.holds('metadata_text.rowid'), 50));
      assert.ok(p.some((d) => /SCAN metadata_text VIRTUAL TABLE INDEX/.test(d)), p.join(' | '));
      assert.ok(!p.some((d) => /^SCAN f\b|^SCAN files\b/.test(d)), `no scan of files: ${p.join(' | ')}`);
    }
    const hits = ownWordMatches(db, ['zurich'], filter, 50);
    assert.equal(hits.length, 50);
    assert.ok(hits.every((h) => h.source === 'place' && h.value === 'Zürich' && h.fileId % 4 !== 0 && h.fileId % 7 !== 0), JSON.stringify(hits.slice(0, 3)));
    // Each hit said by the field that held the word, a caption by its words around it.
    const river = ownWordMatches(db, ['river', 'rivers'], filter, 5000);
    assert.ok(river.some((h) => h.source === 'title') && river.some((h) => h.source === 'caption'));
    assert.ok(river.every((h) => /river/.test(h.value)), JSON.stringify(river.find((h) => !/river/.test(h.value))));
    assert.deepEqual(ownWordMatches(db, ['"', '  '], filter, 50), []);
  } finally {
    db.close();
  }
});
