// 0140 from 0130: photos read with no capture time are read again on the next start (the metadata
// pass has more places to find one), and only they; everything else they had stays.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import type { Pass } from '../../../src/passes/pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline, SWEPT_VERSIONS_KEY } from '../../../src/pipeline/pipeline.js';
import { defaultMigrationsDir, type WritableDb } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { dbBefore } from '../../helpers/migrations.js';

test('0140: an undated photo loses its metadata result and the start-up sweep queues it; a dated one is left alone', () => {
  const { db, done } = dbBefore(140);
  const w = db as WritableDb;
  try {
    const file = w.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
    const meta = w.prepare(`INSERT INTO metadata (file_id, captured_at, make, read_at) VALUES (?, ?, 'Canon', 0)`);
    const result = w.prepare(`INSERT INTO pass_results (file_id, pass, version, input_key, status, completed_at) VALUES (?, ?, 1, 'k', ?, 0)`);
    for (const [id, at] of [[1, '2023-11-15T04:30:00'], [2, null], [3, null]] as const) {
      file.run(id, `/l/${id}.jpg`);
      result.run(id, 'preview', 'ok');
      if (id !== 3) {
        meta.run(id, at);
        result.run(id, 'metadata', 'ok');
      }
    }
    result.run(3, 'metadata', 'failed'); // unreadable: no row, nothing new to find
    w.prepare(`INSERT INTO kv (key, value) VALUES (?, ?)`).run(SWEPT_VERSIONS_KEY, JSON.stringify({ metadata: 1, preview: 1 }));
    // At scale (300K files, 30K undated: 183 ms here) only through indexes: the undated rows by
    // metadata_captured_at, each result by its key; never a walk of either table.
    const sql = readFileSync(path.join(defaultMigrationsDir(), '0140-reread-undated-photos.sql'), 'utf8').match(/DELETE FROM[^;]+/)![0];
    const plan = (w.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
    assert.match(plan, /SEARCH metadata USING COVERING INDEX metadata_captured_at/);
    assert.match(plan, /SEARCH pass_results USING INDEX/);
    assert.doesNotMatch(plan, /SCAN (metadata|pass_results)/);

    migrate(db, defaultMigrationsDir());

    const results = w.prepare(`SELECT file_id, pass FROM pass_results ORDER BY file_id, pass`).all();
    assert.deepEqual(results, [{ file_id: 1, pass: 'metadata' }, { file_id: 1, pass: 'preview' }, { file_id: 2, pass: 'preview' }, { file_id: 3, pass: 'metadata' }, { file_id: 3, pass: 'preview' }]);
    assert.equal(w.prepare(`SELECT make FROM metadata WHERE file_id = 2`).pluck().get(), 'Canon', 'the row stays until the new read replaces it');
    assert.equal(w.prepare(`SELECT n FROM pass_result_counts WHERE pass = 'metadata' AND status = 'ok'`).pluck().get(), 1, 'status counts follow');

    // The next start: the sweep queues the metadata pass for the undated photo only.
    const considered: number[] = [];
    const pass = (name: string): Pass => ({ name, version: 1, resource: 'io', after: [], description: name, inputKey: (_db, f) => (considered.push(f.id), 'k2'), run: async () => ({}) });
    const p = new Pipeline({ db: w, passes: [pass('metadata'), pass('preview')], log: pino({ level: 'silent' }), bus: new PipelineBus(), concurrency: { cpu: 1, io: 1 }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 1000 });
    assert.equal(p.sweep(), 1);
    assert.deepEqual(considered, [2]);
    assert.deepEqual(w.prepare(`SELECT file_id, pass FROM jobs`).all(), [{ file_id: 2, pass: 'metadata' }]);
  } finally {
    db.close();
    done();
  }
});
