import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { GroupingTrigger } from '../../../src/people/grouping-trigger.js';

/** A run that finishes only when the test says so, counting calls. */
function controlledRun() {
  const calls: { resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  const run = () => new Promise<unknown>((resolve, reject) => calls.push({ resolve, reject }));
  return { run, calls };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('GroupingTrigger: when new faces get grouped during an import', () => {
  test('a batch of unplaced faces starts a run after the debounce; fewer faces wait for idle', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { run, calls } = controlledRun();
    const g = new GroupingTrigger({ run, batch: 10, debounceMs: 1000, now: () => 0 });
    g.facesLeft(4);
    t.mock.timers.tick(5000);
    assert.equal(calls.length, 0, 'four faces alone do not start a run');
    g.facesLeft(6);
    t.mock.timers.tick(999);
    assert.equal(calls.length, 0, 'debounced');
    t.mock.timers.tick(1);
    assert.equal(calls.length, 1);
    assert.equal(g.pending, 0);
    calls[0]!.resolve('r1');
    await tick();
    g.facesLeft(2);
    g.idle();
    t.mock.timers.tick(1000);
    assert.equal(calls.length, 2, 'idle groups the two left-over faces');
    calls[1]!.resolve('r2');
    await g.close();
  });

  test('idle with nothing waiting does nothing', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { run, calls } = controlledRun();
    const g = new GroupingTrigger({ run, debounceMs: 10 });
    g.idle();
    t.mock.timers.tick(100);
    assert.equal(calls.length, 0);
  });

  test('never two runs at once: faces arriving during a run schedule one more run after it', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { run, calls } = controlledRun();
    const g = new GroupingTrigger({ run, batch: 1, debounceMs: 10, costFactor: 0, now: () => 0 });
    g.facesLeft(1);
    t.mock.timers.tick(10);
    assert.equal(calls.length, 1);
    g.facesLeft(5);
    g.idle();
    t.mock.timers.tick(1000);
    assert.equal(calls.length, 1, 'the second run waits for the first');
    calls[0]!.resolve(null);
    await tick();
    t.mock.timers.tick(10);
    assert.equal(calls.length, 2, 'then runs once for the faces that came meanwhile');
    calls[1]!.resolve(null);
    await g.close();
  });

  test('runs are spaced by costFactor times the last run duration (bounded share on big libraries)', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let clock = 0;
    const { run, calls } = controlledRun();
    const g = new GroupingTrigger({ run, batch: 1, debounceMs: 100, costFactor: 10, now: () => clock });
    g.facesLeft(1);
    clock = 100;
    t.mock.timers.tick(100);
    assert.equal(calls.length, 1);
    clock = 2100; // the run took 2 s
    calls[0]!.resolve(null);
    await tick();
    g.facesLeft(3);
    t.mock.timers.tick(19_999);
    assert.equal(calls.length, 1, 'not before 10 x 2 s after the last run ended');
    t.mock.timers.tick(1);
    assert.equal(calls.length, 2);
    calls[1]!.resolve(null);
    await g.close();
  });

  test('flush runs at once when faces wait and resolves when grouped (the end of rawlight index)', async () => {
    const order: string[] = [];
    const g = new GroupingTrigger({ run: async () => order.push('run'), debounceMs: 60_000 });
    await g.flush();
    assert.deepEqual(order, [], 'nothing waits: no run');
    g.facesLeft(3);
    await g.flush();
    assert.deepEqual(order, ['run']);
    assert.equal(g.pending, 0);
  });

  test('a failing run is reported, keeps nothing stuck, and runNow rethrows its error', async () => {
    const seen: boolean[] = [];
    let fail = true;
    const g = new GroupingTrigger({
      run: async () => {
        if (fail) throw new Error('disk full');
        return 'ok';
      },
      onRun: (r) => seen.push(r.ok),
    });
    g.facesLeft(2);
    await g.flush();
    assert.deepEqual(seen, [false]);
    assert.equal(g.busy, false);
    await assert.rejects(g.runNow(), /disk full/);
    fail = false;
    assert.equal(await g.runNow(), 'ok');
    assert.deepEqual(seen, [false, false, true]);
  });

  test('runNow waits for a run in progress, then runs again (the nightly job never overlaps)', async () => {
    let active = 0;
    let maxActive = 0;
    let n = 0;
    const gates: (() => void)[] = [];
    const g = new GroupingTrigger({
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise<void>((r) => gates.push(r));
        active--;
        return ++n;
      },
    });
    g.facesLeft(1);
    const f = g.flush();
    const now = g.runNow();
    await tick();
    assert.equal(gates.length, 1);
    gates[0]!();
    await f;
    await tick();
    assert.equal(gates.length, 2, 'the second run starts after the first');
    gates[1]!();
    assert.equal(await now, 2);
    assert.equal(maxActive, 1);
  });

  test('close stops scheduled runs', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const run = mock.fn(async () => null);
    const g = new GroupingTrigger({ run, batch: 1, debounceMs: 10 });
    g.facesLeft(1);
    await g.close();
    t.mock.timers.tick(1000);
    assert.equal(run.mock.callCount(), 0);
  });
});
