// A person named while their photo's writeback runs: that run read the names before the naming, so
// the naming's request must survive it. It used to fold into the running job, whose completion
// deleted it: the soak found two photos whose new name ("Bob") never reached their sidecars and no
// job left to write it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import type { Pass } from '../../../src/passes/pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { requestPass } from '../../../src/queue/queue.js';
import { openDb } from '../../../src/store/db.js';

test('a writeback requested while it runs runs again with the new name; asked once, it runs once', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-named-while-writing-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { db } = openDb(path.join(dir, 'rawlight.db'));
  t.after(() => db.close());
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/a.cr2', '/l', 'cr2', 'raw', 0, 0)`).run();
  let name = 'Anna';
  const written: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const writeback: Pass = {
    name: 'writeback', version: 1, resource: 'io', after: [], description: 'writeback', afterSettled: true,
    // As the real pass: its input is what it will write.
    inputKey: () => name,
    run: async () => {
      const read = name; // the names as the run reads them, before it writes
      if (written.length === 0) (started(), await gate);
      written.push(read);
      return {};
    },
  };
  const pipeline = new Pipeline({ db, passes: [writeback], log: pino({ level: 'silent' }), bus: new PipelineBus(), concurrency: { cpu: 0, io: 1 }, maxAttempts: 3, retryBaseMs: 0, leaseMs: 600_000 });
  requestPass(db, 1, 'writeback');
  pipeline.start();
  try {
    await running;
    // The user names the person while the sidecar is being written.
    name = 'Bob';
    requestPass(db, 1, 'writeback');
    release();
    for (let i = 0; i < 1000 && written.length < 2; i++) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  } finally {
    await pipeline.stop(100);
  }
  assert.deepEqual(written, ['Anna', 'Bob']);
  assert.equal(db.prepare('SELECT count(*) FROM jobs').pluck().get(), 0, 'nothing left queued');
});
