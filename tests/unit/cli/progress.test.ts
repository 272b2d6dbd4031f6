// `rawlight index`'s progress line while OCR (a pass that runs last) waits behind the cheap steps:
// the ETA covers those, and the slow steps are counted apart until they are timed.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { showProgress } from '../../../src/cli/progress.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { claim, complete, enqueue } from '../../../src/queue/queue.js';
import { openDb } from '../../../src/store/db.js';

function setup() {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  for (let i = 1; i <= 10; i++) {
    f.run(i, `/l/${i}.jpg`);
    enqueue(db, i, 'faces', 'k');
    enqueue(db, i, 'ocr', 'k');
  }
  let text = '';
  const stream = Object.assign(new Writable({ write: (c: Buffer, _e: string, cb: () => void) => ((text += c.toString()), cb()) }), { isTTY: true, columns: 100 });
  let clock = 1_000_000;
  const bus = new PipelineBus();
  /** Runs `n` jobs of `pass` as the pipeline would, `ms` apart, and tells the progress line. */
  const run = (pass: string, n: number, ms: number) => {
    for (let i = 0; i < n; i++) {
      const j = claim(db, [pass], 'w', 1000, clock)!;
      complete(db, j.id);
      clock += ms;
      bus.emit('pass-done', { fileId: j.file_id, path: '', pass, status: 'ok', durationMs: ms });
    }
  };
  const line = () => text.split('\r').at(-1)!.trim();
  return { db, stream, bus, run, line, now: () => clock };
}

test('the ETA covers the cheap steps while they remain, the text after them is counted apart, then timed', (t) => {
  const { db, stream, bus, run, line, now } = setup();
  t.after(() => db.close());
  const stop = showProgress(stream, db, bus, { last: ['ocr'], now });
  // 4 faces steps in 4 s: 1/s, 6 left -> 6 s, then the 10 OCR steps.
  run('faces', 4, 1000);
  stop();
  assert.match(line(), /4\/20 steps, 0 failed, 1\.0\/s, ETA 6s, then 10 ocr steps/);
  const again = showProgress(stream, db, bus, { last: ['ocr'], now });
  run('faces', 6, 1000);
  again();
  assert.match(line(), /timing the ocr steps/, 'no OCR step has ended yet: no promise');
  const third = showProgress(stream, db, bus, { last: ['ocr'], now });
  // 2 OCR steps, 10 s each: 8 left -> 80 s (one rate over every step would say ~27 s).
  run('ocr', 2, 10_000);
  third();
  assert.match(line(), /ETA 80s/);
});

test('without a pass that runs last, one rate over every step, as before', (t) => {
  const { db, stream, bus, run, line, now } = setup();
  t.after(() => db.close());
  const stop = showProgress(stream, db, bus, { now });
  run('faces', 4, 1000);
  stop();
  assert.match(line(), /4\/20 steps, 0 failed, 1\.0\/s, ETA 16s/);
});
