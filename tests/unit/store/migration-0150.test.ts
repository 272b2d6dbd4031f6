// 0150 from 0140: the photos whose size or capture time the metadata pass now reads differently
// (CR2/IIQ/EIP/RAF sizes; a date-only time read as midnight; unidentified lenses) are read again on the next start, and
// only they; everything else they had stays.
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

test('0150: RAW formats with a size elsewhere, midnight times without an offset and unidentified lenses are read again; nothing else', () => {
  const { db, done } = dbBefore(150);
  const w = db as WritableDb;
  try {
    const file = w.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', ?, 'image', 0, 0)`);
    const meta = w.prepare(`INSERT INTO metadata (file_id, file_type, captured_at, capture_offset, lens, width, height, read_at) VALUES (?, ?, ?, ?, ?, 1536, 1024, 0)`);
    const result = w.prepare(`INSERT INTO pass_results (file_id, pass, version, input_key, status, completed_at) VALUES (?, 'metadata', 1, 'k', 'ok', 0)`);
    const rows: [number, string, string | null, string | null, string | null][] = [
      [1, 'CR2', '2005-08-03T18:59:18', null, 'EF-S18-55mm'], // re-read: size
      [2, 'RAF', '2007-05-22T13:58:30', null, null], // re-read: size
      [3, 'JPEG', '2006-10-29T00:00:00', null, null], // re-read: a date-only time
      [4, 'JPEG', '2006-10-29T00:00:00', '-05:00', null], // a real midnight, zone known: stays
      [5, 'NEF', '2004-06-09T16:02:35', null, 'AF-S DX Zoom-Nikkor 18-70mm f/3.5-4.5G IF-ED'], // stays
      [6, 'JPEG', '2006-10-29T00:00:00.500', null, null], // not a date-only reading: stays
      [7, 'JPEG', null, null, null], // undated: 0140's, nothing new here
      [8, 'X3F', '2009-11-28T13:05:20', null, 'Unknown ( )'], // re-read: an unidentified lens
      [9, 'ARW', '2019-01-01T10:00:00', null, '----'], // re-read: no lens reported
    ];
    for (const [id, type, at, off, lens] of rows) {
      file.run(id, `/l/${id}.${type.toLowerCase()}`, type.toLowerCase());
      meta.run(id, type, at, off, lens);
      result.run(id);
    }
    w.prepare(`INSERT INTO kv (key, value) VALUES (?, ?)`).run(SWEPT_VERSIONS_KEY, JSON.stringify({ metadata: 1, preview: 1 }));
    // Once, at the upgrade: one pass over the metadata table (no index serves a file type or a
    // time of day), each result then removed by its key. 300K files with 60K to read again: 0.3 s.
    const sql = readFileSync(path.join(defaultMigrationsDir(), '0150-reread-sizes-times-lenses.sql'), 'utf8').match(/DELETE FROM[^;]+/)![0];
    const plan = (w.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);
    assert.equal(plan.filter((d) => /SCAN metadata/.test(d)).length, 1, plan.join('\n'));
    // (By its key once the planner has a library's statistics; by pass and status here.)
    assert.ok(plan.some((d) => /SEARCH pass_results USING INDEX/.test(d)), plan.join('\n'));
    assert.ok(!plan.some((d) => /SCAN pass_results/.test(d)), plan.join('\n'));

    migrate(db, defaultMigrationsDir());

    const left = w.prepare(`SELECT file_id FROM pass_results WHERE pass = 'metadata' ORDER BY file_id`).pluck().all();
    assert.deepEqual(left, [4, 5, 6, 7]);
    assert.equal(w.prepare(`SELECT width FROM metadata WHERE file_id = 1`).pluck().get(), 1536, 'the row stays until the new read replaces it');

    // The next start: the sweep queues the metadata pass for those three only.
    const considered: number[] = [];
    const pass = (name: string): Pass => ({ name, version: 1, resource: 'io', after: [], description: name, inputKey: (_db, f) => (considered.push(f.id), 'k2'), run: async () => ({}) });
    const p = new Pipeline({ db: w, passes: [pass('metadata')], log: pino({ level: 'silent' }), bus: new PipelineBus(), concurrency: { cpu: 1, io: 1 }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 1000 });
    assert.equal(p.sweep(), 5);
    assert.deepEqual(considered, [1, 2, 3, 8, 9]);
  } finally {
    db.close();
    done();
  }
});
