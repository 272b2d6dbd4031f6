import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Pass } from '../../../src/passes/pass.js';
import { requestPass } from '../../../src/queue/queue.js';
import { openDb } from '../../../src/store/db.js';
import { getFile } from '../../../src/store/repositories/file.repository.js';
import { Discovery } from '../../../src/watch/discover.js';
import { testDiscovery } from '../../helpers/discovery.js';
import { tempDir } from '../../helpers/fixtures.js';

// A step that reads only the index (places, tags from a cached preview) can finish after the
// photo's drive went away: the file is offline when its result commits. The steps that wait for it
// (writeback, last of all) must still run once the drive is back — the soak once ended with a
// photo's place never written to its sidecar and no job left to write it.

function passes() {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let entered!: () => void;
  const running = new Promise<void>((r) => (entered = r));
  const ran: string[] = [];
  const first: Pass = {
    name: 'first', version: 1, resource: 'io', after: [], description: 'reads the index only',
    inputKey: (_db, f) => (f.state === 'present' ? 'a' : null),
    run: async () => {
      entered();
      await gate;
      ran.push('first');
      return { output: { ok: true } };
    },
  };
  const last: Pass = {
    name: 'last', version: 1, resource: 'io', after: ['first'], description: 'waits for first (as writeback waits for places)',
    inputKey: (_db, f) => (f.state === 'present' ? 'b' : null),
    run: async () => {
      ran.push('last');
      return { output: { ok: true } };
    },
  };
  return { list: [first, last], open, running, ran };
}

test('a step that finishes while its photo\'s drive is away still has what waits for it run once the drive is back, once', async () => {
  const t = tempDir();
  const { db } = openDb(':memory:');
  const p = passes();
  const { discovery, pipeline } = testDiscovery(db, p.list);
  try {
    const root = path.join(t.dir, 'Photos');
    mkdirSync(root);
    const photo = path.join(root, 'a.jpg');
    writeFileSync(photo, 'not decoded by these passes');
    const observe = () => discovery.observeMany([{ path: photo, root, stat: statSync(photo, { bigint: true }), sidecar: null }]);
    await observe();
    pipeline.start();
    await p.running;
    // The drive is unplugged while the step runs; the step then finishes.
    assert.equal(discovery.markRootOffline(root), 1);
    p.open();
    await pipeline.whenSettled(10_000, 5);
    assert.deepEqual(p.ran, ['first'], 'nothing runs for a photo whose drive is away');
    assert.equal(db.prepare(`SELECT count(*) FROM jobs WHERE pass = 'last'`).pluck().get(), 1, 'the waiting step is kept for the drive');
    // Plugged back: found again as it was.
    assert.equal((await observe()).get(photo), 'added');
    await pipeline.whenSettled(10_000, 5);
    assert.deepEqual(p.ran, ['first', 'last']);
    assert.equal(db.prepare(`SELECT count(*) FROM jobs`).pluck().get(), 0);
    // Away and back again with nothing left to do: nothing runs twice.
    discovery.markRootOffline(root);
    await observe();
    await pipeline.whenSettled(10_000, 5);
    assert.deepEqual(p.ran, ['first', 'last']);
  } finally {
    await pipeline.stop(100);
    db.close();
    t.cleanup();
  }
});

test('a photo iCloud took away while a step ran (a placeholder now) gets what waits for that step once it is downloaded, once', async () => {
  const t = tempDir();
  const { db } = openDb(':memory:');
  const p = passes();
  const { pipeline, bus, log } = testDiscovery(db, p.list);
  const root = path.join(t.dir, 'Photos');
  mkdirSync(root);
  const photo = path.join(root, 'a.jpg');
  writeFileSync(photo, 'not decoded by these passes');
  // The placeholder as macOS shows it: the size kept, no blocks; the probe (BSD stat) confirms it.
  let placeholder = false;
  const discovery = new Discovery({ db, pipeline, bus, log, dataless: { check: async (paths) => new Set(placeholder ? paths : []) } });
  const observe = () => {
    const st = statSync(photo, { bigint: true });
    return discovery.observeMany([{ path: photo, root, stat: placeholder ? Object.assign(st, { blocks: 0n }) : st, sidecar: null }]);
  };
  try {
    await observe();
    pipeline.start();
    await p.running;
    placeholder = true;
    assert.equal((await observe()).get(photo), 'cloud');
    p.open();
    await pipeline.whenSettled(10_000, 5);
    assert.deepEqual(p.ran, ['first'], 'a placeholder is not read (that would download it)');
    placeholder = false;
    assert.equal((await observe()).get(photo), 'added');
    await pipeline.whenSettled(10_000, 5);
    assert.deepEqual(p.ran, ['first', 'last']);
    assert.equal(db.prepare(`SELECT count(*) FROM jobs`).pluck().get(), 0);
  } finally {
    await pipeline.stop(100);
    db.close();
    t.cleanup();
  }
});

test('a step that settles without running (its input already has a result) has what waits for it to settle look again', async () => {
  const { db } = openDb(':memory:');
  const ran: string[] = [];
  const pending = (pass: string) => db.prepare(`SELECT 1 FROM jobs WHERE file_id = 1 AND pass = ? AND state <> 'dead'`).get(pass) !== undefined;
  const first: Pass = { name: 'first', version: 1, resource: 'io', after: [], description: 'upstream', inputKey: () => 'a', run: async () => (ran.push('first'), {}) };
  // As writeback: no input while an upstream step is queued; the last upstream step to settle asks again.
  const last: Pass = {
    name: 'last', version: 1, resource: 'io', after: ['first'], afterSettled: true, description: 'waits for first to settle',
    inputKey: () => (pending('first') ? null : 'b'),
    run: async () => (ran.push('last'), {}),
  };
  const { pipeline } = testDiscovery(db, [first, last]);
  try {
    db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/1.jpg', '/l', 'jpg', 'image', 0, 0)`).run();
    db.prepare(`INSERT INTO pass_results (file_id, pass, version, input_key, status, completed_at) VALUES (1, 'first', 1, 'a', 'ok', 0)`).run();
    // Asked again (a photo back from its drive wakes such a request), and meanwhile the last step
    // is considered and finds the first still queued.
    requestPass(db, 1, 'first');
    const file = getFile(db, 1)!;
    assert.equal(pipeline.consider(file, last), false);
    pipeline.start();
    await pipeline.whenSettled(10_000, 5);
    assert.deepEqual(ran, ['last'], 'the first had its result: it did not run again, and the last did');
  } finally {
    await pipeline.stop(100);
    db.close();
  }
});
