// `rawlight show` / `similar` on a file that is not in the index, and `writeback` on paths that match nothing in it, say why, through the real CLI.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { cli } from '../../helpers/cli.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

const t = tempDir('rawlight-notindexed-');
after(() => t.cleanup());
const lib = path.join(t.dir, 'Pictures');
const home = path.join(t.dir, 'home');
const put = (to: string) => {
  mkdirSync(path.dirname(path.join(lib, to)), { recursive: true });
  copyFileSync(path.join(FIXTURES, 'photos/gps/kenya_lizard.jpg'), path.join(lib, to));
  return path.join(lib, to);
};

before(async () => {
  put('2024/indexed.jpg');
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, 'config.json'), JSON.stringify({ libraries: [lib], exclude: ['/Exports/'] }));
  const r = await cli(home, ['index', lib, '--passes', 'metadata', '--json']);
  assert.equal(r.code, 0, r.stderr);
});

test('each reason a photo is not in the index is said, with the file, instead of "the file vanished"', async () => {
  const outside = path.join(t.dir, 'Desktop', 'elsewhere.jpg');
  mkdirSync(path.dirname(outside), { recursive: true });
  copyFileSync(path.join(FIXTURES, 'photos/gps/kenya_lizard.jpg'), outside);
  const movie = path.join(lib, '2024', 'clip.mov');
  writeFileSync(movie, 'not a photo');
  const cases: [string, RegExp][] = [
    [path.join(lib, '2024', 'missing.jpg'), /missing\.jpg: there is no such file/],
    [movie, /clip\.mov: \.mov is not a photo format rawlight reads/],
    [put('Photos Library.photoslibrary/originals/A/IMG_1.jpg'), /IMG_1\.jpg: it lies in "Photos Library\.photoslibrary", another program's private store, which rawlight never enters/],
    [put('Exports/web.jpg'), /web\.jpg: config\.json's "exclude" matches it/],
    [outside, new RegExp(`elsewhere\\.jpg: it is not under a library \\(libraries: ${lib.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\); \`rawlight index .*Desktop\` indexes its folder once`)],
    [put('2025/new.jpg'), /new\.jpg: not reached yet: the daemon indexes it in turn/],
  ];
  for (const [file, said] of cases) {
    for (const cmd of ['show', 'similar']) {
      const r = await cli(home, [cmd, file]);
      assert.equal(r.code, 1, `${cmd} ${file}: ${r.stderr}`);
      assert.match(r.stderr, said, `${cmd} ${file}`);
      assert.match(r.stderr, /\[FILE_NOT_INDEXED\]/);
      assert.doesNotMatch(r.stderr, /vanished/);
    }
  }
  // And an indexed one is shown.
  const ok = await cli(home, ['show', path.join(lib, '2024', 'indexed.jpg')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /indexed\.jpg \(present\)/);
});

test('writeback on paths that match nothing in the index says why for each (a folder with none, a file not indexed), exit 1', async () => {
  const empty = path.join(t.dir, 'Scans');
  mkdirSync(empty, { recursive: true });
  const missing = path.join(lib, '2024', 'gone.jpg');
  const r = await cli(home, ['writeback', '--dry-run', empty, missing, path.join(lib, '2024')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, new RegExp(`${empty.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not in the index: no photo in the index lies under this folder`));
  assert.match(r.stdout, /gone\.jpg: not in the index: there is no such file/);
  assert.doesNotMatch(r.stdout, /2024: not in the index/, 'the folder that holds an indexed photo matches it');
});

test('a photo under a folder indexed once but not a library (or a daemon run with --library) is not "under no library"', async () => {
  const other = path.join(t.dir, 'Card');
  mkdirSync(other, { recursive: true });
  copyFileSync(path.join(FIXTURES, 'photos/gps/kenya_lizard.jpg'), path.join(other, 'a.jpg'));
  assert.equal((await cli(home, ['index', other, '--passes', 'metadata'])).code, 0);
  copyFileSync(path.join(FIXTURES, 'photos/gps/kenya_lizard.jpg'), path.join(other, 'b.jpg'));
  const r = await cli(home, ['show', path.join(other, 'b.jpg')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`b\\.jpg: it is under ${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, a folder the index holds photos of but config\\.json does not list as a library; \`rawlight index ${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\` indexes its folder`));
  const w = await cli(home, ['writeback', '--dry-run', path.join(other, 'b.jpg')]);
  assert.match(w.stdout, /b\.jpg: not in the index: it is under .*a folder the index holds photos of/);
});
