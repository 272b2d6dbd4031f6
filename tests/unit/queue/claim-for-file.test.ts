import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { claimForFile, enqueue } from '../../../src/queue/queue.js';

function freshDb(): WritableDb {
  const { db } = openDb(':memory:');
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/a.jpg', '/l', 'jpg', 'image', 0, 0), (2, '/l/b.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
  return db;
}

test('claimForFile takes that file\'s next job among the given passes, and leases it once', () => {
  const db = freshDb();
  enqueue(db, 2, 'scan', 'a', 0);
  enqueue(db, 1, 'metadata', 'k', 0);
  enqueue(db, 1, 'preview', 'p', 0);
  const j = claimForFile(db, 1, ['scan', 'metadata'], 'w', 1000, 100)!;
  assert.equal(j.file_id, 1);
  assert.equal(j.pass, 'metadata');
  assert.equal(j.state, 'leased');
  assert.equal(claimForFile(db, 1, ['scan', 'metadata'], 'w', 1000, 100), undefined, 'leased once; preview is not among the passes');
});

test('claimForFile never jumps ahead of more urgent work, and respects backoff', () => {
  const db = freshDb();
  enqueue(db, 1, 'metadata', 'k', 0);
  enqueue(db, 2, 'scan', 'a', 20);
  assert.equal(claimForFile(db, 1, ['scan', 'metadata'], 'w', 1000, 100), undefined, 'a higher-priority job waits');
  assert.ok(claimForFile(db, 1, ['preview', 'metadata'], 'w', 1000, 100), 'other passes\' priorities do not count');
  enqueue(db, 1, 'scan', 'later', 0);
  db.prepare(`UPDATE jobs SET run_after = 5000 WHERE file_id = 1 AND pass = 'scan'`).run();
  assert.equal(claimForFile(db, 1, ['scan'], 'w', 1000, 100), undefined, 'not before its run_after');
});
