import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type Database from 'better-sqlite3';
import { claim, claimForFile, enqueue, fail, Priority } from '../../../src/queue/queue.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { tempDir } from '../../helpers/fixtures.js';

/**
 * A claim first reads whether a job is runnable and which (cheap: most claims find nothing),
 * then leases that row if it is still free, else leases with one atomic UPDATE that picks again. Another process
 * (the CLI's `rawlight index`, a second daemon) that leases the job between the read and the
 * UPDATE must win alone: never two leases; and a job left runnable is still leased at once.
 */
function raceAfterProbe(db: WritableDb, other: () => void): void {
  const prepare = db.prepare.bind(db);
  let raced = false;
  (db as { prepare: unknown }).prepare = (sql: string) => {
    const s = prepare(sql);
    // The probe: the pick itself (claim's union of passes, claimForFile's jobs of one file).
    if (!/^SELECT (j\.)?id FROM/.test(sql) || raced) return s;
    raced = true;
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

/** Two connections to one fresh database (this process and another), file 1 in it; closed and removed after `fn`. */
function twoProcesses(fn: (a: WritableDb, b: WritableDb) => void): void {
  const { dir, cleanup } = tempDir('rawlight-claim-race-');
  const file = path.join(dir, 'rawlight.db');
  const { db: a } = openDb(file);
  const { db: b } = openDb(file);
  try {
    a.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/1.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
    fn(a, b);
  } finally {
    a.close();
    b.close();
    cleanup();
  }
}

for (const how of ['claim', 'claimForFile'] as const) {
  test(`${how}: a job leased by another process between the probe and the lease is not leased again`, () =>
    twoProcesses((a, b) => {
      enqueue(a, 1, 'scan', 'k', Priority.watch);
      let theirs: unknown;
      raceAfterProbe(a, () => (theirs = claim(b, ['scan'], 'B', 60_000, 1)));
      const mine = how === 'claim' ? claim(a, ['scan'], 'A', 60_000, 1) : claimForFile(a, 1, ['scan'], 'A', 60_000, 1);
      assert.ok(theirs, 'the other process took it');
      assert.equal(mine, undefined, 'the probe saw it, but the lease found it taken');
      const rows = a.prepare(`SELECT state, lease_owner, attempts FROM jobs`).all();
      assert.deepEqual(rows, [{ state: 'leased', lease_owner: 'B', attempts: 1 }]);
    }));

  test(`${how}: when another process takes the picked job, the next runnable one is leased in the same call`, () =>
    twoProcesses((a, b) => {
      enqueue(a, 1, 'scan', 'k', Priority.watch);
      enqueue(a, 1, 'metadata', 'k', Priority.backlog);
      let theirs: { pass: string } | undefined;
      raceAfterProbe(a, () => (theirs = claim(b, ['scan', 'metadata'], 'B', 60_000, 1) as { pass: string } | undefined));
      const mine = how === 'claim' ? claim(a, ['scan', 'metadata'], 'A', 60_000, 1) : claimForFile(a, 1, ['scan', 'metadata'], 'A', 60_000, 1);
      assert.equal(theirs?.pass, 'scan', 'the other process took the picked job');
      assert.equal(mine?.pass, 'metadata', 'this one leased the next');
      const rows = a.prepare(`SELECT pass, state, lease_owner, attempts FROM jobs ORDER BY pass`).all();
      assert.deepEqual(rows, [
        { pass: 'metadata', state: 'leased', lease_owner: 'A', attempts: 1 },
        { pass: 'scan', state: 'leased', lease_owner: 'B', attempts: 1 },
      ]);
    }));

  for (const outcome of ['retry later', 'dead'] as const) {
    test(`${how}: a job another process ran and failed (${outcome}) between the probe and the lease is not leased`, () =>
      twoProcesses((a, b) => {
        enqueue(a, 1, 'scan', 'k', Priority.watch);
        raceAfterProbe(a, () => {
          const theirs = claim(b, ['scan'], 'B', 60_000, 1);
          assert.ok(theirs, 'the other process took it');
          fail(b, theirs, { code: 'X', message: 'failed' }, { maxAttempts: 3, retryBaseMs: 1_000, retryable: outcome !== 'dead' }, 1);
        });
        const mine = how === 'claim' ? claim(a, ['scan'], 'A', 60_000, 1) : claimForFile(a, 1, ['scan'], 'A', 60_000, 1);
        assert.equal(mine, undefined, 'nothing runnable is left at this time');
        const rows = a.prepare(`SELECT state, lease_owner, run_after FROM jobs`).all();
        assert.deepEqual(rows, [outcome === 'dead' ? { state: 'dead', lease_owner: null, run_after: 0 } : { state: 'pending', lease_owner: null, run_after: 1_001 }]);
      }));
  }
}
