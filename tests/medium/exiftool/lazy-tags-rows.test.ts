// The stored rows, end to end: every fixture (bad ones included) indexed through scan + metadata
// with dates parsed on first read gives the same metadata rows and the same recorded results and
// errors (a truncated file's METADATA_UNREADABLE among them) as with exiftool-vendored's own parse.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { ListedReadTask } from '../../../src/exiftool/listed-read-task.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';
import { importMetadata } from '../../helpers/metadata-import.js';

const t = tempDir('rawlight-lazy-rows-');
after(() => t.cleanup());
const lib = path.join(t.dir, 'lib');
copyFixtures(lib, ['photos', 'raw', 'bad']);

/** What the metadata pass stored, by path (ids and read times left out). */
function stored(home: string): { rows: Record<string, unknown>[]; results: Record<string, unknown>[] } {
  const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
  try {
    const rows = (db.prepare(`SELECT f.path, m.* FROM metadata m JOIN files f ON f.id = m.file_id ORDER BY f.path`).all() as Record<string, unknown>[]).map(
      ({ file_id: _id, read_at: _at, ...r }) => r,
    );
    const results = db
      .prepare(`SELECT f.path, r.status, r.output, r.error_code, r.error FROM pass_results r JOIN files f ON f.id = r.file_id WHERE r.pass = 'metadata' ORDER BY f.path`)
      .all() as Record<string, unknown>[];
    return { rows, results };
  } finally {
    db.close();
  }
}

test('every fixture: identical metadata rows and recorded results with lazy and eager date parsing', async () => {
  const lazyHome = path.join(t.dir, 'home-lazy');
  const eagerHome = path.join(t.dir, 'home-eager');
  await importMetadata(lazyHome, lib);
  const lazyParse = Object.getOwnPropertyDescriptor(ListedReadTask.prototype, 'parseEntry')!;
  let eagerParses = 0;
  const eagerly = ListedReadTask.prototype.parseEntryEagerly;
  Object.defineProperty(ListedReadTask.prototype, 'parseEntry', {
    ...lazyParse,
    value(this: ListedReadTask, ...a: Parameters<typeof eagerly>) {
      eagerParses++;
      return eagerly.apply(this, a);
    },
  });
  try {
    await importMetadata(eagerHome, lib);
  } finally {
    Object.defineProperty(ListedReadTask.prototype, 'parseEntry', lazyParse);
  }
  assert.ok(eagerParses > 150, `the second run parsed eagerly (${eagerParses} files)`);
  const lazy = stored(lazyHome);
  const eager = stored(eagerHome);
  assert.ok(eager.rows.length > 150, `${eager.rows.length} metadata rows`);
  assert.ok(eager.rows.filter((r) => r.captured_at !== null).length > 80, 'capture times among them');
  const failed = eager.results.filter((r) => r.status === 'failed');
  assert.ok(failed.some((r) => r.error_code === 'METADATA_UNREADABLE' && String(r.path).includes('/bad/truncated/')), 'a truncated file records its error');
  assert.deepEqual(lazy.rows, eager.rows);
  assert.deepEqual(lazy.results, eager.results);
});
