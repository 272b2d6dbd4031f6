import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { acquireLock } from '../../../src/lifecycle/lock.js';
import { openDb } from '../../../src/store/db.js';
import { cli } from '../../helpers/cli.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';

const t = tempDir('rawlight-status-worker-');
after(() => t.cleanup());

test('status says whether anything works on the queue, and how to start it when jobs wait', async () => {
  const home = path.join(t.dir, 'home');
  const lib = path.join(t.dir, 'lib');
  mkdirSync(home, { recursive: true });
  copyFixtures(lib, ['photos/scenes/horses.jpg', 'photos/scenes/clowns.jpg']);
  assert.equal((await cli(home, ['index', lib, '--passes', 'scan'])).code, 0);
  assert.match((await cli(home, ['status'])).stdout, /^worked on by: nothing running now \(the daemon picks up new photos when it runs\)$/m);
  // Jobs left queued, as after a daemon stopped mid-import.
  const { db } = openDb(path.join(home, 'rawlight.db'));
  db.prepare(`INSERT INTO jobs (file_id, pass, input_key, created_at, updated_at) SELECT id, 'metadata', 'k', 0, 0 FROM files`).run();
  db.close();
  const idle = await cli(home, ['status']);
  assert.match(idle.stdout, /^worked on by: nothing running now: the 2 pending job\(s\) wait for the daemon \(`rawlight agent install` starts it at login, `rawlight run` now\) or `rawlight index DIR`$/m);
  assert.equal((await cli(home, ['status', '--json'])).json<{ worker: { running: boolean } }>().worker.running, false);
  // The daemon (or an index run) holds the home's lock.
  const lock = acquireLock(home);
  try {
    assert.match((await cli(home, ['status'])).stdout, /^worked on by: the daemon or a `rawlight index` run$/m);
    assert.equal((await cli(home, ['status', '--json'])).json<{ worker: { running: boolean } }>().worker.running, true);
  } finally {
    lock.release();
  }
});
