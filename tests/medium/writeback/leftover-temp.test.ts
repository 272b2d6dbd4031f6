// A sidecar write killed midway leaves its temp file (`.NAME.rawlight-PID-HEX.xmp`) beside the
// sidecar; start-up recovery removes it at the path its journal recorded. When the folder was
// renamed before the daemon started again (the soak found it: a card's folder renamed in the Finder
// after a crash) recovery found nothing there and the temp stayed for good. The library walk now
// hands rawlight's own temp names to `removeLeftoverTemps`, which decides on each.
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { recoverInterruptedWrites, recoveryCounts, removeLeftoverTemps } from '../../../src/xmp/recover-writes.js';
import { cli } from '../../helpers/cli.js';
import { FIXTURES, MODELS, REPO, tempDir } from '../../helpers/fixtures.js';
import { exiv2List, exiv2Props } from '../xmp/readers.js';
import { addFile, addTag, openTestDb, rawWithLightroomSidecar } from './helpers.js';

const CHILD = path.join(REPO, 'tests/medium/writeback/write-child.ts');
const temps = (dir: string) => readdirSync(dir).filter((n) => n.includes('.rawlight-'));

/** A pid no process has: one that ran and exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function killedAt(dir: string, photo: string, step: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, photo, step], { cwd: REPO, stdio: 'ignore' });
    c.on('error', reject);
    c.on('exit', (_code, signal) => resolve(signal));
  });
}

describe('a temp sidecar left by a killed write whose folder then moved', () => {
  const t = tempDir('rawlight-leftover-temp-');
  after(() => t.cleanup());

  test('killed after the temp was written, the folder renamed: recovery misses it, the walk\'s list removes it; the Lightroom sidecar is untouched', async () => {
    const dir = path.join(t.dir, 'killed');
    const [cr2, xmp] = rawWithLightroomSidecar(dir);
    const db = openTestDb(dir);
    const file = addFile(db, cr2);
    addTag(db, file.id, 'squirrel');
    db.close();
    assert.equal(await killedAt(dir, cr2, 'temp-synced'), 'SIGKILL');
    const folder = path.dirname(xmp);
    const moved = `${folder}-renamed`;
    renameSync(folder, moved);
    const [left] = temps(moved);
    assert.ok(left, 'the killed write left its temp file, now in the renamed folder');

    const db2 = openTestDb(dir);
    try {
      assert.deepEqual(await recoverInterruptedWrites(db2), [], 'the journal names the old folder: nothing found there');
      assert.deepEqual(temps(moved), [left], 'which is why the walk must look');
      const rec = removeLeftoverTemps(db2, [path.join(moved, left)]);
      assert.deepEqual(rec.map((r) => [r.action, r.path]), [['temp-removed', path.join(moved, path.basename(xmp))]]);
      assert.deepEqual(temps(moved), []);
      assert.equal(recoveryCounts(db2).tempRemoved, 1);
      const subjects = exiv2List(exiv2Props(path.join(moved, path.basename(xmp))), 'Xmp.dc.subject');
      assert.deepEqual([...subjects].sort(), ['Alvin the Squirrel', 'Berkley', 'USA'], 'the sidecar as Lightroom left it');
    } finally {
      db2.close();
    }
  });

  test('a write in progress is never touched; a leftover of a live pid is once it is an hour old (a pid reused after a restart)', () => {
    const dir = path.join(t.dir, 'live');
    mkdirSync(dir, { recursive: true });
    const db = openTestDb(dir);
    try {
      const inFlight = path.join(dir, `.a.jpg.xmp.rawlight-${process.pid}-0123abcd.xmp`);
      const reused = path.join(dir, `.b.jpg.xmp.rawlight-${process.pid}-89abcdef.xmp`);
      writeFileSync(inFlight, '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>');
      writeFileSync(reused, '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>');
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      utimesSync(reused, twoHoursAgo, twoHoursAgo);
      const rec = removeLeftoverTemps(db, [inFlight, reused]);
      assert.deepEqual(rec.map((r) => path.basename(r.path)), ['b.jpg.xmp']);
      assert.ok(existsSync(inFlight), 'a fresh temp of a live writer is a write in progress');
      assert.ok(!existsSync(reused));
      // The same fresh temp once its writer is gone.
      assert.deepEqual(removeLeftoverTemps(db, [inFlight], Date.now(), () => false).map((r) => r.action), ['temp-removed']);
      assert.ok(!existsSync(inFlight));
    } finally {
      db.close();
    }
  });

  test('beside a sidecar that no longer reads, the temp is kept and said once', () => {
    const dir = path.join(t.dir, 'broken');
    mkdirSync(dir, { recursive: true });
    const db = openTestDb(dir);
    try {
      writeFileSync(path.join(dir, 'c.jpg.xmp'), '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF');
      const temp = path.join(dir, `.c.jpg.xmp.rawlight-${deadPid()}-00ff00ff.xmp`);
      writeFileSync(temp, '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>');
      assert.deepEqual(removeLeftoverTemps(db, [temp]).map((r) => r.action), ['temp-kept']);
      assert.deepEqual(removeLeftoverTemps(db, [temp]), [], 'not recorded again at the next walk');
      assert.ok(existsSync(temp));
      assert.equal((db.prepare(`SELECT count(*) AS n FROM xmp_recoveries WHERE action = 'temp-kept'`).get() as { n: number }).n, 1);
    } finally {
      db.close();
    }
  });
});

test('rawlight index: the walk removes a dead writer\'s temp sidecar, counts it in status, and leaves other dot files alone', async () => {
  const t = tempDir('rawlight-leftover-walk-');
  try {
    const lib = path.join(t.dir, 'Pictures');
    const home = path.join(t.dir, 'home');
    const card = path.join(lib, '2024-06 Card');
    mkdirSync(card, { recursive: true });
    mkdirSync(home, { recursive: true });
    copyFileSync(path.join(FIXTURES, 'photos/people/obama_1.jpg'), path.join(card, 'obama_1.jpg'));
    const leftover = `.obama_1.jpg.xmp.rawlight-${deadPid()}-deadbeef.xmp`;
    const others = ['.DS_Store', '.obama_1.jpg.xmp.rawlight-backup.xmp', '._obama_1.jpg'];
    for (const n of [leftover, ...others]) writeFileSync(path.join(card, n), 'x');
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: MODELS, libraries: [lib], passes: { faces: false, embed: false, tags: false, ocr: false, places: false } }));
    const r = await cli(home, ['index', lib]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const names = readdirSync(card);
    assert.ok(!names.includes(leftover), names.join(', '));
    for (const n of others) assert.ok(names.includes(n), `${n} is not rawlight's: kept`);
    const status = (await cli(home, ['status', '--json'])).json<Record<string, unknown>>();
    assert.match(JSON.stringify(status), /"tempRemoved":1\b/);
  } finally {
    t.cleanup();
  }
});
