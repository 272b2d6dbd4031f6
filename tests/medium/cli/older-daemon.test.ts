import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { acquireLock } from '../../../src/lifecycle/lock.js';
import { defaultMigrationsDir, openDb, openReadonlyDb } from '../../../src/store/db.js';
import { listMigrations, schemaVersion } from '../../../src/store/migrate.js';
import { cli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/fixtures.js';

const t = tempDir('rawlight-older-daemon-');
after(() => t.cleanup());

/** A home whose index an older rawlight made (every migration but the last). */
function olderIndex(name: string): { home: string; version: () => number } {
  const home = path.join(t.dir, name);
  const old = path.join(t.dir, `${name}-migrations`);
  mkdirSync(home, { recursive: true });
  mkdirSync(old);
  for (const m of listMigrations(defaultMigrationsDir()).slice(0, -1)) copyFileSync(path.join(defaultMigrationsDir(), m.name), path.join(old, m.name));
  openDb(path.join(home, 'rawlight.db'), { migrationsDir: old }).db.close();
  const version = () => {
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      return schemaVersion(db);
    } finally {
      db.close();
    }
  };
  return { home, version };
}

// rawlight upgraded while its daemon runs: the daemon upgrades the index when it starts, and the one
// running started with the old rawlight. The commands that read the index say to restart it, not
// to "start the daemon" that is running.
test('a command reading an index older than it says to restart the running daemon, or to start a stopped one', async () => {
  const { home } = olderIndex('home');
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

// The commands that change the index themselves (people, faces purge) upgraded it beside an older
// daemon, which then went on writing a schema it did not know.
test('a command changing an index older than it leaves it to the running daemon (restart it), and upgrades it when none runs', async () => {
  const { home, version } = olderIndex('home-change');
  const old = version();
  const lock = acquireLock(home);
  try {
    for (const args of [['people'], ['people', 'undo'], ['faces', 'purge', '--yes']]) {
      const r = await cli(home, args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, /restart it \(`rawlight agent restart`\) and it upgrades the index/, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(version(), old, `${args.join(' ')} left the schema to the daemon`);
    }
  } finally {
    lock.release();
  }
  const r = await cli(home, ['people', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(version() > old, 'with no daemon the command upgrades the index itself');
  openReadonlyDb(path.join(home, 'rawlight.db')).close();
});

// Before anything was indexed the people commands made an empty database (and upgraded it) to answer.
test('before anything was indexed: an empty people listing, nothing to purge, a change refused; no database made', async () => {
  const home = path.join(t.dir, 'home-empty');
  mkdirSync(home, { recursive: true });
  const db = path.join(home, 'rawlight.db');
  const list = await cli(home, ['people', '--json']);
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(list.json(), { persons: [], unassigned: [] });
  const text = await cli(home, ['people']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^0 person\(s\)\/group\(s\); 0 face\(s\) not in any group \(nothing indexed yet\)\.$/m);
  const purge = await cli(home, ['faces', 'purge', '--yes', '--json']);
  assert.equal(purge.code, 0, purge.stderr);
  assert.deepEqual(purge.json(), { faces: 0, crops: 0 });
  const name = await cli(home, ['people', 'name', '1', 'Ada']);
  assert.notEqual(name.code, 0);
  assert.match(name.stderr, /NOTHING_INDEXED/, name.stderr);
  assert.ok(!existsSync(db), 'no database made by any of them');
});
