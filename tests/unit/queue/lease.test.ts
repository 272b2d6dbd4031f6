import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { claim, claimForFile, complete, enqueue, fail, hasWork, Priority, renewLeases, requestPass, sweepExpiredLeases } from '../../../src/queue/queue.js';

function freshDb(): WritableDb {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  for (const id of [1, 2, 3]) f.run(id, `/l/${id}.jpg`);
  return db;
}

test('two workers racing on one file never both hold a job of the same (file, pass), for every pass', () => {
  const db = freshDb();
  const passes = ['scan', 'metadata', 'preview', 'faces', 'embed', 'tags', 'places', 'writeback'];
  for (const p of passes) {
    enqueue(db, 1, p, 'old-key', Priority.watch);
    requestPass(db, 1, p); // a reconsider job of the same (file, pass) beside it
  }
  const held = new Map<string, string>();
  // Workers take turns as fast as they can, on the pool claim and on the file continuation.
  for (let round = 0; round < 40; round++) {
    const worker = `w${round % 2}`;
    const job = round % 3 === 0 ? claimForFile(db, 1, passes, worker, 60_000, 1) : claim(db, passes, worker, 60_000, 1);
    if (!job) continue;
    assert.ok(!held.has(job.pass), `${job.pass} of file 1 leased twice (held by ${held.get(job.pass)}, now ${worker})`);
    held.set(job.pass, worker);
  }
  assert.deepEqual([...held.keys()].sort(), [...passes].sort(), 'every pass was claimed once');
  // Finishing one frees its (file, pass): the other job of that pass is claimable again.
  const scan = db.prepare(`SELECT id FROM jobs WHERE pass = 'scan' AND state = 'leased'`).get() as { id: number };
  complete(db, scan.id);
  assert.equal(claim(db, passes, 'w0', 60_000, 1)?.pass, 'scan');
});

test('expired leases return to pending while running; renewed ones stay; hasWork counts leased jobs', () => {
  const db = freshDb();
  enqueue(db, 1, 'scan', 'k');
  enqueue(db, 2, 'scan', 'k');
  const a = claim(db, ['scan'], 'me', 1000, 0)!;
  const b = claim(db, ['scan'], 'me', 1000, 0)!;
  assert.equal(hasWork(db, ['scan'], 0), true, 'nothing pending, but two jobs are leased: not idle');
  assert.equal(renewLeases(db, [a.id], 'me', 1000, 900), 1, 'a is still running: renewed to 1900');
  assert.equal(renewLeases(db, [b.id], 'someone-else', 1000, 900), 0, 'only the holder renews');
  assert.equal(sweepExpiredLeases(db, 1500), 1, 'b expired at 1000');
  const rows = db.prepare('SELECT file_id, state FROM jobs ORDER BY file_id').all();
  assert.deepEqual(rows, [{ file_id: 1, state: 'leased' }, { file_id: 2, state: 'pending' }]);
  complete(db, a.id);
  assert.equal(claim(db, ['scan'], 'me', 1000, 1500)?.file_id, 2);
  complete(db, db.prepare(`SELECT id FROM jobs`).pluck().get() as number);
  assert.equal(hasWork(db, ['scan'], 1500), false);
  // A job of a pass this pipeline does not run (a `--passes` import; a pass since removed) is not its work.
  enqueue(db, 3, 'writeback', 'k');
  assert.equal(hasWork(db, ['scan'], 1500), false);
  assert.equal(hasWork(db, ['scan', 'writeback'], 1500), true);
});

test('watcher events outrank walk results, which outrank the backlog; a retry drops to the backlog', () => {
  const db = freshDb();
  enqueue(db, 1, 'scan', 'k', Priority.backlog);
  enqueue(db, 2, 'scan', 'k', Priority.walk);
  enqueue(db, 3, 'scan', 'k', Priority.watch);
  const order = [1, 2, 3].map(() => claim(db, ['scan'], 'w', 1000, 0)!);
  assert.deepEqual(order.map((j) => j.file_id), [3, 2, 1]);
  fail(db, order[0]!, { code: 'EXIFTOOL_BUSY', message: 'busy' }, { maxAttempts: 5, retryBaseMs: 0, retryable: true }, 0);
  assert.equal(db.prepare('SELECT priority FROM jobs WHERE file_id = 3').pluck().get(), Priority.backlog);
});
