// `rawlight index DIR --passes faces` with the daemon running: the folder's photos go first for
// the passes the user waits for; their other passes follow those, still ahead of the backlog.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import pino from 'pino';
import type { Pass } from '../../../src/passes/pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { UserFocus } from '../../../src/pipeline/user-focus.js';
import { Priority } from '../../../src/queue/queue.js';
import { openDb } from '../../../src/store/db.js';
import { getFile } from '../../../src/store/repositories/file.repository.js';

describe('the passes a user waits for, by folder', () => {
  test('at the user\'s priority only the passes asked for; the rest just above a walk\'s; elsewhere as inherited', () => {
    const f = new UserFocus();
    f.set(['/p/2024'], ['scan', 'metadata', 'preview', 'faces']);
    assert.equal(f.priorityFor('/p/2024/a.jpg', 'faces', Priority.user), Priority.user);
    assert.equal(f.priorityFor('/p/2024/x/b.jpg', 'metadata', Priority.user), Priority.user, 'at any depth');
    assert.equal(f.priorityFor('/p/2024/a.jpg', 'tags', Priority.user), Priority.userRest);
    assert.ok(Priority.userRest > Priority.walk && Priority.userRest < Priority.reconsider);
    assert.equal(f.priorityFor('/p/2024/a.jpg', 'tags', Priority.watch), Priority.watch, 'below the user\'s: unchanged');
    assert.equal(f.priorityFor('/p/2024-old/a.jpg', 'tags', Priority.user), Priority.user, 'a sibling folder with the same start is not under it');
    assert.equal(f.priorityFor('/p/other.jpg', 'tags', Priority.user), Priority.user);
  });

  test('the newest request covering a photo says; one covering an older request replaces it', () => {
    const f = new UserFocus();
    f.set(['/p'], ['metadata']);
    f.set(['/p/2024'], null);
    assert.equal(f.priorityFor('/p/2024/a.jpg', 'tags', Priority.user), Priority.user, 'every pass asked for in 2024');
    assert.equal(f.priorityFor('/p/2023/a.jpg', 'tags', Priority.user), Priority.userRest, 'the older request still holds elsewhere');
    f.set(['/p', '/q'], ['faces']);
    assert.equal(f.priorityFor('/p/2024/a.jpg', 'tags', Priority.user), Priority.userRest, 'the newest covers 2024 now');
    assert.equal(f.priorityFor('/q/a.jpg', 'faces', Priority.user), Priority.user);
    assert.equal((f as unknown as { entries: unknown[] }).entries.length, 1, 'the two covered requests are gone');
  });
});

// A library's chain as the daemon has it: scan → metadata → preview → faces, tags → writeback.
const ran: string[] = [];
const pass = (name: string, after: string[]): Pass => ({
  name, version: 1, resource: 'cpu', after, description: name,
  inputKey: () => 'k',
  run: async (ctx) => (ran.push(`${name}:${ctx.file.id}`), {}),
});
const chain = [pass('scan', []), pass('metadata', ['scan']), pass('preview', ['metadata']), pass('faces', ['preview']), pass('tags', ['preview']), pass('writeback', ['faces', 'tags'])];

async function importWith(t: TestContext, asked: string[] | null): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-user-focus-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { db } = openDb(path.join(dir, 'rawlight.db'));
  t.after(() => db.close());
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/p', 'jpg', 'image', 0, 0)`);
  // Photos 1–2: a first import's backlog elsewhere; 3–5: the folder the user asks for.
  for (let i = 1; i <= 5; i++) f.run(i, i <= 2 ? `/p/2023/${i}.jpg` : `/p/2024/${i}.jpg`);
  const pipeline = new Pipeline({ db, passes: chain, log: pino({ level: 'silent' }), bus: new PipelineBus(), concurrency: { cpu: 1, io: 0 }, maxAttempts: 3, retryBaseMs: 0, leaseMs: 600_000 });
  for (const id of [1, 2]) pipeline.considerFile(getFile(db, id)!, Priority.walk);
  pipeline.focus.set(['/p/2024'], asked);
  for (const id of [3, 4, 5]) pipeline.considerFile(getFile(db, id)!, Priority.user);
  ran.length = 0;
  pipeline.start();
  try {
    for (let i = 0; i < 2000 && ran.length < 5 * chain.length; i++) await new Promise((r) => setImmediate(r));
  } finally {
    await pipeline.stop(100);
  }
  assert.equal(ran.length, 5 * chain.length, `every pass of every photo ran: ${ran.join(' ')}`);
  return ran;
}

const last = (ran: string[], re: RegExp) => ran.findLastIndex((s) => re.test(s));
const first = (ran: string[], re: RegExp) => ran.findIndex((s) => re.test(s));

test('index --passes faces through the daemon: the folder\'s faces before its tags, its tags before the backlog', async (t) => {
  const ran = await importWith(t, ['scan', 'metadata', 'preview', 'faces']);
  const asked = /^(scan|metadata|preview|faces):[345]$/;
  assert.ok(last(ran, asked) < first(ran, /^(tags|writeback):[345]$/), `faces of the folder first: ${ran.join(' ')}`);
  assert.ok(last(ran, /:[345]$/) < first(ran, /:[12]$/), `then the folder's other passes, ahead of the backlog: ${ran.join(' ')}`);
});

test('index with every pass through the daemon: the folder\'s photos through every pass, then the backlog', async (t) => {
  const ran = await importWith(t, null);
  assert.ok(last(ran, /:[345]$/) < first(ran, /:[12]$/), ran.join(' '));
});
