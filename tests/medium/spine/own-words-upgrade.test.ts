import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../src/config/index.js';
import { SWEPT_VERSIONS_KEY } from '../../../src/pipeline/pipeline.js';
import type { Places } from '../../../src/platform/places.js';
import { setKv } from '../../../src/store/repositories/kv.repository.js';
import { searchCli } from '../../helpers/cli.js';
import { daemonStarts, until } from '../../helpers/daemon-watch.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

// A library read by the metadata pass before it kept captions (its version 1): after the upgrade
// the daemon reads every photo once more, in the background, and the captions become searchable.

const NO_ML = { faces: false, embed: false, tags: false, places: false, writeback: false, ocr: false };

test('after an upgrade, the daemon reads its photos again in the background and their captions find them', async () => {
  const t = tempDir();
  const lib = path.join(t.dir, 'Pictures');
  mkdirSync(lib, { recursive: true });
  const photo = path.join(lib, 'camp.jpg');
  copyFileSync(path.join(FIXTURES, 'photos/scenes/bus.jpg'), photo);
  execFileSync('exiftool', ['-q', '-q', '-overwrite_original', '-XMP-dc:Description=Our camp near the Colorado river', '-XMP-photoshop:City=Moab', photo]);
  const home = path.join(t.dir, 'home');
  const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
  const config = parseConfig({ libraries: [lib], passes: NO_ML, watch: { enabled: false } });
  const run = daemonStarts({ places, config, libraries: [lib] });
  const found = async (q: string) => (await searchCli(home).found(q)).map((p) => path.basename(p));
  try {
    await run(async (d) => {
      await until(() => d.core.db.prepare(`SELECT count(*) FROM pass_results WHERE pass = 'metadata' AND status = 'ok'`).pluck().get() === 1);
      // As the version before this one left it: read by metadata 1, which kept no caption or place.
      d.core.db.prepare(`UPDATE metadata SET caption = NULL, place_city = NULL`).run();
      d.core.db.prepare(`UPDATE pass_results SET version = 1 WHERE pass = 'metadata'`).run();
      setKv(d.core.db, SWEPT_VERSIONS_KEY, { ...Object.fromEntries(d.core.pipeline.passes.map((p) => [p.name, p.version])), metadata: 1 });
    });
    assert.deepEqual(await found('colorado river'), [], 'not searchable before the upgrade');

    await run(async (d, logs) => {
      await until(() => d.core.db.prepare(`SELECT version FROM pass_results WHERE pass = 'metadata'`).pluck().get() === 2);
      await d.core.pipeline.whenIdle();
      assert.ok(logs.lines().some((l) => l.msg === 'queued passes whose version or inputs changed' && (l as { queued?: number }).queued === 1), JSON.stringify(logs.lines().map((l) => l.msg)));
    });
    assert.deepEqual(await found('colorado river'), ['camp.jpg']);
    assert.deepEqual(await found('moab'), ['camp.jpg']);
  } finally {
    t.cleanup();
  }
});
