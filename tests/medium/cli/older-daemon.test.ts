import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { acquireLock } from '../../../src/lifecycle/lock.js';
import { defaultMigrationsDir, openDb } from '../../../src/store/db.js';
import { listMigrations } from '../../../src/store/migrate.js';
import { cli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/fixtures.js';

const t = tempDir('rawlight-older-daemon-');
after(() => t.cleanup());

// rawlight upgraded while its daemon runs: the daemon upgrades the index when it starts, and the one
// running started with the old rawlight. The commands that read the index say to restart it, not
// to "start the daemon" that is running.
test('a command reading an index older than it says to restart the running daemon, or to start a stopped one', async () => {
  const home = path.join(t.dir, 'home');
  const old = path.join(t.dir, 'migrations');
  mkdirSync(home, { recursive: true });
  mkdirSync(old);
  for (const m of listMigrations(defaultMigrationsDir()).slice(0, -1)) copyFileSync(path.join(defaultMigrationsDir(), m.name), path.join(old, m.name));
  openDb(path.join(home, 'rawlight.db'), { migrationsDir: old }).db.close();
  const lock = acquireLock(home); // the old daemon, running
  try {
    for (const args of [['status'], ['search', 'dog'], ['show', path.join(t.dir, 'IMG_1.jpg')]]) {
      const r = await cli(home, args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, /the daemon running now started before this rawlight was installed: restart it \(`rawlight agent restart`\) and it upgrades the index/, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /DB_OUT_OF_DATE/);
    }
  } finally {
    lock.release();
  }
  const stopped = await cli(home, ['status']);
  assert.match(stopped.stderr, /start the daemon \(rawlight run\) once to upgrade it/, stopped.stderr);
  assert.doesNotMatch(stopped.stderr, /restart/);
});
