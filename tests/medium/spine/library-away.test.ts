import assert from 'node:assert/strict';
import { copyFileSync, lstatSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { parseConfig } from '../../../src/config/index.js';
import { Daemon } from '../../../src/main.js';
import type { Places } from '../../../src/platform/places.js';
import { markFileGone } from '../../../src/store/repositories/file.repository.js';
import { readStatus } from '../../../src/store/repositories/status.repository.js';
import { reconcileRoot } from '../../../src/watch/reconcile.js';
import { capturingLogger, until } from '../../helpers/daemon-watch.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

// A library on an external drive (the drive itself: /Volumes/Photos): unplugged while the daemon
// runs, or not plugged in when it starts. Its folder renamed away and back is what the daemon sees
// of it (macOS removes /Volumes/NAME on unmount; Linux' udisks its /media/USER/NAME folder).

const SPINE_ONLY = { faces: false, embed: false, tags: false, places: false, writeback: false, ocr: false };
const PHOTOS = ['photos/gps/zebra.jpg', 'photos/scenes/bus.jpg', 'photos/people/biden_1.jpg'];

function setUp(backend: 'chokidar' | 'recursive', watch = true) {
  const t = tempDir();
  const lib = path.join(t.dir, 'Photos');
  mkdirSync(path.join(lib, '2024'), { recursive: true });
  for (const p of PHOTOS) copyFileSync(path.join(FIXTURES, p), path.join(lib, '2024', path.basename(p)));
  const home = path.join(t.dir, 'home');
  const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
  const config = parseConfig({ libraries: [lib], passes: SPINE_ONLY, watch: { settleMs: 200, backend, enabled: watch } });
  const logs = capturingLogger('info');
  const daemon = new Daemon({ places, config, log: logs.log, libraries: [lib], offlineRecheckMs: 100 });
  const states = () => Object.fromEntries((daemon.core.db.prepare(`SELECT state, count(*) AS n FROM files GROUP BY state`).all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
  const runs = () => (daemon.core.db.prepare(`SELECT count(*) AS n FROM pass_runs`).get() as { n: number }).n;
  const done = () => (daemon.core.db.prepare(`SELECT count(*) AS n FROM pass_results WHERE pass = 'preview' AND status = 'ok'`).get() as { n: number }).n === PHOTOS.length && daemon.core.pipeline.isIdle();
  return { t, lib, daemon, logs, states, runs, done };
}

for (const backend of ['chokidar', 'recursive'] as const) {
  test(`${backend}: a library whose drive is unplugged while the daemon runs is offline, never deleted; plugged back, it is watched again and nothing runs twice`, async () => {
    const s = setUp(backend);
    try {
      await s.daemon.start();
      await until(s.done);
      const before = s.runs();
      renameSync(s.lib, `${s.lib}.away`);
      await until(() => s.states().offline === PHOTOS.length);
      assert.deepEqual(s.states(), { offline: PHOTOS.length }, 'no photo of the drive marked deleted');
      assert.ok(s.logs.lines().some((l) => /^library folder (went away|is not reachable)/.test(l.msg)), 'the user is told');
      renameSync(`${s.lib}.away`, s.lib);
      await until(() => s.states().present === PHOTOS.length && s.daemon.core.pipeline.isIdle());
      assert.deepEqual(s.states(), { present: PHOTOS.length });
      assert.equal(s.runs(), before, 'the same photos back: no pass runs again');
      // Watched again: a photo imported onto the drive now is found.
      copyFileSync(path.join(FIXTURES, 'photos/gps/zebra.jpg'), path.join(s.lib, '2024', 'new.jpg'));
      await until(() => s.states().present === PHOTOS.length + 1);
    } finally {
      await s.daemon.stop(2000);
      s.t.cleanup();
    }
  });

  test(`${backend}: a library whose drive is plugged in after the daemon started is watched and walked then`, async () => {
    const s = setUp(backend);
    renameSync(s.lib, `${s.lib}.away`);
    try {
      await s.daemon.start();
      assert.deepEqual(s.daemon.offline.waiting, [s.lib]);
      renameSync(`${s.lib}.away`, s.lib);
      await until(() => s.states().present === PHOTOS.length && s.done());
      assert.deepEqual(s.daemon.offline.waiting, []);
      copyFileSync(path.join(FIXTURES, 'photos/gps/zebra.jpg'), path.join(s.lib, '2024', 'new.jpg'));
      await until(() => s.states().present === PHOTOS.length + 1);
    } finally {
      await s.daemon.stop(2000);
      s.t.cleanup();
    }
  });
}

for (const watch of [true, false]) {
  test(`a drive unplugged while its photos wait in the queue${watch ? '' : ' (no watcher: a pass finds it gone mid-read)'}: their steps wait for it and run once it is back`, async () => {
    const s = setUp('chokidar', watch);
    try {
      s.daemon.core.pipeline.setPaused(true);
      await s.daemon.start();
      assert.equal(s.states().present, PHOTOS.length);
      renameSync(s.lib, `${s.lib}.away`);
      // With the watcher, it marks the library offline first; without, the scan finds the files gone.
      if (watch) await until(() => s.states().offline === PHOTOS.length);
      s.daemon.core.pipeline.setPaused(false);
      await until(() => s.states().offline === PHOTOS.length && s.daemon.offline.waiting.length === 1);
      const jobs = () => s.daemon.core.db.prepare(`SELECT count(*) AS n FROM jobs WHERE state = 'pending' AND run_after > ?`).get(Date.now() + 3_600_000) as { n: number };
      await until(() => jobs().n === PHOTOS.length);
      assert.deepEqual(s.states(), { offline: PHOTOS.length }, 'none marked deleted');
      const q = readStatus(s.daemon.core.db).queue;
      assert.equal(q.away, PHOTOS.length, 'the status says they wait for the drive, not for a retry');
      assert.equal((s.daemon.core.db.prepare(`SELECT count(*) AS n FROM jobs WHERE state = 'dead'`).get() as { n: number }).n, 0);
      renameSync(`${s.lib}.away`, s.lib);
      await until(() => s.done() && s.states().present === PHOTOS.length);
      assert.equal((s.daemon.core.db.prepare(`SELECT count(*) AS n FROM jobs`).get() as { n: number }).n, 0, 'nothing left waiting');
    } finally {
      await s.daemon.stop(2000);
      s.t.cleanup();
    }
  });
}

test('a photo a step found vanished (marked deleted) and then found again as it was gets the steps it missed', async () => {
  const s = setUp('chokidar', false);
  try {
    await s.daemon.start();
    await until(s.done);
    const { db, discovery } = s.daemon.core;
    const photo = path.join(s.lib, '2024', 'bus.jpg');
    const id = (db.prepare('SELECT id FROM files WHERE path = ?').get(photo) as { id: number }).id;
    // As the preview pass leaves it when the file vanished mid-read: no preview result, marked gone.
    db.prepare(`DELETE FROM pass_results WHERE file_id = ? AND pass IN ('preview', 'fingerprint')`).run(id);
    markFileGone(db, id);
    await discovery.observeMany([{ path: photo, root: s.lib, stat: lstatSync(photo, { bigint: true }), sidecar: null }]);
    await until(s.done);
    assert.deepEqual(s.states(), { present: PHOTOS.length });
  } finally {
    await s.daemon.stop(2000);
    s.t.cleanup();
  }
});

test('a library folder left where its volume is not mounted (a stray /Volumes/NAME, an fstab mount point) is offline at start, not a library emptied', async () => {
  const s = setUp('chokidar');
  let daemon: Daemon | null = null;
  try {
    await s.daemon.start();
    await until(s.done);
    await s.daemon.stop(2000);
    // The drive unmounted while the daemon was down; its mount point's folder stays, empty.
    renameSync(s.lib, `${s.lib}.away`);
    mkdirSync(s.lib);
    daemon = new Daemon({ ...s.daemon.o, offlineRecheckMs: 60_000 });
    const { db, discovery } = daemon.core;
    const log = pino({ level: 'silent' });
    const states = () => db.prepare(`SELECT state, count(*) AS n FROM files GROUP BY state`).all();
    const r = await reconcileRoot(s.lib, { db, discovery, log, unmounted: (root) => (root === s.lib ? `mount point ${s.lib} (from /etc/fstab) is not mounted` : null) });
    assert.equal(r.state, 'offline');
    assert.equal(r.gone, 0);
    assert.deepEqual(states(), [{ state: 'offline', n: PHOTOS.length }]);
    // Mounted again: the walk finds every photo where it was.
    renameSync(s.lib, `${s.lib}.empty`);
    renameSync(`${s.lib}.away`, s.lib);
    const back = await reconcileRoot(s.lib, { db, discovery, log, unmounted: () => null });
    assert.equal(back.state, 'online');
    assert.deepEqual(states(), [{ state: 'present', n: PHOTOS.length }]);
  } finally {
    await daemon?.stop(2000);
    s.t.cleanup();
  }
});
