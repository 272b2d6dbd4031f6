import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listFiles, type FileFilter } from '../../../src/api/files.repository.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { captured, plan } from '../../helpers/query-plan.js';

interface Photo {
  id: number;
  ts: number | null | undefined; // undefined: no metadata row yet
  state: string;
  tags: string[];
  camera: string;
}

/**
 * 3,000 files as a library holds them: most dated (many sharing a second, as a burst does), some
 * undated, some not read yet (no metadata row), some gone; tagged, with or without a preview.
 */
function library(): { db: WritableDb; photos: Photo[] } {
  const { db } = openDb(':memory:');
  const photos: Photo[] = [];
  const file = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'cr3', 'raw', ?, 0, 0)`);
  const meta = db.prepare(`INSERT INTO metadata (file_id, captured_ts, captured_at, make, model, read_at) VALUES (?, ?, ?, 'Canon', ?, 0)`);
  const tag = db.prepare(`INSERT INTO tags (file_id, label, score, source) VALUES (?, ?, 0.5, 'clip')`);
  const preview = db.prepare(`INSERT INTO previews (file_id, preview_hash, source, width, height, bytes, path, thumb_path, made_at) VALUES (?, ?, 'file', 640, 480, 1, 'p.jpg', 't.jpg', 0)`);
  db.transaction(() => {
    for (let i = 1; i <= 3000; i++) {
      const p: Photo = {
        id: i,
        ts: i % 53 === 0 ? undefined : i % 37 === 0 ? null : Date.UTC(2020, 0, 1) + Math.floor(((i * 7919) % 3000) / 3) * 1000,
        state: i % 41 === 0 ? 'gone' : i % 43 === 0 ? 'offline' : 'present',
        tags: [...(i % 5 === 0 ? ['dog'] : []), ...(i % 3 === 0 ? ['outdoor'] : [])],
        camera: i % 2 ? 'EOS R5' : 'EOS 6D',
      };
      photos.push(p);
      file.run(i, `/l/IMG_${i}.CR3`, p.state);
      if (p.ts !== undefined) meta.run(i, p.ts, p.ts === null ? null : new Date(p.ts).toISOString().slice(0, 19), p.camera);
      for (const t of p.tags) tag.run(i, t);
      if (i % 4) preview.run(i, `h${i}`);
    }
  })();
  db.exec('ANALYZE');
  return { db, photos };
}

/** The order the page shows: dated newest first (a burst's later file first), then undated, newest file first. */
function expected(photos: Photo[], keep: (p: Photo) => boolean): number[] {
  return photos
    .filter((p) => p.state !== 'gone' && keep(p))
    .sort((a, b) => (a.ts == null ? 1 : 0) - (b.ts == null ? 1 : 0) || (b.ts ?? 0) - (a.ts ?? 0) || b.id - a.id)
    .map((p) => p.id);
}

test('a page of files: every filter, every offset, the capture order with undated and unread files last, each once', () => {
  const { db, photos } = library();
  try {
    const cases: [Omit<FileFilter, 'limit' | 'offset'>, (p: Photo) => boolean][] = [
      [{}, () => true],
      [{ tag: 'dog' }, (p) => p.tags.includes('dog')],
      [{ tag: 'outdoor' }, (p) => p.tags.includes('outdoor')],
      [{ camera: '6D' }, (p) => p.ts !== undefined && p.camera === 'EOS 6D'],
      [{ from: Date.UTC(2020, 0, 1, 0, 5), to: Date.UTC(2020, 0, 1, 0, 12) }, (p) => p.ts != null && p.ts >= Date.UTC(2020, 0, 1, 0, 5) && p.ts < Date.UTC(2020, 0, 1, 0, 12)],
      [{ root: '/l', tag: 'dog' }, (p) => p.tags.includes('dog')],
      [{ kind: 'raw', from: Date.UTC(2020, 0, 1, 0, 10) }, (p) => p.ts != null && p.ts >= Date.UTC(2020, 0, 1, 0, 10)],
    ];
    // Pages of 120 and of 37: a page that ends the dated files and goes on with the undated ones
    // falls at a different offset in each (the capture-time walk, then the rest by id).
    for (const limit of [120, 37]) {
      for (const [filter, keep] of cases) {
        const want = expected(photos, keep);
        assert.ok(want.length > 50, `${JSON.stringify(filter)}: ${want.length}`);
        const got: number[] = [];
        for (let offset = 0; offset < want.length + limit; offset += limit) {
          const page = listFiles(db, { ...filter, offset, limit });
          assert.equal(page.total, want.length, JSON.stringify(filter));
          got.push(...page.items.map((x) => x.id));
        }
        assert.deepEqual(got, want, `${JSON.stringify(filter)}, pages of ${limit}`);
      }
    }
    // A page's items are whole: name, camera, capture time, size and preview as the row holds them.
    const [first] = listFiles(db, { offset: 0, limit: 1, tag: 'dog' }).items;
    const p = photos.find((x) => x.id === first!.id)!;
    assert.equal(first!.name, `IMG_${p.id}.CR3`);
    assert.equal(first!.camera, `Canon ${p.camera}`);
    assert.equal(first!.capturedAt, new Date(p.ts!).toISOString().slice(0, 19));
    assert.equal(first!.thumbnail !== null, p.id % 4 !== 0);
  } finally {
    db.close();
  }
});

test('search hits (ids) keep their order, whatever their capture times', () => {
  const { db } = library();
  try {
    const ids = [2999, 5, 1200, 37, 53, 7];
    assert.deepEqual(listFiles(db, { offset: 0, limit: 10, ids }).items.map((x) => x.id), ids);
    assert.deepEqual(listFiles(db, { offset: 2, limit: 2, ids }).items.map((x) => x.id), [1200, 37]);
    assert.equal(listFiles(db, { offset: 0, limit: 10, ids: [41, 5] }).total, 1, 'a gone file is no hit');
  } finally {
    db.close();
  }
});

test('a broad filter walks the capture-time index for its first page; a narrow one sorts its few; neither reads every file', () => {
  const { db } = library();
  try {
    // Every statement a page runs, and its plan.
    const plans = (filter: Omit<FileFilter, 'limit' | 'offset'>): string[] =>
      captured(db, () => assert.ok(listFiles(db, { ...filter, offset: 0, limit: 120 }).items.length > 0))
        .filter((sql) => /^\s*SELECT/i.test(sql))
        .map((sql) => `${sql}\n  => ${plan(db, sql).join(' | ')}`);
    // No filter and the tag "dog" (a fifth of the photos): the page walks metadata_captured newest
    // first, with no sort, and never scans files.
    for (const filter of [{}, { tag: 'dog' }]) {
      const p = plans(filter);
      const walk = p.find((x) => /INDEXED BY metadata_captured/.test(x));
      assert.ok(walk, `${JSON.stringify(filter)} walks:\n${p.join('\n')}`);
      assert.match(walk!, /=> (SCAN|SEARCH) mc USING COVERING INDEX metadata_captured/);
      // No sort of the walk itself: a temp b-tree only where a UNION of the tag's lists merges.
      const count = (re: RegExp) => walk!.match(re)?.length ?? 0;
      assert.ok(count(/USE TEMP B-TREE FOR ORDER BY/g) <= count(/MERGE \(UNION\)/g), walk);
      for (const x of p) assert.doesNotMatch(x, /SCAN f\b(?! USING COVERING INDEX files_state)/, x);
    }
    // A tag on a handful of photos: sorting them, never a walk of every dated file.
    db.prepare(`INSERT INTO tags (file_id, label, score, source) VALUES (10, 'rare', 0.5, 'clip'), (20, 'rare', 0.5, 'clip'), (30, 'rare', 0.5, 'clip')`).run();
    const rare = plans({ tag: 'rare' });
    assert.ok(!rare.some((x) => /INDEXED BY metadata_captured/.test(x)), rare.join('\n'));
  } finally {
    db.close();
  }
});
