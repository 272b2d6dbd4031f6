import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectGarbage } from '../../../src/lifecycle/collect-garbage.js';

test('collectGarbage runs a full collection without --expose-gc: an unreachable object is gone after it', async () => {
  const make = () => new WeakRef({ big: new Array(1000).fill('x') });
  const ref = make();
  // A WeakRef's target is kept to the end of the job that made it: let that job end first.
  await new Promise((r) => setImmediate(r));
  assert.equal(collectGarbage(), true);
  assert.equal(ref.deref(), undefined);
  assert.equal(collectGarbage(), true, 'a second call reuses the collector');
});
