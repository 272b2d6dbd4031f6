import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { parseConfig } from '../../../src/config/index.js';
import { Daemon } from '../../../src/main.js';
import type { Places } from '../../../src/platform/places.js';
import { FIXTURES, makeWritable, tempDir } from '../../helpers/fixtures.js';

const SPINE_ONLY = { faces: false, embed: false, tags: false, places: false, writeback: false, ocr: false };

test('a photo dropped into a watched folder during a first import gets its preview before the backlog', async () => {
  const t = tempDir();
  const lib = path.join(t.dir, 'lib');
  // A real backlog: every fixture photo, twice over (the walk queues them all at walk priority).
  for (const copy of ['a', 'b']) {
    cpSync(path.join(FIXTURES, 'photos'), path.join(lib, copy), { recursive: true, mode: 0 });
    makeWritable(path.join(lib, copy));
  }
  mkdirSync(path.join(lib, 'new'));
  const home = path.join(t.dir, 'home');
  const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
  const config = parseConfig({ libraries: [lib], passes: SPINE_ONLY, watch: { settleMs: 200 }, queue: { cpuConcurrency: 1 } });
  const daemon = new Daemon({ places, config, log: pino({ level: 'silent' }), libraries: [lib] });
  const dropped = path.join(lib, 'new', 'dropped.jpg');
  try {
    const bus = daemon.core.bus;
    const db = daemon.core.db;
    // The backlog: files of the import still without a preview (their scan, metadata or preview is queued).
    const pendingPreviews = () =>
      db.prepare(`SELECT count(*) FROM files f WHERE f.path <> ? AND NOT EXISTS (SELECT 1 FROM pass_results r WHERE r.file_id = f.id AND r.pass = 'preview')`).pluck().get(dropped) as number;
    // Drop the photo once the backlog is being worked on (the first preview of the import is done).
    let droppedAt = 0;
    const firstPreview = new Promise<void>((resolve) => {
      const on = (e: { pass: string }) => {
        if (e.pass !== 'preview') return;
        bus.off('pass-done', on);
        resolve();
      };
      bus.on('pass-done', on);
    });
    const droppedPreview = new Promise<{ backlogLeft: number; ms: number }>((resolve) => {
      bus.on('pass-done', (e) => {
        if (e.pass === 'preview' && e.path === dropped) resolve({ backlogLeft: pendingPreviews(), ms: Date.now() - droppedAt });
      });
    });
    await daemon.start(); // returns after the walk: the whole library is queued
    await firstPreview;
    const backlogAtDrop = pendingPreviews();
    assert.ok(backlogAtDrop > 50, `a real backlog is waiting (${backlogAtDrop} photos without a preview)`);
    droppedAt = Date.now();
    copyFileSync(path.join(FIXTURES, 'photos/gps/zebra.jpg'), dropped);
    const r = await droppedPreview;
    assert.ok(r.backlogLeft > 0, `the dropped photo waited for the whole backlog (${backlogAtDrop} previews queued when it was dropped)`);
    assert.ok(r.backlogLeft >= backlogAtDrop / 2, `the dropped photo came before most of the backlog: ${r.backlogLeft} of ${backlogAtDrop} previews still queued`);
    const row = db.prepare(`SELECT count(*) FROM pass_results r JOIN files f ON f.id = r.file_id WHERE f.path = ? AND r.status = 'ok'`).pluck().get(dropped);
    assert.equal(row, 3, 'scan, metadata and preview done');
  } finally {
    await daemon.stop(2000);
    t.cleanup();
  }
});
