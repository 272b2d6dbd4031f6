import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mock, test, type TestContext } from 'node:test';
import type Database from 'better-sqlite3';
import pino from 'pino';
import type { Pass } from '../../../src/passes/pass.js';
import { Doorbell, DOORBELL_MS } from '../../../src/pipeline/doorbell.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { enqueue } from '../../../src/queue/queue.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';

/** The same connection, counting every statement run through it (prepared statements included). */
function counting(db: WritableDb): { db: WritableDb; runs: () => number } {
  let n = 0;
  const wrapStmt = (s: Database.Statement) =>
    new Proxy(s, {
      get(t, k) {
        const v = Reflect.get(t, k, t) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          if (k === 'get' || k === 'run' || k === 'all' || k === 'iterate') n++;
          const r = (v as (...a: unknown[]) => unknown).apply(t, args);
          return r === t ? wrapStmt(t) : r; // chained calls (pluck, raw) stay counted
        };
      },
    });
  const proxied = new Proxy(db, {
    get(t, k) {
      const v = Reflect.get(t, k, t) as unknown;
      if (k === 'prepare') return (sql: string) => wrapStmt(t.prepare(sql));
      if (k === 'pragma') return (...a: unknown[]) => (n++, (v as (...x: unknown[]) => unknown).apply(t, a));
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  return { db: proxied, runs: () => n };
}

const ran: number[] = [];
const instant = (resource: 'io' | 'cpu'): Pass => ({
  name: `instant-${resource}`, version: 1, resource, after: [], description: 'resolves at once',
  inputKey: () => 'k',
  run: async (ctx) => (ran.push(ctx.file.id), {}),
});

/** Lets the workers' turns (setImmediate, real) and promise continuations run. */
async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Moves the mocked clock in doorbell-sized steps, letting the workers run between them. */
async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    mock.timers.tick(1000);
    await settle(5);
  }
}

/** A temp home with two files, under mocked timers; both undone after the test. */
function home(t: TestContext) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-idle-wait-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'rawlight.db');
  const { db } = openDb(file);
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/1.jpg', '/l', 'jpg', 'image', 0, 0), (2, '/l/2.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
  mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_000_000 });
  t.after(() => mock.timers.reset());
  return { dir, file, db };
}

/** A pipeline of instant passes on `db`. */
function pipelineOn(db: WritableDb, passes: Pass[], concurrency: { cpu: number; io: number }): Pipeline {
  return new Pipeline({ db, passes, log: pino({ level: 'silent' }), bus: new PipelineBus(), concurrency, maxAttempts: 1, retryBaseMs: 0, leaseMs: 600_000 });
}

/**
 * Issue 14: a caught-up daemon used 1.3 % of a core. Each of its 26 idle workers polled the queue
 * (a claim and a `nextRunAfter`) every 5 s. Idle workers now sleep until woken and one doorbell
 * asks one question per interval: a minute of idling runs at most one statement per interval,
 * where the polling workers ran two per worker per interval (8 workers: 192).
 */
test('an idle pipeline runs one statement per doorbell interval, not a claim per worker', async (t) => {
  const h = home(t);
  const c = counting(h.db);
  const pipeline = pipelineOn(c.db, [instant('io'), instant('cpu')], { cpu: 2, io: 6 });
  pipeline.start();
  try {
    await settle();
    const before = c.runs();
    await advance(60_000);
    const idleRuns = c.runs() - before;
    assert.ok(idleRuns <= 60_000 / DOORBELL_MS, `statements in a minute of idling: ${idleRuns} (at most one per ${DOORBELL_MS} ms)`);
    assert.ok(idleRuns >= 1, 'the doorbell still looks for work queued elsewhere');
  } finally {
    await pipeline.stop(100);
    h.db.close();
  }
});

test('work queued by another connection is found by the doorbell, within one interval; none while paused', async (t) => {
  const h = home(t);
  const pipeline = pipelineOn(h.db, [instant('io')], { cpu: 0, io: 4 });
  const other = openDb(h.file).db; // what a CLI run in another process writes through
  ran.length = 0;
  pipeline.start();
  try {
    await settle();
    enqueue(other, 1, 'instant-io', 'k', 0, Date.now());
    await settle();
    assert.deepEqual(ran, [], 'nobody told the pipeline: no worker woke by itself');
    await advance(DOORBELL_MS);
    assert.deepEqual(ran, [1], 'the doorbell rang and a worker ran the job');

    pipeline.setPaused(true);
    enqueue(other, 2, 'instant-io', 'k', 0, Date.now());
    await advance(3 * DOORBELL_MS);
    assert.deepEqual(ran, [1], 'paused: the doorbell does not wake workers');
    pipeline.setPaused(false);
    await settle();
    assert.deepEqual(ran, [1, 2], 'resuming wakes them');
  } finally {
    await pipeline.stop(100);
    other.close();
    h.db.close();
  }
});

test('a retry due sooner than the doorbell runs on time; a later one when the doorbell finds it due', async (t) => {
  const h = home(t);
  const pipeline = pipelineOn(h.db, [instant('io')], { cpu: 0, io: 2 });
  ran.length = 0;
  // Pending with run_after in the future, as a failed job waiting for its retry is.
  h.db.prepare(`INSERT INTO jobs (file_id, pass, input_key, state, priority, run_after, created_at, updated_at) VALUES (1, 'instant-io', 'k', 'pending', 0, ?, 0, 0), (2, 'instant-io', 'k', 'pending', 0, ?, 0, 0)`).run(Date.now() + 2000, Date.now() + 20_000);
  pipeline.start();
  try {
    await settle();
    await advance(2000);
    assert.deepEqual(ran, [1], 'the near retry ran when due');
    await advance(17_000);
    assert.deepEqual(ran, [1], 'the far one waits');
    await advance(DOORBELL_MS + 1000);
    assert.deepEqual(ran, [1, 2], 'and runs within one doorbell interval of falling due');
  } finally {
    await pipeline.stop(100);
    h.db.close();
  }
});

test('doorbell: polls only while armed, rings only the groups with work due, rings everyone when the store fails', () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    let due: string[] | Error = [];
    let asked = 0;
    const rings: (string | null)[] = [];
    const bell = new Doorbell<string>({ everyMs: 1000, due: () => (asked++, due instanceof Error ? (() => { throw due; })() : due), ring: (g) => void rings.push(g) });
    mock.timers.tick(5000);
    assert.equal(asked, 0, 'not armed: no polling');
    bell.arm();
    bell.arm();
    mock.timers.tick(3000);
    assert.deepEqual([asked, rings], [3, []], 'one poll per interval, however often armed; nothing due');
    due = ['cpu'];
    mock.timers.tick(1000);
    assert.deepEqual(rings, ['cpu']);
    due = new Error('SQLITE_BUSY');
    mock.timers.tick(1000);
    assert.deepEqual(rings, ['cpu', null], 'a failing store wakes every worker, which report it');
    bell.disarm();
    assert.equal(bell.armed, false);
    mock.timers.tick(10_000);
    assert.equal(asked, 5, 'disarmed: no polling');
  } finally {
    mock.timers.reset();
  }
});

/**
 * A backlog in one pool (a retry of a CPU pass falling due while the I/O workers sleep, or work a
 * CLI run queued) used to ring for every sleeping worker: the other pool's workers each woke to
 * claim nothing, every interval, for as long as the backlog lasted.
 */
test('the doorbell wakes only the pool whose work fell due', async (t) => {
  /** Statements the pipeline runs while the doorbell finds one CPU job, with `io` I/O workers asleep. */
  const statementsFor = async (io: number): Promise<number> => {
    const h = home(t);
    const c = counting(h.db);
    const pipeline = pipelineOn(c.db, [instant('io'), instant('cpu')], { cpu: 1, io });
    const other = openDb(h.file).db;
    ran.length = 0;
    pipeline.start();
    try {
      await settle();
      enqueue(other, 1, 'instant-cpu', 'k', 0, Date.now());
      const before = c.runs();
      await advance(DOORBELL_MS);
      assert.deepEqual(ran, [1], 'the CPU worker was woken and ran the job');
      return c.runs() - before;
    } finally {
      await pipeline.stop(100);
      other.close();
      h.db.close();
      mock.timers.reset();
    }
  };
  const one = await statementsFor(1);
  const eight = await statementsFor(8);
  // Woken I/O workers would each have claimed (and gone back to sleep): 30 against 16 before.
  assert.equal(eight, one, `statements with 8 sleeping I/O workers: ${eight}, with 1: ${one} (they stay asleep)`);
});
