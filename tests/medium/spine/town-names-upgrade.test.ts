import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../src/config/index.js';
import { TOWN_NAMES_FILE } from '../../../src/places/town-names.js';
import type { Places } from '../../../src/platform/places.js';
import { cli } from '../../helpers/cli.js';
import { capturingLogger, daemonStarts, until } from '../../helpers/daemon-watch.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

// A library geocoded by a version before the towns' other names: no photo needs a lookup after the
// upgrade, so the places worker would never make the file. The daemon asks for it at start.

const PLACES_ONLY = { faces: false, embed: false, tags: false, places: true, writeback: false, ocr: false };

test('after an upgrade, a daemon whose library has towns makes the file of their other names at start, once', async () => {
  const t = tempDir();
  const lib = path.join(t.dir, 'Pictures');
  mkdirSync(lib, { recursive: true });
  copyFileSync(path.join(FIXTURES, 'photos/gps/nice_building.jpg'), path.join(lib, 'nice_building.jpg'));
  const home = path.join(t.dir, 'home');
  const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
  const config = parseConfig({ libraries: [lib], passes: PLACES_ONLY, watch: { enabled: false } });
  const file = path.join(places.cacheDir, TOWN_NAMES_FILE);
  const run = daemonStarts({ places, config, libraries: [lib] });
  const made = (logs: ReturnType<typeof capturingLogger>) => logs.lines().filter((l) => /towns' other names/.test(l.msg)).map((l) => l.msg);
  try {
    await run(async (d) => {
      await until(() => d.core.db.prepare(`SELECT count(*) FROM places WHERE city = 'Nice'`).pluck().get() === 1);
      await d.townNames;
    });
    // As a version before this one left it: the town looked up, no file of other names.
    rmSync(file, { force: true });

    await run(async (d, logs) => {
      await d.townNames;
      assert.ok(existsSync(file), 'made at start: the library has towns');
      assert.deepEqual(made(logs), ['made the file of the towns\' other names for search ("München" finds Munich)']);
      const r = await cli(home, ['search', 'Nizza', '--json'], { RAWLIGHT_HOME: home });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.json<{ results: { path: string }[] }>().results.map((x) => path.basename(x.path)), ['nice_building.jpg']);
    });

    await run(async (d, logs) => {
      await d.townNames;
      assert.deepEqual(made(logs), [], 'made from this data already: nothing to do, nothing said');
    });
  } finally {
    t.cleanup();
  }
});
