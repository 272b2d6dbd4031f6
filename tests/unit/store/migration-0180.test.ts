// 0180 from 0170: the photos whose sidecar may hold darktable's or digiKam's colour labels (a
// sidecar by the photo's whole name, and no label read) are read again on the next start, and only they.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import type { Pass } from '../../../src/passes/pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline, SWEPT_VERSIONS_KEY } from '../../../src/pipeline/pipeline.js';
import { defaultMigrationsDir, type WritableDb } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { dbBefore } from '../../helpers/migrations.js';

test('0180: photos with a darktable or digiKam sidecar and no colour label are read again; nothing else', () => {
  const { db, done } = dbBefore(180);
  const w = db as WritableDb;
  try {
    const file = w.prepare(`INSERT INTO files (id, path, root, ext, kind, sidecar_path, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'nef', 'raw', ?, 0, 0)`);
    const meta = w.prepare(`INSERT INTO metadata (file_id, label, read_at) VALUES (?, ?, 0)`);
    const result = w.prepare(`INSERT INTO pass_results (file_id, pass, version, input_key, status, completed_at) VALUES (?, 'metadata', 1, 'k', 'ok', 0)`);
    const rows: [number, string | null, string | null][] = [
      [1, '/l/1.nef.xmp', null], // darktable's or digiKam's sidecar: read again
      [2, '/l/2.NEF.XMP', null], // the same, in capitals: read again
      [3, '/l/3.nef.xmp', 'Red'], // a label already read: stays
      [4, '/l/4.xmp', null], // Lightroom's or Capture One's sidecar: stays (they write xmp:Label, read before)
      [5, null, null], // no sidecar: stays
    ];
    for (const [id, sidecar, label] of rows) {
      file.run(id, `/l/${id}.${id === 2 ? 'NEF' : 'nef'}`, sidecar);
      meta.run(id, label);
      result.run(id);
    }
    w.prepare(`INSERT INTO kv (key, value) VALUES (?, ?)`).run(SWEPT_VERSIONS_KEY, JSON.stringify({ metadata: 1, preview: 1 }));

    migrate(db, defaultMigrationsDir());

    assert.deepEqual(w.prepare(`SELECT file_id FROM pass_results WHERE pass = 'metadata' ORDER BY file_id`).pluck().all(), [3, 4, 5]);
    const considered: number[] = [];
    const pass: Pass = { name: 'metadata', version: 1, resource: 'io', after: [], description: 'metadata', inputKey: (_db, f) => (considered.push(f.id), 'k2'), run: async () => ({}) };
    const p = new Pipeline({ db: w, passes: [pass], log: pino({ level: 'silent' }), bus: new PipelineBus(), concurrency: { cpu: 1, io: 1 }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 1000 });
    assert.equal(p.sweep(), 2);
    assert.deepEqual(considered, [1, 2]);
  } finally {
    db.close();
    done();
  }
});
