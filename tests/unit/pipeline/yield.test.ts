import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import type { Pass } from '../../../src/passes/pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { enqueue } from '../../../src/queue/queue.js';
import { openDb, tx, type WritableDb } from '../../../src/store/db.js';

/** A database with `jobs` files, each with one pending job of the 'instant' pass. */
function backlogOf(jobs: number): WritableDb {
  const { db } = openDb(':memory:');
  const add = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  tx(db, () => {
    for (let i = 1; i <= jobs; i++) {
      add.run(i, `/l/${i}.jpg`);
      enqueue(db, i, 'instant', 'k', 0);
    }
  });
  return db;
}

/** Synchronous work of a given length (the thread is held: no timer involved). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/**
 * Passes whose work resolves at once (a file gone, a result already known) must not chain job
 * after job in microtasks: the API shares the event loop, so a request would wait for the whole
 * backlog (issue 11, /api/status p99). Between two jobs of one worker the loop takes a turn.
 */
test('a worker gives the event loop a turn between two jobs, even when passes finish at once', async () => {
  const JOBS = 50;
  const db = backlogOf(JOBS);
  let ran = 0;
  const instant: Pass = {
    name: 'instant', version: 1, resource: 'io', after: [], description: 'resolves at once',
    inputKey: () => 'k',
    run: async () => (ran++, {}),
  };
  const bus = new PipelineBus();
  const pipeline = new Pipeline({ db, passes: [instant], log: pino({ level: 'silent' }), bus, concurrency: { cpu: 0, io: 1 }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 60_000 });
  const seenAt: number[] = [];
  // What a request arriving meanwhile would get: a few event-loop turns while the backlog runs.
  const turns = (async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      seenAt.push(ran);
    }
  })();
  pipeline.start();
  try {
    await turns;
    assert.ok(seenAt.every((n) => n < JOBS), `turns taken while jobs remained: ran ${seenAt.join(', ')} of ${JOBS}`);
    assert.ok(seenAt[4]! - seenAt[0]! <= 8, `a few jobs per turn, not a chain: ${seenAt.join(', ')}`);
    await pipeline.whenIdle(5);
    assert.equal(ran, JOBS, 'and every job still runs');
  } finally {
    await pipeline.stop(100);
  }
});

/**
 * Many workers must not wake together: each worker yielding on its own made all 24 I/O workers
 * run their claims and commits in the same check phase (60 ms of SQLite at 500K files before a
 * request was read). The workers share one turn: a request waits for one job's stretch at most.
 */
test('24 workers share one bounded stretch of synchronous work per event-loop turn', async () => {
  const JOBS = 120;
  const db = backlogOf(JOBS);
  let ran = 0;
  let committed = 0;
  const instant: Pass = {
    name: 'instant', version: 1, resource: 'io', after: [], description: 'resolves at once',
    inputKey: () => 'k',
    // Each commit holds the thread 3 ms, as a commit at 500K files can: a turn's budget (4 ms)
    // fits one or two of them, never the 24 workers' worth.
    run: async () => (ran++, { commit: () => void (busy(3), committed++) }),
  };
  const pipeline = new Pipeline({ db, passes: [instant], log: pino({ level: 'silent' }), bus: new PipelineBus(), concurrency: { cpu: 0, io: 24 }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 60_000 });
  // Each sample is one event-loop turn as a request sees it: a macrotask, here an I/O-free timer.
  const perTurn: number[] = [];
  const sampled = (async () => {
    let last = committed;
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setImmediate(r));
      perTurn.push(committed - last);
      last = committed;
    }
  })();
  pipeline.start();
  try {
    await sampled;
    assert.ok(committed < JOBS, 'sampled while the backlog ran');
    assert.ok(Math.max(...perTurn) <= 2, `commits between two turns: ${perTurn.join(', ')}`);
    await pipeline.whenIdle(5);
    assert.equal(committed, JOBS, 'and every job still commits');
  } finally {
    await pipeline.stop(100);
  }
});
