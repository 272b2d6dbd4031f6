import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, mock, test } from 'node:test';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { roundSignificant, SseHub } from '../../../src/api/sse-hub.js';

/** A response that records what was written (the hub only writes frames and ends). */
class FakeRes extends EventEmitter {
  chunks: string[] = [];
  ended = false;
  writeHead() {
    return this;
  }
  write(s: string) {
    this.chunks.push(s);
    return true;
  }
  end() {
    this.ended = true;
    this.emit('close');
  }
  statusFrames(): unknown[] {
    return this.chunks.filter((c) => c.includes('event: status')).map((c) => JSON.parse(/^data: (.*)$/m.exec(c)![1]!));
  }
}

const flush = () => new Promise((r) => setImmediate(r));

describe('SseHub', () => {
  test('rounds to two significant figures', () => {
    assert.deepEqual([3599, 3601, 61, 0, 7.4, 12345].map(roundSignificant), [3600, 3600, 61, 0, 7.4, 12000]);
  });

  test('an idle page gets a status only when something changes, not every tick (ETA and rates rounded)', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      let eta = 3605;
      let done = 10;
      const hub = new SseHub({ bus: new PipelineBus(), status: () => ({ generatedAt: Date.now(), eta: { seconds: eta }, passes: { faces: { done, perMinute: 41.3, etaSeconds: eta } } }) });
      const res = new FakeRes();
      hub.add(res as unknown as ServerResponse);
      await flush();
      assert.equal(res.statusFrames().length, 1, 'the current state at once');
      for (let i = 0; i < 30; i++) {
        eta -= 1; // the ETA drifts every second: not news
        mock.timers.tick(1000);
        await flush();
      }
      assert.equal(res.statusFrames().length, 1, `30 idle ticks sent nothing (got ${res.statusFrames().length})`);
      done = 11; // real progress is news
      mock.timers.tick(1000);
      await flush();
      const frames = res.statusFrames() as { passes: { faces: { done: number; perMinute: number; etaSeconds: number } } }[];
      assert.equal(frames.length, 2);
      assert.equal(frames[1]!.passes.faces.done, 11);
      assert.equal(frames[1]!.passes.faces.perMinute, 41);
      assert.equal(frames[1]!.passes.faces.etaSeconds, 3600);
      hub.close();
    } finally {
      mock.timers.reset();
    }
  });

  test('a new token ends every open stream at the next tick', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      let token = 'a'.repeat(32);
      const hub = new SseHub({ bus: new PipelineBus(), status: () => ({ n: 1 }), session: () => token });
      const a = new FakeRes();
      const b = new FakeRes();
      hub.add(a as unknown as ServerResponse);
      hub.add(b as unknown as ServerResponse);
      mock.timers.tick(1000);
      await flush();
      assert.equal(a.ended || b.ended, false);
      token = 'b'.repeat(32);
      const c = new FakeRes(); // signed in with the new token before the tick
      hub.add(c as unknown as ServerResponse);
      mock.timers.tick(1000);
      await flush();
      assert.equal(a.ended && b.ended, true);
      assert.equal(c.ended, false, 'a stream opened with the new token stays');
      assert.equal(hub.size, 1);
      hub.close();
    } finally {
      mock.timers.reset();
    }
  });
});
