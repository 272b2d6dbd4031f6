import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../src/config/index.js';
import { Daemon } from '../../../src/main.js';
import type { Places } from '../../../src/platform/places.js';
import { notWritable } from '../../../src/platform/folder-writable.js';
import { readStatus } from '../../../src/store/repositories/status.repository.js';
import { cli } from '../../helpers/cli.js';
import { capturingLogger, until } from '../../helpers/daemon-watch.js';
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';
import { readOnlyFolder } from '../../helpers/read-only-folder.js';

// A library on a volume the Mac mounts read-only (an NTFS drive from a Windows PC, a card with its
// lock switch on, a share exported read-only): everything is indexed and searchable, but no XMP
// can be written there. Each photo's writeback used to fail as WRITE_FAILED (an ExifTool run each
// time), retry, die, and be revived every six hours: thousands of dead jobs in red, forever.

const PHOTOS = ['photos/gps/zebra.jpg', 'photos/gps/arezzo_DSCN0010.jpg'];

test('a library folder that cannot be written: its XMP waits (no failed attempts, no dead jobs, said once), and is written once it can be', async () => {
  const t = tempDir();
  const lib = path.join(t.dir, 'NTFS-drive');
  const ro = readOnlyFolder(lib, () => {
    for (const p of PHOTOS) copyFileSync(path.join(FIXTURES, p), path.join(lib, path.basename(p)));
  });
  const home = path.join(t.dir, 'home');
  const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
  const config = parseConfig({
    libraries: [lib],
    modelsDir: MODELS,
    passes: { faces: false, tags: false, embed: false, ocr: false, places: true, writeback: true },
    watch: { enabled: false },
  });
  const logs = capturingLogger('info');
  const daemon = new Daemon({ places, config, log: logs.log, libraries: [lib] });
  const { db } = daemon.core;
  const writebackRuns = () => db.prepare(`SELECT status, error_code AS code, count(*) AS n FROM pass_runs WHERE pass = 'writeback' GROUP BY 1, 2`).all() as { status: string; code: string | null; n: number }[];
  try {
    assert.equal(notWritable(lib)?.code, ro.kind, 'the folder is really not writable');
    await daemon.start();
    await until(() => daemon.core.pipeline.isIdle() && writebackRuns().reduce((n, r) => n + r.n, 0) >= PHOTOS.length, 60_000);
    assert.deepEqual(writebackRuns(), [{ status: 'retry', code: 'FOLDER_READ_ONLY', n: PHOTOS.length }], 'one try each, no ExifTool write failure');
    const jobs = db.prepare(`SELECT state, attempts, last_error_code AS code, run_after > ? AS later FROM jobs WHERE pass = 'writeback'`).all(Date.now() + 3_600_000) as { state: string; attempts: number; code: string; later: number }[];
    assert.deepEqual(jobs, PHOTOS.map(() => ({ state: 'pending', attempts: 0, code: 'FOLDER_READ_ONLY', later: 1 })), 'put aside, not failed');
    const status = readStatus(db);
    assert.equal(status.queue.dead, 0);
    assert.match(status.recentErrors[0]?.error ?? '', new RegExp(`${lib}: (on a read-only volume|not writable for this user)`));
    const told = logs.lines().filter((l) => /cannot be written/.test(l.msg));
    assert.equal(told.length, 1, 'said once for the library, not once a photo');
    assert.equal(told[0]!.root, lib);
    // Everything else was indexed: the places are there, waiting to be written.
    assert.equal(db.prepare(`SELECT count(*) FROM places`).pluck().get(), PHOTOS.length);
    // `rawlight doctor` says why no XMP is written there (not a fault: ok).
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ libraries: [lib], modelsDir: MODELS }));
    const doctor = (await cli(home, ['doctor', '--json'])).json<{ checks: { name: string; ok: boolean; detail: string }[] }>();
    const libCheck = doctor.checks.find((c) => c.name === `library ${lib}`);
    assert.ok(libCheck?.ok, JSON.stringify(libCheck));
    assert.match(libCheck!.detail, /(read-only volume|not writable for this user).*XMP cannot be written there/);

    // The drive made writable (an NTFS driver installed, the card unlocked): the next round writes.
    ro.writable();
    db.prepare(`UPDATE jobs SET run_after = 0 WHERE pass = 'writeback'`).run(); // the day it waits, passed
    daemon.core.pipeline.wake();
    await until(() => daemon.core.pipeline.isIdle() && db.prepare(`SELECT count(*) FROM jobs`).pluck().get() === 0, 60_000);
    const targets = db.prepare(`SELECT target, status FROM xmp_state`).all() as { target: string; status: string }[];
    assert.equal(targets.length, PHOTOS.length);
    for (const x of targets) {
      assert.equal(x.status, 'ok', x.target);
      assert.ok(existsSync(x.target), x.target);
      const place = db.prepare(`SELECT coalesce(city, region, country) FROM places p JOIN files f ON f.id = p.file_id WHERE ? LIKE f.path || '%'`).pluck().get(x.target) as string;
      assert.ok(readFileSync(x.target, 'utf8').includes(place), `${x.target} holds ${place}`);
    }
    assert.equal(readStatus(db).queue.pending, 0);
  } finally {
    await daemon.stop(3000);
    ro.dispose();
    t.cleanup();
  }
});
