// An idle daemon unloads its models (the ML worker thread ends); sessions handed out before keep
// working: each loads itself again on its next run, with the same results.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ModelSessions } from '../../../src/ml/session.js';
import { SimilarityEngine } from '../../../src/people/similarity-engine.js';

describe('parking the ML worker', () => {
  const sessions = new ModelSessions({ intraOpNumThreads: 1, intraOpSpinning: false });
  after(() => sessions.close());
  const d = 4;
  const base = Float32Array.from({ length: 6 * d }, (_, i) => Math.sin(i + 1));
  const queries = base.slice(0, 2 * d);

  test('park ends the worker; a session from before runs again after it and gives the same answer', async () => {
    const engine = await SimilarityEngine.create(1, sessions);
    const before = await engine.topK(queries, 2, base, 6, d, 3);
    assert.equal(await sessions.park(), true);
    assert.equal(await sessions.park(), false, 'no worker left to park');
    const again = await engine.topK(queries, 2, base, 6, d, 3);
    assert.deepEqual([...again.idx], [...before.idx]);
    assert.deepEqual([...again.sim], [...before.sim]);
    // and parked again, and back again: every revival is a fresh load in a fresh worker
    assert.equal(await sessions.park(), true);
    const [a, b] = await Promise.all([engine.topK(queries, 2, base, 6, d, 3), engine.topK(queries, 1, base, 6, d, 2)]);
    assert.deepEqual([...a.idx], [...before.idx]);
    assert.equal(b.idx.length, 2);
    await engine.close();
  });

  test('a pending inference keeps the worker: park refuses and the run completes', async () => {
    const engine = await SimilarityEngine.create(1, sessions);
    const running = engine.topK(queries, 2, base, 6, d, 3);
    assert.equal(await sessions.park(), false);
    assert.equal((await running).idx.length, 6);
    await engine.close();
  });
});
