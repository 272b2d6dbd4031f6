import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { search } from '../../../src/search/search.js';
import { openDb } from '../../../src/store/db.js';
import { reconcileRoot } from '../../../src/watch/reconcile.js';
import { testDiscovery } from '../../helpers/discovery.js';

/**
 * The file-name index (0120) is kept by triggers on files: the real writers (the reconcile walk's
 * inserts, discovery's rename of a moved file, the watcher's observations) keep search by name right.
 */
test('file-name search follows the real writers: walk inserts, a rename, a watcher add, a vanished file', async (t) => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'rawlight-names-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const lib = path.join(home, 'lib');
  mkdirSync(path.join(lib, 'Trip'), { recursive: true });
  mkdirSync(path.join(lib, 'trip'), { recursive: true });
  const put = (rel: string, bytes = rel) => writeFileSync(path.join(lib, rel), bytes);
  put('Trip/IMG_1234.CR3');
  put('trip/DSC_0042.ARW');
  put('trip/beach sunset.jpg');
  const { db } = openDb(path.join(home, 'rawlight.db'));
  t.after(() => db.close());
  const { discovery, log } = testDiscovery(db);
  const walk = () => reconcileRoot(lib, { db, discovery, log });
  const found = async (q: string) => (await search(db, q, { raw: true })).results.map((r) => path.relative(lib, r.path)).sort();

  assert.equal((await walk()).added, 3);
  assert.deepEqual(await found('IMG_1234'), ['Trip/IMG_1234.CR3']);
  assert.deepEqual(await found('dsc_0042.arw'), ['trip/DSC_0042.ARW']);
  assert.deepEqual(await found('sunset'), ['trip/beach sunset.jpg'], 'a word of a file name');

  // A rename: discovery moves the row (UPDATE … SET path); the name index follows.
  renameSync(path.join(lib, 'Trip/IMG_1234.CR3'), path.join(lib, 'Trip/IMG_1299.CR3'));
  const r = await walk();
  assert.equal(r.moved, 1);
  assert.deepEqual(await found('IMG_1234'), []);
  assert.deepEqual(await found('IMG_1299'), ['Trip/IMG_1299.CR3']);

  // A photo the watcher reports, at the watcher's priority.
  put('trip/IMG_5000.CR3');
  const p = path.join(lib, 'trip/IMG_5000.CR3');
  const changes = await discovery.observeMany([{ path: p, root: lib, stat: lstatSync(p, { bigint: true }), sidecar: null }]);
  assert.equal(changes.get(p), 'added');
  assert.deepEqual(await found('img_5000'), ['trip/IMG_5000.CR3']);

  // A vanished file is no longer found; the same name again later is.
  unlinkSync(path.join(lib, 'trip/DSC_0042.ARW'));
  assert.equal((await walk()).gone, 1);
  assert.deepEqual(await found('DSC_0042'), []);
  put('trip/DSC_0042.ARW', 'new bytes, new file');
  await walk();
  assert.deepEqual(await found('DSC_0042'), ['trip/DSC_0042.ARW']);
  assert.equal(db.prepare(`SELECT count(*) FROM file_names`).pluck().get(), db.prepare(`SELECT count(*) FROM files`).pluck().get());
});
