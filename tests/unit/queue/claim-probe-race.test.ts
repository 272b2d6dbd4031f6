import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type Database from 'better-sqlite3';
import { claim, claimForFile, enqueue, Priority } from '../../../src/queue/queue.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { tempDir } from '../../helpers/fixtures.js';

/**
 * A claim first reads whether anything is runnable (cheap: most claims find nothing), then leases
 * with one atomic UPDATE that picks again. Another process (the CLI's `rawlight index`, a second
 * daemon) that leases the job between the read and the UPDATE must win alone: never two leases.
 */
function raceAfterProbe(db: WritableDb, other: () => void): void {
  const prepare = db.prepare.bind(db);
  (db as { prepare: unknown }).prepare = (sql: string) => {
    const s = prepare(sql);
    if (!sql.startsWith('SELECT EXISTS')) return s;
    // The probe answers, then the other process commits its lease before this one's UPDATE.
    return {
      pluck: () => ({
        get: (...params: unknown[]) => {
          const r = (s.pluck() as Database.Statement).get(...params);
          other();
          return r;
        },
      }),
    };
  };
}

for (const how of ['claim', 'claimForFile'] as const) {
  test(`${how}: a job leased by another process between the probe and the lease is not leased again`, () => {
    const { dir, cleanup } = tempDir('rawlight-claim-race-');
    try {
      const file = path.join(dir, 'rawlight.db');
      const { db: a } = openDb(file);
      const { db: b } = openDb(file);
      a.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/1.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
      enqueue(a, 1, 'scan', 'k', Priority.watch);
      let theirs: unknown;
      raceAfterProbe(a, () => (theirs = claim(b, ['scan'], 'B', 60_000, 1)));
      const mine = how === 'claim' ? claim(a, ['scan'], 'A', 60_000, 1) : claimForFile(a, 1, ['scan'], 'A', 60_000, 1);
      assert.ok(theirs, 'the other process took it');
      assert.equal(mine, undefined, 'the probe saw it, but the lease found it taken');
      const rows = a.prepare(`SELECT state, lease_owner, attempts FROM jobs`).all();
      assert.deepEqual(rows, [{ state: 'leased', lease_owner: 'B', attempts: 1 }]);
      a.close();
      b.close();
    } finally {
      cleanup();
    }
  });
}
