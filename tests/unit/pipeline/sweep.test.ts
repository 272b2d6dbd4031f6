import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import type { Pass } from '../../../src/passes/pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';

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
