// A photo named through a symlink (`~/Photos` → `/Volumes/Photos`, macOS's `/tmp` → `/private/tmp`)
// is the photo the index already holds under its real path: never recorded twice, always found.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DB_FILE, openReadonlyDb } from '../../../src/store/db.js';
import { canonicalPath } from '../../../src/platform/canonical-path.js';
import { resolvePlaces } from '../../../src/platform/places.js';
import { cli } from '../../helpers/cli.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

const t = tempDir('rawlight-symlinked-');
after(() => t.cleanup());
const home = path.join(t.dir, 'home');
const lib = path.join(t.dir, 'Volumes', 'Photos');
const link = path.join(t.dir, 'Photos'); // the user's shortcut to the drive
let real: string;

before(async () => {
  mkdirSync(path.join(lib, '2024'), { recursive: true });
  copyFileSync(path.join(FIXTURES, 'photos/gps/kenya_lizard.jpg'), path.join(lib, '2024', 'lizard.jpg'));
  symlinkSync(lib, link);
  real = realpathSync(lib);
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, 'config.json'), JSON.stringify({ libraries: [lib] }));
  const r = await cli(home, ['index', lib, '--passes', 'metadata', '--json']);
  assert.equal(r.code, 0, r.stderr);
});

test('index through a symlink: the folder it points to, its photos not recorded a second time', async () => {
  const r = await cli(home, ['index', path.join(link, '2024'), '--passes', 'metadata', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = r.json<{ files: number; roots: { root: string; added: number }[] }>();
  assert.deepEqual(j.roots.map((x) => [x.root, x.added]), [[path.join(real, '2024'), 0]]);
  assert.equal(j.files, 1);
  const db = openReadonlyDb(path.join(resolvePlaces({ env: { RAWLIGHT_HOME: home } }).dataDir, DB_FILE));
  try {
    assert.deepEqual(db.prepare(`SELECT path FROM files WHERE state = 'present'`).pluck().all(), [path.join(real, '2024', 'lizard.jpg')]);
  } finally {
    db.close();
  }
});

test('show, search --folder and writeback find the photo through the symlink', async () => {
  const viaLink = path.join(link, '2024', 'lizard.jpg');
  const shown = await cli(home, ['show', viaLink, '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(shown.json<{ path: string }>().path, path.join(real, '2024', 'lizard.jpg'));
  const found = await cli(home, ['search', '--folder', path.join(link, '2024'), '--json']);
  assert.equal(found.code, 0, found.stderr);
  assert.match(found.stdout, /lizard\.jpg/);
  const wb = await cli(home, ['writeback', '--dry-run', '--json', viaLink]);
  assert.deepEqual(wb.json<{ unmatched: string[] }>().unmatched, [], wb.stdout);
});

test('a path that is not there keeps its name under its folder\'s real path', () => {
  assert.equal(canonicalPath(path.join(link, '2024', 'gone.jpg')), path.join(real, '2024', 'gone.jpg'));
  assert.equal(canonicalPath(path.join(link, 'no', 'such', 'x.jpg')), path.join(real, 'no', 'such', 'x.jpg'));
  assert.equal(canonicalPath('relative/x.jpg'), path.join(realpathSync(process.cwd()), 'relative', 'x.jpg'));
});
