// A pass marked runsLast (OCR) runs after every other pass of its pool at the same priority: a
// first import gives every photo its faces and tags before it reads the text of any.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import type { Pass } from '../../../src/passes/pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { enqueue, Priority } from '../../../src/queue/queue.js';
import { openDb } from '../../../src/store/db.js';

const ran: string[] = [];
const cpuPass = (name: string, runsLast = false): Pass => ({
  name, version: 1, resource: 'cpu', after: [], description: name, ...(runsLast ? { runsLast } : {}),
  inputKey: () => 'k',
  run: async (ctx) => (ran.push(`${name}:${ctx.file.id}`), {}),
});

test('the text of a first import is read after every photo has its faces and tags; a new photo still comes first', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-runs-last-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { db } = openDb(path.join(dir, 'rawlight.db'));
  t.after(() => db.close());
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  for (let i = 1; i <= 4; i++) f.run(i, `/l/${i}.jpg`);
  // As a first import queues them: each photo's ML jobs together once its preview is done.
  for (let i = 1; i <= 3; i++) for (const p of ['ocr', 'faces', 'tags']) enqueue(db, i, p, 'k', Priority.walk);
  // A photo the watcher saw meanwhile.
  for (const p of ['ocr', 'faces']) enqueue(db, 4, p, 'k', Priority.watch);
  const pipeline = new Pipeline({ db, passes: [cpuPass('faces'), cpuPass('tags'), cpuPass('ocr', true)], log: pino({ level: 'silent' }), bus: new PipelineBus(), concurrency: { cpu: 1, io: 0 }, maxAttempts: 3, retryBaseMs: 0, leaseMs: 600_000 });
  ran.length = 0;
  pipeline.start();
  try {
    for (let i = 0; i < 200 && ran.length < 11; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(ran, ['faces:4', 'ocr:4', 'faces:1', 'tags:1', 'faces:2', 'tags:2', 'faces:3', 'tags:3', 'ocr:1', 'ocr:2', 'ocr:3']);
  } finally {
    await pipeline.stop(100);
  }
});
