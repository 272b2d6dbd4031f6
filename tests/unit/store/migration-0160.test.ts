// 0160 from 0150: the previews that could have been rendered from 16-bit pixels with a profile
// (TIFF, PNG, AVIF files themselves, djxl's and avifdec's output, embedded TIFFs) are made again on
// the next start, and only they.
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

test('0160: previews from TIFF/PNG/AVIF files, djxl, avifdec and embedded TIFFs are rendered again; nothing else', () => {
  const { db, done } = dbBefore(160);
  const w = db as WritableDb;
  try {
    const file = w.prepare(`INSERT INTO files (id, path, root, ext, kind, content_hash, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'x', 'image', ?, 0, 0)`);
    const meta = w.prepare(`INSERT INTO metadata (file_id, file_type, read_at) VALUES (?, ?, 0)`);
    const preview = w.prepare(`INSERT INTO previews (file_id, preview_hash, source, width, height, bytes, path, thumb_path, made_at) VALUES (?, ?, ?, 100, 100, 1, 'p', 't', 0)`);
    const result = w.prepare(`INSERT INTO pass_results (file_id, pass, version, input_key, status, completed_at) VALUES (?, ?, 1, 'k', 'ok', 0)`);
    const rows: [number, string, string][] = [
      [1, 'TIFF', 'file'], // again: Lightroom's 16-bit edit
      [2, 'PNG', 'file'], // again
      [3, 'AVIF', 'file'], // again: 10-bit
      [4, 'JXL', 'djxl'], // again: djxl's PNG can be 16-bit
      [5, 'AVIF', 'avifdec'], // again
      [6, 'NEF', 'PreviewTIFF'], // again: an embedded TIFF
      [7, 'JPEG', 'file'], // stays: always 8-bit
      [8, 'CR3', 'JpgFromRaw'], // stays
      [9, 'HEIC', 'heif-convert'], // stays: a JPEG
      [10, 'Extended WEBP', 'file'], // stays: 8-bit
    ];
    for (const [id, type, source] of rows) {
      file.run(id, `/l/${id}`, `h${id}`);
      meta.run(id, type);
      preview.run(id, `p${id}`, source);
      result.run(id, 'preview');
      result.run(id, 'metadata');
    }
    w.prepare(`INSERT INTO kv (key, value) VALUES (?, ?)`).run(SWEPT_VERSIONS_KEY, JSON.stringify({ metadata: 1, preview: 1 }));
    // Once, at the upgrade: one pass over the previews table (no index serves a source), each
    // metadata row and each result by its key. 300K files with 30K to render again: 0.28 s.
    const sql = readFileSync(path.join(defaultMigrationsDir(), '0160-rerender-deep-previews.sql'), 'utf8').match(/DELETE FROM[^;]+/)![0];
    const plan = (w.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);
    assert.deepEqual(plan.filter((d) => /SCAN/.test(d)), ['SCAN p'], plan.join('\n'));
    assert.ok(plan.includes('SEARCH m USING INTEGER PRIMARY KEY (rowid=?)'), plan.join('\n'));
    assert.ok(plan.some((d) => /^SEARCH pass_results USING INDEX/.test(d)), plan.join('\n'));

    migrate(db, defaultMigrationsDir());

    assert.deepEqual(w.prepare(`SELECT file_id FROM pass_results WHERE pass = 'preview' ORDER BY file_id`).pluck().all(), [7, 8, 9, 10]);
    assert.equal(w.prepare(`SELECT count(*) FROM pass_results WHERE pass = 'metadata'`).pluck().get(), 10, 'metadata stays');
    assert.equal(w.prepare(`SELECT preview_hash FROM previews WHERE file_id = 1`).pluck().get(), 'p1', 'the preview stays until the new render replaces it');

    const considered: number[] = [];
    const pass = (name: string): Pass => ({ name, version: 1, resource: 'cpu', after: [], description: name, inputKey: (_db, f) => (considered.push(f.id), 'k2'), run: async () => ({}) });
    const p = new Pipeline({ db: w, passes: [pass('preview')], log: pino({ level: 'silent' }), bus: new PipelineBus(), concurrency: { cpu: 1, io: 1 }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 1000 });
    assert.equal(p.sweep(), 6);
    assert.deepEqual(considered, [1, 2, 3, 4, 5, 6]);
  } finally {
    db.close();
    done();
  }
});
