import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../src/config/index.js';
import { Daemon } from '../../../src/main.js';
import type { Places } from '../../../src/platform/places.js';
import { capturingLogger, until } from '../../helpers/daemon-watch.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

// A library on a NAS share: another Mac (or the NAS' own phone-backup app) puts photos there, and
// no file event tells this Mac (FSEvents and inotify see only this computer's writes to a network
// volume). The daemon walks such a library on a timer; a local one it leaves to its watcher.

const SPINE_ONLY = { faces: false, embed: false, tags: false, places: false, writeback: false, ocr: false };

function setUp(onServer: boolean) {
  const t = tempDir();
  const share = path.join(t.dir, 'photo');
  const local = path.join(t.dir, 'Pictures');
  for (const d of [share, local]) mkdirSync(path.join(d, '2024'), { recursive: true });
  const home = path.join(t.dir, 'home');
  const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
  // No watcher at all: what arrives on the share is found by the timed walk alone.
  const config = parseConfig({ libraries: [share, local], passes: SPINE_ONLY, watch: { enabled: false } });
  const logs = capturingLogger('info');
  const asked: string[] = [];
  const daemon = new Daemon({
    places, config, log: logs.log, libraries: [share, local], networkRescanMs: 100,
    // The mount table as macOS' mount(8) would give it for a Synology share.
    networkVolumes: async (roots) => roots.map((root) => (asked.push(root), onServer && root === share ? { fsType: 'smbfs', source: '//alice@DiskStation/photo', mountedAt: share } : null)),
  });
  const present = (dir: string) => (daemon.core.db.prepare(`SELECT count(*) AS n FROM files WHERE state = 'present' AND root = ?`).get(dir) as { n: number }).n;
  return { t, share, local, daemon, logs, asked, present };
}

test('a library on a file server is walked on a timer: a photo another computer put there is found without any file event', async () => {
  const s = setUp(true);
  try {
    await s.daemon.start();
    assert.deepEqual(s.daemon.network.watched, [s.share], 'only the share is walked on the timer');
    assert.deepEqual(s.asked.sort(), [s.local, s.share].sort());
    const told = s.logs.lines().filter((l) => /on a file server/.test(l.msg));
    assert.equal(told.length, 1);
    assert.equal(told[0]!.root, s.share);
    assert.equal(told[0]!.fsType, 'smbfs');
    copyFileSync(path.join(FIXTURES, 'photos/gps/zebra.jpg'), path.join(s.share, '2024', 'from-the-laptop.jpg'));
    await until(() => s.present(s.share) === 1);
    copyFileSync(path.join(FIXTURES, 'photos/scenes/bus.jpg'), path.join(s.share, '2024', 'from-the-phone.jpg'));
    await until(() => s.present(s.share) === 2);
    // Rounds go on without saying it again.
    assert.equal(s.logs.lines().filter((l) => /on a file server/.test(l.msg)).length, 1);
  } finally {
    await s.daemon.stop(2000);
    s.t.cleanup();
  }
});

test('libraries on local disks get no timed walk', async () => {
  const s = setUp(false);
  try {
    await s.daemon.start();
    assert.deepEqual(s.daemon.network.watched, []);
    assert.equal(s.logs.lines().filter((l) => /on a file server/.test(l.msg)).length, 0);
  } finally {
    await s.daemon.stop(2000);
    s.t.cleanup();
  }
});
