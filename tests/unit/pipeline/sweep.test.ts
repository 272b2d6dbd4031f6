import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import type { Pass } from '../../../src/passes/pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline, sweepChunkSql, SWEPT_VERSIONS_KEY } from '../../../src/pipeline/pipeline.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { getKv } from '../../../src/store/repositories/kv.repository.js';

function pass(name: string, version: number, calls: string[]): Pass {
  return {
    name, version, resource: 'io', after: [], description: name,
    inputKey: (_db, f) => (calls.push(`${name}:${f.id}`), 'k'),
    run: async () => ({}),
  };
}

function pipeline(db: WritableDb, passes: Pass[]): Pipeline {
  return new Pipeline({ db, passes, log: pino({ level: 'silent' }), bus: new PipelineBus(), concurrency: { cpu: 1, io: 1 }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 1000 });
}

test('the start-up sweep touches files only for a pass whose version changed or that was switched on', () => {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  for (let i = 1; i <= 50; i++) f.run(i, `/l/${i}.jpg`);
  const calls: string[] = [];
  const done = () => {
    // every queued job finished with a result for its version
    for (const j of db.prepare('SELECT id, file_id, pass FROM jobs').all() as { id: number; file_id: number; pass: string }[]) {
      const v = j.pass === 'a' ? va : 1;
      db.prepare(`INSERT INTO pass_results (file_id, pass, version, input_key, status, completed_at) VALUES (?, ?, ?, 'k', 'ok', 0)
                  ON CONFLICT (file_id, pass) DO UPDATE SET version = excluded.version`).run(j.file_id, j.pass, v);
      db.prepare('DELETE FROM jobs WHERE id = ?').run(j.id);
    }
  };
  let va = 1;
  assert.equal(pipeline(db, [pass('a', 1, calls), pass('b', 1, calls)]).sweep(), 100, 'first start: every file, every pass');
  done();
  calls.length = 0;
  assert.equal(pipeline(db, [pass('a', 1, calls), pass('b', 1, calls)]).sweep(), 0);
  assert.equal(calls.length, 0, 'an ordinary start considers no file');
  va = 2;
  assert.equal(pipeline(db, [pass('a', 2, calls), pass('b', 1, calls)]).sweep(), 50, 'a bump of a re-queues a only');
  assert.ok(calls.every((c) => c.startsWith('a:')));
  done();
  calls.length = 0;
  pipeline(db, [pass('a', 2, calls)]).sweep(); // b switched off
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (51, '/l/51.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
  calls.length = 0;
  assert.equal(pipeline(db, [pass('a', 2, calls), pass('b', 1, calls)]).sweep(), 1, 'b on again: the file found meanwhile gets b');
  assert.deepEqual(calls, ['b:51']);
});

function library(files: number): WritableDb {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', ?, 0, 0)`);
  db.transaction(() => {
    for (let i = 1; i <= files; i++) f.run(i, `/l/${i}.jpg`, i % 100 === 0 ? 'gone' : 'present');
  })();
  return db;
}

test('a sweep of a big library goes in pieces, walking files by id, and queues every present file once', () => {
  const db = library(2_600);
  const calls: string[] = [];
  // Some files already have their job (found by discovery meanwhile): not queued twice.
  const p = pipeline(db, [pass('a', 1, calls)]);
  db.prepare(`INSERT INTO jobs (file_id, pass, input_key, created_at, updated_at) VALUES (7, 'a', 'k', 0, 0)`).run();
  assert.equal(p.sweep(), 2_600 - 26 - 1);
  assert.equal((db.prepare(`SELECT count(*) FROM jobs WHERE pass = 'a'`).pluck().get() as number), 2_600 - 26);
  assert.equal(new Set(calls).size, calls.length, 'each file considered once');
  db.exec('ANALYZE');
  const steps = (db.prepare(`EXPLAIN QUERY PLAN ${sweepChunkSql()}`).all({ after: 0, pass: 'a', version: 1, limit: 500 }) as { detail: string }[]).map((r) => r.detail);
  // By id from the cursor: the primary key, or the state index (ordered by rowid within a state).
  assert.ok(steps.some((d) => /SEARCH f USING (INTEGER PRIMARY KEY \(rowid>\?\)|INDEX files_state \(state=\? AND rowid>\?\))/.test(d)), steps.join(' | '));
  assert.ok(!steps.some((d) => /TEMP B-TREE|^SCAN f\b/.test(d)), steps.join(' | '));
});

test("the daemon's sweep leaves the event loop free between pieces; stopped half-way it records nothing, and the next one queues the rest", async () => {
  const db = library(3_000);
  const calls: string[] = [];
  const p = pipeline(db, [pass('a', 1, calls)]);
  // Started, but with a pass whose jobs are left alone: paused, so the sweep's jobs stay queued.
  p.setPaused(true);
  p.start();
  let ticks = 0;
  const tick = setInterval(() => ticks++, 0);
  const sweep = p.sweepInBackground();
  assert.equal(p.isIdle(), false, 'not idle while the sweep may still queue work');
  // The first pieces run, then the pipeline stops.
  while ((db.prepare(`SELECT count(*) FROM jobs`).pluck().get() as number) < 1_000) await new Promise((r) => setImmediate(r));
  await p.stop(0);
  const first = await sweep;
  clearInterval(tick);
  assert.ok(first >= 1_000 && first < 2_970, `stopped part of the way: ${first}`);
  assert.ok(ticks > 0, 'timers ran while it swept');
  assert.equal(getKv(db, SWEPT_VERSIONS_KEY), undefined, 'a sweep cut short is not recorded as done');
  calls.length = 0;
  const rest = pipeline(db, [pass('a', 1, calls)]).sweep();
  assert.equal(first + rest, 3_000 - 30);
  assert.ok(calls.length === rest, 'the files queued before are not considered again');
  assert.deepEqual(getKv(db, SWEPT_VERSIONS_KEY), { a: 1 });
});

test('a sweep keeps the step of a photo whose drive is away for its return, and passes an iCloud placeholder by', () => {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', ?, 0, 0)`);
  f.run(1, '/l/1.jpg', 'present');
  f.run(2, '/l/2.jpg', 'offline');
  f.run(3, '/l/3.jpg', 'cloud');
  f.run(4, '/l/4.jpg', 'gone');
  for (const id of [1, 2, 3, 4]) db.prepare(`INSERT INTO pass_results (file_id, pass, version, input_key, status, completed_at) VALUES (?, 'a', 1, 'k', 'ok', 0)`).run(id);
  const before = Date.now();
  // Version 2 of the pass while the drive is unplugged (an upgrade).
  assert.equal(pipeline(db, [pass('a', 2, [])]).sweep(), 2);
  const jobs = db.prepare(`SELECT file_id, input_key, run_after FROM jobs ORDER BY file_id`).all() as { file_id: number; input_key: string; run_after: number }[];
  assert.deepEqual(jobs.map((j) => j.file_id), [1, 2]);
  assert.equal(jobs[0]!.run_after, 0, 'the present photo: now');
  assert.ok(jobs[1]!.run_after > before + 3600_000, 'the offline one: put aside until its drive is back');
  assert.equal(jobs[1]!.input_key, '*', 'its input worked out when it runs');
});
