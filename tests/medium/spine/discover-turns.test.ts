import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openDb } from '../../../src/store/db.js';
import type { Observation } from '../../../src/watch/discover.js';
import { testDiscovery } from '../../helpers/discovery.js';

/**
 * A first scan hands discovery 500 new files at a time: 100–280 ms of SQLite in one transaction,
 * during which no API request or watcher event was served. The batch is committed in short
 * transactions with the event loop free between them; every file still lands, each exactly once.
 */
test('a large batch of new files leaves the event loop turns while it is recorded', async (t) => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'rawlight-discover-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const photo = path.join(home, 'a.jpg');
  writeFileSync(photo, 'x');
  const st = lstatSync(photo, { bigint: true });
  const { db } = openDb(path.join(home, 'rawlight.db'));
  t.after(() => db.close());
  const { discovery, bus } = testDiscovery(db);
  const N = 3000;
  const batch: Observation[] = Array.from({ length: N }, (_, i) => ({ path: path.join(home, 'lib', `IMG_${i}.CR3`), root: path.join(home, 'lib'), stat: { ...st, ino: BigInt(10_000 + i) }, sidecar: null }));
  let events = 0;
  bus.on('file-changed', () => events++);
  const count = db.prepare('SELECT count(*) FROM files').pluck();
  // What a request arriving meanwhile sees: the event loop's turns and how far the batch was.
  const seen: number[] = [];
  let done = false;
  const sampler = (async () => {
    while (!done) {
      await new Promise((r) => setImmediate(r));
      seen.push(count.get() as number);
    }
  })();
  const changes = await discovery.observeMany(batch);
  done = true;
  await sampler;
  assert.ok(seen.some((n) => n > 0 && n < N), `turns taken while the batch was recorded: ${seen.slice(0, 10).join(', ')}…`);
  assert.equal(count.get(), N, 'every file recorded');
  assert.equal([...changes.values()].filter((c) => c === 'added').length, N);
  assert.equal(events, N, 'one event per file');
});
