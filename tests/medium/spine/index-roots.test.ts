// What is not there, said as what it is, never as "the file vanished before it could be read":
// `rawlight index DIR...` with a folder that is not there (a mistyped path, a drive not mounted),
// before anything opens; search and duplicates before there is an index.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { indexRoots } from '../../../src/cli/index-roots.js';
import { isDaemonError } from '../../../src/errors/index.js';
import { cli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/fixtures.js';

const t = tempDir('rawlight-index-roots-');
after(() => t.cleanup());
const home = path.join(t.dir, 'home');

test('a folder that is not there: a mistake in the command (usage, exit 64), and no database made for it', async () => {
  const missing = path.join(t.dir, 'Pictrues');
  const r = await cli(home, ['index', missing]);
  assert.equal(r.code, 64, r.stderr);
  assert.match(r.stderr, new RegExp(`no such folder: ${missing}\\nUsage: rawlight index DIR`));
  assert.doesNotMatch(r.stderr, /vanished/);
  assert.ok(!existsSync(path.join(home, 'rawlight.db')), 'nothing opened');
});

test('a file where a folder is asked for: said so (exit 64)', async () => {
  const file = path.join(t.dir, 'IMG_1.JPG');
  writeFileSync(file, 'x');
  const r = await cli(home, ['index', file]);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /IMG_1\.JPG is not a folder/);
});

test('a folder on a drive that is not mounted (a card before it is in): LIBRARY_OFFLINE naming the volume', () => {
  // As macOS has it: /Volumes/<name> missing. On Linux the same comes from /etc/fstab.
  assert.throws(
    () => indexRoots(['/Volumes/rawlight-test-no-such-card/DCIM'], { platform: 'darwin' }),
    (e: unknown) => isDaemonError(e) && e.code === 'LIBRARY_OFFLINE' && /\/Volumes\/rawlight-test-no-such-card\/DCIM: volume "rawlight-test-no-such-card" is not mounted/.test(e.message),
  );
  const mnt = path.join(t.dir, 'mnt', 'card');
  const fstab = `/dev/sdb1 ${mnt} exfat noauto 0 0\n`;
  assert.throws(
    () => indexRoots([path.join(mnt, 'DCIM')], { platform: 'linux', readText: (f) => (f === '/etc/fstab' ? fstab : '') }),
    (e: unknown) => isDaemonError(e) && e.code === 'LIBRARY_OFFLINE' && e.message.includes(`mount point ${mnt} (from /etc/fstab) is not mounted`),
  );
});

test('the folders given are resolved and returned in order, a relative one against the working folder', () => {
  const a = path.join(t.dir, 'a');
  const b = path.join(t.dir, 'b');
  mkdirSync(a);
  mkdirSync(b);
  assert.deepEqual(indexRoots([b, path.relative(process.cwd(), a)], { platform: 'linux', readText: () => '' }), [b, a]);
});

test('search, duplicates, show and similar before anything was indexed: "nothing is indexed yet" and what to run, not "the file vanished"', async () => {
  const fresh = path.join(t.dir, 'fresh-home');
  const photo = path.join(t.dir, 'IMG_0001.JPG');
  writeFileSync(photo, 'not looked at');
  for (const args of [['search', 'beach'], ['duplicates'], ['show', photo], ['similar', photo]]) {
    const r = await cli(fresh, args);
    assert.equal(r.code, 1, args[0]);
    assert.match(r.stderr, /Nothing is indexed yet: `rawlight index DIR` indexes a folder now; the daemon indexes your libraries as it runs \(`rawlight status`\) \[NOTHING_INDEXED\]/, args[0]);
    assert.doesNotMatch(r.stderr, /vanished/);
  }
});
