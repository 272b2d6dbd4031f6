import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { IDLE_RELEASE_MS, IdleRelease } from '../../../src/pipeline/idle-release.js';

describe('IdleRelease', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());
  const flush = () => new Promise<void>((r) => setImmediate(r));

  const setup = (idle: { now: boolean }, failModels = false) => {
    const calls: string[] = [];
    const reported: { released: string[]; failed: string[] }[] = [];
    const r = new IdleRelease({
      isIdle: () => idle.now,
      releases: [
        { name: 'models', release: () => { calls.push('models'); if (failModels) throw new Error('boom'); } },
        { name: 'place index', release: async () => void calls.push('place index') },
      ],
      onReleased: (released, failed) => reported.push({ released, failed: failed.map((f) => f.name) }),
    });
    return { r, calls, reported };
  };

  test('releases only after the queue stayed dry for the whole delay', async () => {
    const idle = { now: true };
    const { r, calls, reported } = setup(idle);
    r.queueDry();
    mock.timers.tick(IDLE_RELEASE_MS - 1);
    await flush();
    assert.deepEqual(calls, []);
    mock.timers.tick(1);
    await flush();
    assert.deepEqual(calls, ['models', 'place index']);
    assert.deepEqual(reported, [{ released: ['models', 'place index'], failed: [] }]);
  });

  test('work that came back in the meantime keeps everything; a later dry spell starts the delay again', async () => {
    const idle = { now: true };
    const { r, calls } = setup(idle);
    r.queueDry();
    mock.timers.tick(IDLE_RELEASE_MS / 2);
    r.queueDry(); // dry again after a short burst: the delay restarts
    mock.timers.tick(IDLE_RELEASE_MS / 2);
    await flush();
    assert.deepEqual(calls, []);
    idle.now = false;
    mock.timers.tick(IDLE_RELEASE_MS / 2);
    await flush();
    assert.deepEqual(calls, [], 'busy when the timer fired: nothing released');
  });

  test('one release failing does not stop the others and is reported', async () => {
    const { r, calls, reported } = setup({ now: true }, true);
    assert.deepEqual(await r.releaseNow(), ['place index']);
    assert.deepEqual(calls, ['models', 'place index']);
    assert.deepEqual(reported, [{ released: ['place index'], failed: ['models'] }]);
  });

  test('stop() cancels a pending release', async () => {
    const { r, calls } = setup({ now: true });
    r.queueDry();
    r.stop();
    mock.timers.tick(IDLE_RELEASE_MS * 2);
    await flush();
    assert.deepEqual(calls, []);
  });
});
