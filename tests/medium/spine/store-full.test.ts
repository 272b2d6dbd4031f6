import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { parseConfig } from '../../../src/config/index.js';
import { Daemon } from '../../../src/main.js';
import type { Places } from '../../../src/platform/places.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

test('a full store (disk full, SQLITE_FULL) pauses work with a clear error; nothing indexed is lost; work resumes when there is room', async () => {
  const t = tempDir();
  const lib = path.join(t.dir, 'lib');
  mkdirSync(lib, { recursive: true });
  const photos = readdirSync(path.join(FIXTURES, 'photos/gps')).filter((f) => f.endsWith('.jpg'));
  for (const f of photos.slice(0, 3)) copyFileSync(path.join(FIXTURES, 'photos/gps', f), path.join(lib, f));
  const home = path.join(t.dir, 'home');
  const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
  const logged: { level: number; code?: string; msg: string }[] = [];
  const log = pino({ level: 'warn' }, new Writable({ write: (c, _e, cb) => (logged.push(JSON.parse(String(c))), cb()) }));
  const config = parseConfig({
    libraries: [lib],
    watch: { enabled: false },
    queue: { retryBaseSeconds: 0.2 },
    passes: { faces: false, embed: false, tags: false, places: false, writeback: false, ocr: false },
  });
  const daemon = new Daemon({ places, config, log, libraries: [lib] });
  try {
    await daemon.start();
    await daemon.core.pipeline.whenIdle();
    const db = daemon.core.db;
    const done = () => (db.prepare(`SELECT count(*) AS n FROM pass_results WHERE status = 'ok' AND pass = 'preview'`).get() as { n: number }).n;
    assert.equal(done(), 3);

    // The disk is "full": the database may not grow by more than a page or two.
    for (const f of photos.slice(3)) copyFileSync(path.join(FIXTURES, 'photos/gps', f), path.join(lib, f));
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 1}`);
    const reports = await daemon.rescan();
    assert.deepEqual(reports, [], 'the walk could not record its findings');
    const err = logged.find((l) => l.code === 'STORE_FULL');
    assert.ok(err, `a STORE_FULL error was logged: ${JSON.stringify(logged)}`);
    assert.match(err.msg, /free disk space/);
    assert.equal(done(), 3, 'what was indexed is still there');
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');

    // Room again: the next walk (nightly reconcile, or a watcher event) catches up.
    db.pragma('max_page_count = 1073741823');
    await daemon.rescan();
    await daemon.core.pipeline.whenIdle();
    assert.equal(done(), photos.length);
  } finally {
    await daemon.stop(2000);
    t.cleanup();
  }
});
