import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildFilter, filteredFiles } from '../../../src/search/search.repository.js';
import { openDb } from '../../../src/store/db.js';
import { prefixRange, underDir } from '../../../src/store/path-range.js';
import { presentPathsUnder, presentPathsWithPrefix } from '../../../src/store/repositories/file.repository.js';

// Folders whose names differ only in case, or hold LIKE's wildcards and its escape character.
const PATHS = [
  '/l/Trip/a.jpg', '/l/Trip/sub/b.jpg', '/l/trip/c.jpg', '/l/Trip2/d.jpg', '/l/Trip.jpg',
  '/l/50%/e.jpg', '/l/50%off/f.jpg', '/l/500/g.jpg',
  '/l/a_b/h.jpg', '/l/axb/i.jpg',
  '/l/back\\/j.jpg', '/l/back\\x/k.jpg', '/l/back/l.jpg',
  '/l/IMG_1.CR3', '/l/IMG_1.xmp.jpg', '/l/IMGx1.CR3', '/l/img_1.jpg',
];

function seeded() {
  const { db } = openDb(':memory:');
  const ins = db.prepare(`INSERT INTO files (path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, '/l', 'jpg', 'image', 0, 0)`);
  for (const p of PATHS) ins.run(p);
  return db;
}

/** The reference: a plain JavaScript prefix test, case-sensitive, no wildcards. */
const under = (dir: string) => PATHS.filter((p) => p.startsWith(dir + '/')).sort();

test('folder matches are exact, case-sensitive ranges: Trip/ is not trip/, % _ and \\ are plain characters', () => {
  const db = seeded();
  for (const dir of ['/l/Trip', '/l/trip', '/l/50%', '/l/a_b', '/l/back\\', '/l']) {
    assert.deepEqual(presentPathsUnder(db, dir).sort(), under(dir), dir);
    assert.deepEqual(presentPathsUnder(db, dir + '/').sort(), under(dir), `${dir}/ with a trailing separator`);
  }
  assert.deepEqual(presentPathsWithPrefix(db, '/l/IMG_1.').sort(), ['/l/IMG_1.CR3', '/l/IMG_1.xmp.jpg'], 'a sidecar stem: neither IMGx1 nor img_1');
  db.prepare(`UPDATE files SET state = 'gone' WHERE path = '/l/trip/c.jpg'`).run();
  assert.deepEqual(presentPathsUnder(db, '/l/trip'), [], 'only present files');
});

test('the search folder filter uses the same ranges', () => {
  const db = seeded();
  for (const dir of ['/l/Trip', '/l/50%', '/l/a_b', '/l/back\\']) {
    const hits = filteredFiles(db, buildFilter(db, { folder: dir }), 100).map((h) => h.path).sort();
    assert.deepEqual(hits, under(dir), dir);
  }
});

test('ranges are half-open on the character after the separator', () => {
  assert.deepEqual(underDir('/a/b', '/'), { lo: '/a/b/', hi: '/a/b0' });
  assert.deepEqual(underDir('/', '/'), { lo: '/', hi: '0' });
  assert.deepEqual(prefixRange('x.'), { lo: 'x.', hi: 'x/' });
  assert.throws(() => prefixRange(''));
});

test('a folder range is a search of the unique path index, not a scan', () => {
  const db = seeded();
  const seen: string[] = [];
  const prepare = db.prepare.bind(db);
  (db as { prepare: unknown }).prepare = (sql: string) => (seen.push(sql), prepare(sql));
  presentPathsUnder(db, '/l/Trip');
  (db as { prepare: unknown }).prepare = prepare;
  const plan = (prepare(`EXPLAIN QUERY PLAN ${seen[0]!}`).all('/l/Trip/', '/l/Trip0') as { detail: string }[]).map((r) => r.detail).join('\n');
  assert.match(plan, /SEARCH files USING INDEX sqlite_autoindex_files_1 \(path>\? AND path<\?\)/, plan);
});
