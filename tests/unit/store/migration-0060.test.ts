import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultMigrationsDir } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { keptCounts, recount } from '../../../src/store/repositories/status-counts.repository.js';
import { dbBefore } from '../../helpers/migrations.js';

const DAY = 86_400_000;

test('0060 → 0061 from 0050 with real rows: counts match a recount, pass_runs pruned to the bound', () => {
  const { db, done } = dbBefore(60);
  try {
    const now = Date.now();
    const ins = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', ?, 0, 0)`);
    ins.run(1, '/l/1.jpg', 'present');
    ins.run(2, '/l/2.jpg', 'gone');
    const res = db.prepare(`INSERT INTO pass_results (file_id, pass, version, input_key, status, completed_at) VALUES (?, ?, 2, 'k2', ?, 0)`);
    res.run(1, 'scan', 'ok');
    res.run(1, 'preview', 'failed');
    res.run(2, 'scan', 'ok');
    db.prepare(`INSERT INTO jobs (file_id, pass, input_key, state, created_at, updated_at) VALUES (1, 'faces', 'k', 'pending', 0, 0), (1, 'tags', 'k', 'dead', 0, 0)`).run();
    const run = db.prepare(`INSERT INTO pass_runs (id, file_id, pass, version, input_key, status, started_at, duration_ms) VALUES (?, 1, ?, ?, ?, ?, ?, 1)`);
    run.run(1, 'scan', 1, 'k1', 'ok', now - 90 * DAY); // superseded by version 2: goes
    run.run(2, 'scan', 2, 'k2', 'ok', now - 80 * DAY); // the current input's run: stays
    run.run(3, 'preview', 2, 'k2', 'retry', now - 60 * DAY); // an old failure: goes
    run.run(4, 'preview', 2, 'k2', 'retry', now - 2 * DAY); // a recent failure: stays
    run.run(5, 'preview', 2, 'k2', 'failed', now - 1 * DAY); // the latest: stays
    run.run(6, 'faces', 1, 'k', 'retry', now - 70 * DAY); // old, but the latest of (file, faces): stays

    migrate(db, defaultMigrationsDir());

    assert.deepEqual(keptCounts(db), recount(db));
    assert.deepEqual(keptCounts(db).results, { preview: { failed: 1 }, scan: { ok: 1 } }, 'the gone file is not counted');
    assert.deepEqual(keptCounts(db).jobs, { faces: { pending: 1 }, tags: { dead: 1 } });
    const ids = (db.prepare('SELECT id FROM pass_runs ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    assert.deepEqual(ids, [2, 4, 5, 6]);
    const idx = (db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'jobs_claim'`).get() as { sql: string }).sql;
    assert.match(idx, /state, pass, priority DESC, id, run_after/);
  } finally {
    done();
  }
});
