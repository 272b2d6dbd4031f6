// N−1 → N with real rows for the migrations of round two that had none: each test builds the
// schema just before the migration, writes rows as the daemon of that version did, migrates to the
// latest schema and checks that the rows survive as the current code reads them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { putImageHash } from '../../../src/duplicates/image-hash.repository.js';
import { replaceOcrText } from '../../../src/search/ocr-text.repository.js';
import { defaultMigrationsDir, type WritableDb } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { recoverInterruptedWrites } from '../../../src/xmp/recover-writes.js';
import { dbBefore } from '../../helpers/migrations.js';

const DAY = 86_400_000;

/** The schema before `version`, rows written by `fill`, then every migration up to the latest. */
function migrated(version: number, fill: (db: WritableDb) => void, check: (db: WritableDb) => void | Promise<void>): Promise<void> {
  const { db, done } = dbBefore(version);
  const w = db as WritableDb;
  return (async () => {
    try {
      fill(w);
      migrate(db, defaultMigrationsDir());
      await check(w);
    } finally {
      db.close();
      done();
    }
  })();
}

function addFiles(db: WritableDb, n: number): void {
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  for (let i = 1; i <= n; i++) f.run(i, `/l/${i}.jpg`);
}

test('0061 from 0060: run history pruned to the latest run, current results and recent failures; the claim index gains the pass', () =>
  migrated(
    61,
    (db) => {
      addFiles(db, 2);
      const now = Date.now();
      const run = db.prepare(`INSERT INTO pass_runs (id, file_id, pass, version, input_key, status, started_at, duration_ms) VALUES (?, ?, ?, 1, ?, ?, ?, 5)`);
      run.run(1, 1, 'metadata', 'a', 'ok', now - 100 * DAY); // superseded input: goes
      run.run(2, 1, 'metadata', 'b', 'failed', now - 100 * DAY); // an old failure: goes
      run.run(3, 1, 'metadata', 'b', 'failed', now - DAY); // a recent failure: kept
      run.run(4, 1, 'metadata', 'b', 'ok', now - 3_600_000); // the latest: kept
      run.run(5, 2, 'preview', 'x', 'ok', now - 200 * DAY); // the run behind the current result: kept
      run.run(6, 2, 'preview', 'x', 'retry', now); // the latest: kept
      const result = db.prepare(`INSERT INTO pass_results (file_id, pass, version, input_key, status, completed_at) VALUES (?, ?, 1, ?, 'ok', ?)`);
      result.run(1, 'metadata', 'b', now);
      result.run(2, 'preview', 'x', now - 200 * DAY);
      db.prepare(`INSERT INTO jobs (file_id, pass, input_key, created_at, updated_at) VALUES (1, 'faces', 'k', 0, 0)`).run();
    },
    (db) => {
      assert.deepEqual(db.prepare('SELECT id FROM pass_runs ORDER BY id').pluck().all(), [3, 4, 5, 6]);
      assert.deepEqual(db.prepare(`SELECT name FROM pragma_index_info('jobs_claim') ORDER BY seqno`).pluck().all(), ['state', 'pass', 'priority', 'id', 'run_after']);
      assert.equal(db.prepare(`SELECT count(*) FROM jobs WHERE state = 'pending' AND pass = 'faces'`).pluck().get(), 1, 'the queue keeps its jobs');
    },
  ));

test('0070 and 0071 from 0063: a journal entry of an older write is left to reconcile; xmp_state rows keep their values', () =>
  migrated(
    70,
    (db) => {
      addFiles(db, 1);
      db.prepare(`INSERT INTO xmp_state (file_id, target, target_kind, status, last_written_at, updated_at) VALUES (1, '/l/1.xmp', 'sidecar', 'ok', 5, 5)`).run();
      db.prepare(`INSERT INTO xmp_journal (path, file_id, phase, pre_size, started_at) VALUES ('/l/1.xmp', 1, 'writing', 10, 5)`).run();
    },
    async (db) => {
      const j = db.prepare(`SELECT phase, pre_size, temp_path, backup_path, backup_sha256 FROM xmp_journal`).all();
      assert.deepEqual(j, [{ phase: 'writing', pre_size: 10, temp_path: null, backup_path: null, backup_sha256: null }]);
      // Start-up recovery acts only on writes that journaled a temp file or a backup: an entry from
      // before 0070 has neither, so it is left for the reconcile (nothing restored from nowhere).
      assert.deepEqual(await recoverInterruptedWrites(db), []);
      assert.equal(db.prepare('SELECT count(*) FROM xmp_journal').pluck().get(), 1);
      assert.equal(db.prepare('SELECT count(*) FROM xmp_recoveries').pluck().get(), 0);
      assert.deepEqual(db.prepare('SELECT target, status, last_written_at, written_metadata_date FROM xmp_state').get(), { target: '/l/1.xmp', status: 'ok', last_written_at: 5, written_metadata_date: null });
    },
  ));

test('0080 from 0071: lens, GPS and capture-time reads of existing metadata go through the new indexes', () =>
  migrated(
    80,
    (db) => {
      addFiles(db, 3);
      const m = db.prepare(`INSERT INTO metadata (file_id, lens, gps_lat, gps_lon, captured_at, read_at) VALUES (?, ?, ?, ?, ?, 0)`);
      m.run(1, 'RF24-70mm F2.8 L IS USM', 48.85, 2.35, '2024-05-01T10:00:00');
      m.run(2, null, null, null, '2023-01-01T09:00:00');
      m.run(3, 'EF50mm f/1.8 STM', null, null, null);
    },
    (db) => {
      const lenses = 'SELECT DISTINCT lens FROM metadata WHERE lens IS NOT NULL ORDER BY lens';
      assert.deepEqual(db.prepare(lenses).pluck().all(), ['EF50mm f/1.8 STM', 'RF24-70mm F2.8 L IS USM']);
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
      assert.match(plan(lenses), /metadata_lens/);
      const gps = 'SELECT file_id FROM metadata WHERE gps_lat IS NOT NULL AND gps_lon IS NOT NULL';
      assert.deepEqual(db.prepare(gps).pluck().all(), [1]);
      assert.match(plan(gps), /metadata_gps/);
      const newest = 'SELECT file_id FROM metadata WHERE captured_at IS NOT NULL ORDER BY captured_at DESC';
      assert.deepEqual(db.prepare(newest).pluck().all(), [1, 2]);
      assert.match(plan(newest), /metadata_captured_at/);
    },
  ));

test('0090 and 0091 from 0080: files from before get text and image hashes, and lose both when they are pruned', () =>
  migrated(
    90,
    (db) => addFiles(db, 2),
    (db) => {
      replaceOcrText(db, 1, [{ text: 'Café Élysée', box: { x: 0.1, y: 0.1, w: 0.5, h: 0.1 }, score: 0.9 }], 'ppocr');
      putImageHash(db, 1, 'h1', 0x1234n);
      putImageHash(db, 2, 'h2', -5n);
      assert.deepEqual(db.prepare(`SELECT rowid FROM ocr_fts WHERE ocr_fts MATCH 'cafe'`).pluck().all(), [1]);
      db.prepare('DELETE FROM files WHERE id = 1').run();
      assert.equal(db.prepare('SELECT count(*) FROM ocr_fts').pluck().get(), 0, 'its text document went with it');
      assert.equal(db.prepare('SELECT count(*) FROM ocr_lines').pluck().get(), 0);
      assert.deepEqual(db.prepare('SELECT file_id FROM image_hashes').pluck().all(), [2]);
    },
  ));
