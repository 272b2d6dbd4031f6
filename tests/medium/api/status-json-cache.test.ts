import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildServer } from '../../../src/api/server.js';
import type { FullStatus } from '../../../src/api/status-service.js';
import { authed, makeHarness } from './harness.js';

/**
 * Twenty pollers of /api/status cost the daemon's thread one read and one serialisation per
 * cache period (issue 11: the API shares its event loop with the pipeline), yet a pause or a
 * library change shows in the very next answer.
 */
test('/api/status: one read per cache period for any number of pollers; pause and libraries show at once', async () => {
  const h = makeHarness();
  let reads = 0;
  let built = 0; // full() asks for the watcher state once per answer it builds
  const passNames = h.deps.control.passNames!;
  const watchState = h.deps.control.watchState!;
  const control = { ...h.control, passNames: () => (reads++, passNames()), watchState: () => (built++, watchState()) };
  const app = buildServer({ ...h.deps, control, statusCacheMs: 60_000 });
  try {
    await app.ready();
    const get = async () => {
      const r = await app.inject({ url: '/api/status', headers: authed() });
      assert.equal(r.statusCode, 200, r.body);
      assert.match(String(r.headers['content-type']), /^application\/json/);
      return r.json<FullStatus>();
    };
    const first = await get();
    const many = await Promise.all(Array.from({ length: 20 }, get));
    assert.equal(reads, 1, 'one DB read for 21 answers within the period');
    assert.equal(built, 1, 'one answer built and serialised for 21 requests');
    for (const s of many) assert.deepEqual(s, first, 'the same snapshot, every JSON field kept');
    assert.equal(typeof first.queue.pending, 'number');

    h.control.paused = true;
    assert.equal((await get()).paused, true, 'a pause is not hidden by the cache');
    h.control.libs.push('/elsewhere');
    assert.deepEqual((await get()).libraries.at(-1), '/elsewhere', 'nor a new library');
    // Sent as UTF-8 bytes made once: a name beyond ASCII arrives whole, its length counted in bytes.
    h.control.libs.push('/Bilder/Tübingen — 2019 📷');
    const r = await app.inject({ url: '/api/status', headers: authed() });
    assert.equal(r.json<FullStatus>().libraries.at(-1), '/Bilder/Tübingen — 2019 📷');
    assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.body));
    assert.match(String(r.headers['content-type']), /charset=utf-8/);
    assert.equal(reads, 1, 'those re-serialise the cached DB snapshot without reading again');
    assert.equal(built, 4);
  } finally {
    await app.close();
    h.cleanup();
  }
});
