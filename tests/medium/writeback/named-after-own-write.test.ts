// rawlight writes a photo's sidecar; the watcher sees that change seconds later and, since it is
// rawlight's own, re-keys the writeback result to the sidecar as it now is instead of writing again.
// A person named in between asked for a writeback the write did not hold — and the re-key, computed
// from the names as they are now, made that job find "done" and skip it: the soak found a rename
// ("Alex Lacamoire" → "Renamed 482") and a naming that never reached their sidecars, no job left.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import type { Pass } from '../../../src/passes/pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { requestPass } from '../../../src/queue/queue.js';
import { openDb } from '../../../src/store/db.js';
import { saveResult } from '../../../src/store/repositories/pass-result.repository.js';
import { getFileByPath } from '../../../src/store/repositories/file.repository.js';
import { Discovery } from '../../../src/watch/discover.js';
import { FIXTURES } from '../../helpers/fixtures.js';
import { plan } from '../../helpers/query-plan.js';

test('a person named between rawlight\'s sidecar write and the watcher seeing it still gets written', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-named-after-write-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { db } = openDb(path.join(dir, 'rawlight.db'));
  t.after(() => db.close());
  const photo = path.join(dir, 'P1.jpg');
  const sidecar = `${photo}.xmp`;
  copyFileSync(path.join(FIXTURES, 'photos/people/obama_1.jpg'), photo);
  writeFileSync(sidecar, '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>');

  let names = 'Alex Lacamoire';
  const written: string[] = [];
  const stub = (name: string, after: string[], o: Partial<Pass> = {}): Pass => ({ name, version: 1, resource: 'io', after, description: name, inputKey: (_, f) => f.sidecar_sig, run: async () => ({}), ...o });
  const passes = [
    stub('metadata', []),
    // As the real pass: its key is what it would write and the sidecar as it is.
    stub('writeback', ['metadata'], { afterSettled: true, inputKey: (_, f) => `${names}|${f.sidecar_sig}`, run: async () => (written.push(names), {}) }),
  ];
  const log = pino({ level: 'silent' });
  const bus = new PipelineBus();
  const pipeline = new Pipeline({ db, passes, log, bus, concurrency: { cpu: 0, io: 1 }, maxAttempts: 3, retryBaseMs: 0, leaseMs: 60_000 });
  const discovery = new Discovery({ db, pipeline, bus, log, isOwnWrite: () => true });
  const observe = () => discovery.observeMany([{ path: photo, root: dir, stat: statSync(photo, { bigint: true }), sidecar: { path: sidecar, stat: statSync(sidecar, { bigint: true }) } }]);

  await observe();
  const file = getFileByPath(db, photo)!;
  db.prepare('DELETE FROM jobs').run();
  for (const pass of passes) {
    saveResult(db, { file_id: file.id, pass: pass.name, version: 1, input_key: pass.inputKey(db, file)!, status: 'ok', output: null, error_code: null, error: null, completed_at: Date.now(), duration_ms: 1 });
  }
  // rawlight's write of "Alex Lacamoire" lands in the sidecar…
  writeFileSync(sidecar, '<x:xmpmeta xmlns:x="adobe:ns:meta/"><!-- Alex Lacamoire --></x:xmpmeta>');
  // …the user renames the person before the watcher reports that write…
  names = 'Renamed 482';
  requestPass(db, file.id, 'writeback');
  // …and then the watcher does: rawlight's own write, adopted.
  await observe();

  pipeline.start();
  try {
    for (let i = 0; i < 1000 && written.length === 0; i++) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  } finally {
    await pipeline.stop(100);
  }
  assert.deepEqual(written, ['Renamed 482']);
  assert.equal(db.prepare('SELECT count(*) FROM jobs').pluck().get(), 0);
});

test('the check for a pending writeback reads the file\'s own jobs by the jobs\' unique index', () => {
  const { db } = openDb(':memory:');
  const p = plan(db, `SELECT 1 FROM jobs WHERE file_id = ? AND pass = 'writeback' AND +state = 'pending'`).join('\n');
  assert.match(p, /SEARCH jobs USING INDEX sqlite_autoindex_jobs_1 \(file_id=\? AND pass=\?\)/, p);
  db.close();
});
