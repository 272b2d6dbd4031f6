// A photo moved with its sidecar (a folder renamed in the Finder, Lightroom's "move"): what rawlight
// wrote into that sidecar is still rawlight's at the new path. It used to start afresh there: a
// person renamed afterwards kept the old name beside the new one (two regions on one face in
// Lightroom), and a changed place was reported as a conflict with rawlight's own old value.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cli } from '../../helpers/cli.js';
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';

/** Names in the sidecar as an independent reader (Exiv2's own parser) sees them. */
function namesIn(sidecar: string): { persons: string[]; regions: string[] } {
  const out = execFileSync('exiv2', ['-PXkv', sidecar], { encoding: 'utf8' });
  const values = (re: RegExp) => out.split('\n').filter((l) => re.test(l)).map((l) => l.replace(/^\S+\s+/, '').trim());
  return { persons: values(/^Xmp\.iptcExt\.PersonInImage\b/).flatMap((v) => v.split(', ')), regions: values(/^Xmp\.mwg-rs\.Regions\/mwg-rs:RegionList\[\d+\]\/mwg-rs:Name\s/) };
}

test('a person renamed after the folder moved: the new name replaces rawlight\'s old one, once', async () => {
  const t = tempDir('rawlight-moved-sidecar-');
  try {
    const lib = path.join(t.dir, 'Pictures');
    const home = path.join(t.dir, 'home');
    mkdirSync(path.join(lib, '2024 Trip'), { recursive: true });
    mkdirSync(home, { recursive: true });
    for (const n of ['obama_1.jpg', 'obama_2.jpg', 'obama_3.jpg']) copyFileSync(path.join(FIXTURES, 'photos/people', n), path.join(lib, '2024 Trip', n));
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: MODELS, libraries: [lib], passes: { embed: false, tags: false, ocr: false, places: false } }));
    assert.equal((await cli(home, ['index', lib])).code, 0);
    const people = (await cli(home, ['people', '--json'])).json<{ persons: { id: number; faceCount: number }[] }>().persons;
    const him = people.find((p) => p.faceCount === 3);
    assert.ok(him, JSON.stringify(people));
    assert.equal((await cli(home, ['people', 'name', String(him.id), 'Barack'])).code, 0);
    const first = await cli(home, ['writeback']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.deepEqual(namesIn(path.join(lib, '2024 Trip', 'obama_1.jpg.xmp')), { persons: ['Barack'], regions: ['Barack'] });

    // The user renames the folder; the sidecars go with the photos.
    renameSync(path.join(lib, '2024 Trip'), path.join(lib, '2024-05 Chicago'));
    assert.equal((await cli(home, ['index', lib])).code, 0);
    assert.equal((await cli(home, ['people', 'rename', String(him.id), 'Barack Obama'])).code, 0);
    const second = await cli(home, ['writeback', '--json']);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(second.json<{ summary: { conflicts: number } }>().summary.conflicts, 0);
    for (const n of ['obama_1.jpg', 'obama_2.jpg', 'obama_3.jpg']) {
      assert.deepEqual(namesIn(path.join(lib, '2024-05 Chicago', `${n}.xmp`)), { persons: ['Barack Obama'], regions: ['Barack Obama'] }, n);
    }
    const after = (await cli(home, ['writeback', '--dry-run', '--json'])).json<{ summary: { withChanges: number; conflicts: number } }>();
    assert.deepEqual([after.summary.withChanges, after.summary.conflicts], [0, 0], 'nothing left to write');
  } finally {
    t.cleanup();
  }
});
