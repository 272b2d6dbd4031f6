// An idle daemon ends the places worker (its town index is tens of MB); the next lookup builds it
// again and answers the same.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createThreadedGeocoder } from '../../../src/places/index.js';

describe('parking the places worker', () => {
  const geo = createThreadedGeocoder();
  after(() => geo.close());

  test('park ends the index; the next lookup builds it again with the same answer', async () => {
    assert.equal(await geo.park(), false, 'nothing started yet');
    const before = await geo.lookupAsync(48.8566, 2.3522);
    assert.ok(before, 'Paris is somewhere');
    assert.equal(geo.stats().loaded, true);
    assert.equal(await geo.park(), true);
    assert.equal(geo.stats().loaded, false);
    assert.deepEqual(await geo.lookupAsync(48.8566, 2.3522), before);
  });

  test('a pending lookup keeps the worker', async () => {
    const pending = geo.lookupAsync(35.6762, 139.6503);
    assert.equal(await geo.park(), false);
    assert.ok(await pending);
  });
});
