import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { buildServer } from '../../../src/api/server.js';
import { roundedSnapshot } from '../../../src/api/sse-hub.js';
import { streamedStatus } from '../../../src/api/status-stream.js';
import type { FullStatus } from '../../../src/api/status-service.js';
import { openReadonlyDb } from '../../../src/store/db.js';
import { authed, makeHarness } from './harness.js';

test('/api/status reads through its own read-only connection: it answers during a pipeline write and shows only committed rows', async () => {
  const h = makeHarness();
  const readDb = openReadonlyDb(path.join(h.places.dataDir, 'rawlight.db'));
  const app = buildServer({ ...h.deps, readDb });
  try {
    await app.ready();
    const add = h.db.prepare(`INSERT INTO files (path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, '/l', 'jpg', 'image', 0, 0)`);
    add.run('/l/committed.jpg');
    h.db.exec('BEGIN IMMEDIATE'); // the pipeline in the middle of a commit
    add.run('/l/uncommitted.jpg');
    const r = await app.inject({ url: '/api/status', headers: authed() });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json<FullStatus>().files, 1, 'the writer’s open transaction is invisible and did not block the read');
    h.db.exec('COMMIT');
    assert.throws(() => readDb.prepare(`DELETE FROM files`).run(), /readonly/i, 'the API connection cannot write');
  } finally {
    await app.close();
    readDb.close();
    h.cleanup();
  }
});

test('the event stream’s status is stable while nothing changes: ETA and rates are rounded', () => {
  const base = (seconds: number, rate: number, now: number): FullStatus =>
    ({
      files: 1, filesByState: { present: 1 }, passes: { scan: { done: 1, failed: 0, pending: 500, running: 1, dead: 0, perMinute: rate, etaSeconds: seconds } },
      queue: { pending: 500, leased: 1, dead: 0, waiting: 0, away: 0 },
      throughput: { windowSeconds: 300, runsPerMinute: rate, filesPerMinute: rate, lastRunAt: 1 },
      eta: { seconds, at: now + seconds * 1000, untimed: {} }, recentErrors: [], deadJobs: [], generatedAt: now,
      paused: false, watch: null, libraries: [], models: [], permissions: [], upkeep: null, xmp: null,
    }) as FullStatus;
  // What the hub sends: this snapshot, then its rounding of rates and ETA seconds.
  const sent = (s: FullStatus) => roundedSnapshot(streamedStatus(s)) as FullStatus;
  const strip = (s: FullStatus) => JSON.stringify({ ...s, generatedAt: 0 });
  const a = sent(base(1230, 24.31, 1_040_000));
  const b = sent(base(1227, 24.12, 1_041_000));
  assert.equal(strip(a), strip(b), 'a second later, the same frame');
  assert.equal(a.eta.at, 2_280_000, 'eta.at to the minute');
  assert.notEqual(strip(a), strip(sent(base(600, 24.3, 1_000_000))), 'a real change still shows');
});
