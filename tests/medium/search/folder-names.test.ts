import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { search } from '../../../src/search/search.js';
import { openDb } from '../../../src/store/db.js';
import { reconcileRoot } from '../../../src/watch/reconcile.js';
import { testDiscovery } from '../../helpers/discovery.js';
import { tempDir } from '../../helpers/fixtures.js';

// Photographers name folders for what they hold: a search for a word of a folder's name finds its
// photos; a name stored decomposed (an HFS+ drive, older macOS: "Mu\u0308ller") matches as typed.
// The folder index (0200) is kept by triggers on files: the real writers keep it right.

const nfd = (s: string) => s.normalize('NFD');

test('words of folder names find their photos, through walks, a folder renamed, files deleted; decomposed names match as typed', async () => {
  const t = tempDir();
  try {
    const lib = path.join(t.dir, 'Photos');
    const put = (rel: string) => {
      mkdirSync(path.dirname(path.join(lib, rel)), { recursive: true });
      writeFileSync(path.join(lib, rel), rel);
    };
    put('2023/2023-06 Iceland/DSC_0001.ARW');
    put('2023/2023-06 Iceland/Selects/DSC_0002.jpg');
    put(nfd('2019/Hochzeit Müller/IMG_0001.CR2'));
    put(nfd('2019/Hochzeit Müller/Zürich Café.jpg'));
    put('2021/Stuttgart Party/IMG_0100.CR3');
    const { db } = openDb(path.join(t.dir, 'rawlight.db'));
    try {
      const { discovery, log } = testDiscovery(db);
      const walk = () => reconcileRoot(lib, { db, discovery, log });
      const found = async (q: string) => (await search(db, q, { raw: true })).results.map((r) => path.relative(lib, r.path).normalize('NFC')).sort();
      await walk();

      assert.deepEqual(await found('iceland'), ['2023/2023-06 Iceland/DSC_0001.ARW', '2023/2023-06 Iceland/Selects/DSC_0002.jpg'], 'the folder and the one below it');
      assert.deepEqual(await found('Hochzeit Müller'), ['2019/Hochzeit Müller/IMG_0001.CR2', '2019/Hochzeit Müller/Zürich Café.jpg'], 'typed composed, stored decomposed');
      assert.deepEqual(await found('müller'), ['2019/Hochzeit Müller/IMG_0001.CR2', '2019/Hochzeit Müller/Zürich Café.jpg']);
      assert.deepEqual(await found('zürich'), ['2019/Hochzeit Müller/Zürich Café.jpg'], 'a decomposed file name matches as typed');
      assert.deepEqual(await found('art'), [], 'whole words only: not Stuttgart, not Party');
      assert.deepEqual(await found('photos'), [], "the library's own name is no word of its photos");
      const why = (await search(db, 'iceland', { raw: true })).results[0]!.why;
      assert.match(why, /folder 2023\/2023-06 Iceland/);

      // The folder renamed (discovery moves each file): the new name finds them, the old does not.
      renameSync(path.join(lib, '2023/2023-06 Iceland'), path.join(lib, '2023/2023-06 Iceland Ring Road'));
      await walk();
      assert.deepEqual(await found('ring road'), ['2023/2023-06 Iceland Ring Road/DSC_0001.ARW', '2023/2023-06 Iceland Ring Road/Selects/DSC_0002.jpg']);
      assert.equal(db.prepare(`SELECT count(*) FROM folders WHERE rel LIKE '%Iceland'`).pluck().get(), 0, 'the old folder left the index');
      // Its photos deleted: the folder leaves the index with its last file.
      unlinkSync(path.join(lib, '2021/Stuttgart Party/IMG_0100.CR3'));
      rmSync(path.join(lib, '2021'), { recursive: true });
      await walk();
      assert.deepEqual(await found('stuttgart'), [], 'a deleted photo is not found');
      const counts = db.prepare(`SELECT d.rel AS rel, d.files AS files, (SELECT count(*) FROM files f WHERE f.path >= d.path || '/' AND f.path < d.path || '0' AND instr(substr(f.path, length(d.path) + 2), '/') = 0) AS actual FROM folders d ORDER BY rel`).all() as { rel: string; files: number; actual: number }[];
      for (const c of counts) assert.equal(c.files, c.actual, `${c.rel}: the kept count is the files rows in it`);
      assert.equal(db.prepare(`SELECT count(*) FROM folder_names`).pluck().get(), db.prepare(`SELECT count(*) FROM folders WHERE rel <> ''`).pluck().get());
    } finally {
      db.close();
    }
  } finally {
    t.cleanup();
  }
});
