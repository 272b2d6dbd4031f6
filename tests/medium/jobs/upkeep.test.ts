import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isMainThread } from 'node:worker_threads';
import { parseConfig } from '../../../src/config/index.js';
import { DaemonError, isDaemonError } from '../../../src/errors/index.js';
import { createUpkeep, listBackups, upkeepStatus, type UpkeepDeps } from '../../../src/jobs/index.js';
import { silentLogger } from '../../../src/log/index.js';
import { resolvePlaces, type Places } from '../../../src/platform/places.js';
import { openDb, openReadonlyDb, type ReadableDb, type WritableDb } from '../../../src/store/db.js';
import { tempDir } from '../../helpers/fixtures.js';

const DAY = 24 * 3600 * 1000;

/** Every row of every table (vec0 included), in a stable order: "identical content". */
function dump(db: ReadableDb): Record<string, unknown[]> {
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[];
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) out[name] = db.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all();
  return out;
}

function seed(db: WritableDb, places: Places): void {
  const now = Date.now();
  const file = db.prepare(`INSERT INTO files (path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, '/lib', 'cr3', 'raw', ?, ?, ?)`);
  file.run('/lib/a.CR3', 'present', now, now);
  file.run('/lib/b.CR3', 'present', now, now);
  file.run('/lib/c.CR3', 'gone', now, now);
  db.prepare(`INSERT INTO previews (file_id, preview_hash, source, width, height, bytes, path, thumb_path, orientation, made_at) VALUES (1, 'aa11', 'JpgFromRaw', 2048, 1365, 10, 'previews/aa/aa11.jpg', 'thumbs/aa/aa11.jpg', 1, ?)`).run(now);
  const face = db
    .prepare(`INSERT INTO faces (file_id, preview_hash, idx, box_x, box_y, box_w, box_h, score, detector, embedder, embedding, crop_path, created_at) VALUES (1, 'aa11', 0, 0.1, 0.1, 0.2, 0.2, 0.9, 'det', 'emb', ?, 'faces/aa/aa11-0.jpg', ?)`)
    .run(Buffer.alloc(16), now);
  const vec = new Float32Array(512);
  vec[0] = 1;
  db.prepare('INSERT INTO face_vectors (face_id, embedder, embedding) VALUES (?, ?, ?)').run(BigInt(face.lastInsertRowid), 'emb', Buffer.from(vec.buffer));
  const job = db.prepare(`INSERT INTO jobs (file_id, pass, input_key, state, attempts, last_error_code, last_error, created_at, updated_at) VALUES (?, ?, 'k', 'dead', 5, ?, 'x', ?, ?)`);
  job.run(1, 'preview', 'FILE_PERMISSION_DENIED', now, now); // retryable, file present → retried
  job.run(2, 'metadata', 'METADATA_UNREADABLE', now, now); // not retryable → stays dead
  job.run(3, 'scan', 'FILE_UNREADABLE', now, now); // retryable but the file is gone → stays dead
  // cache files
  const put = (rel: string, ageMs: number) => {
    const p = path.join(places.cacheDir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, 'jpeg bytes');
    const t = (Date.now() - ageMs) / 1000;
    utimesSync(p, t, t);
  };
  put('previews/aa/aa11.jpg', 3 * DAY);
  put('thumbs/aa/aa11.jpg', 3 * DAY);
  put('faces/aa/aa11-0.jpg', 3 * DAY);
  put('previews/bb/bb22.jpg', 3 * DAY); // orphan: its photo is gone
  put('thumbs/bb/bb22.jpg', 3 * DAY);
  put('faces/bb/bb22-0.jpg', 3 * DAY);
  put('previews/cc/cc33.jpg', 60 * 1000); // orphan, but fresh: its row may not be committed yet
  put('other/keep.bin', 3 * DAY); // not a cache folder upkeep owns
  symlinkSync('/etc/hostname', path.join(places.cacheDir, 'previews', 'aa', 'link.jpg'));
}

// Each test gets its own home, database and clock (beforeEach): any one runs alone, in any order.
describe('upkeep jobs (real SQLite)', () => {
  let t: ReturnType<typeof tempDir>;
  let places: Places;
  let dbPath: string;
  let db: WritableDb;
  let clock: number;
  const now = () => clock;
  const calls: string[] = [];
  let reconcileImpl: () => Promise<unknown>;
  const deps: UpkeepDeps = {
    reconcile: async () => {
      calls.push(`reconcile:${isMainThread ? 'main' : 'worker'}`);
      return reconcileImpl();
    },
  };
  const config = parseConfig({ schedule: { backupsKept: 2 } });
  const upkeep = () => createUpkeep({ db, dbPath, places, config, log: silentLogger(), deps, now });

  beforeEach(() => {
    t = tempDir('rawlight-upkeep-');
    places = resolvePlaces({ env: { RAWLIGHT_HOME: t.dir } });
    dbPath = path.join(places.dataDir, 'rawlight.db');
    clock = Date.UTC(2025, 5, 1, 12, 0, 0);
    calls.length = 0;
    reconcileImpl = async () => ({ added: 3, gone: 1 });
    db = openDb(dbPath).db;
    seed(db, places);
  });
  afterEach(() => {
    db.close();
    t.cleanup();
  });

  test('backup: a verified copy with identical content that the app opens and restores; rotation keeps backupsKept', async () => {
    const u = upkeep();
    const r = await u.runNow('backup');
    assert.equal(r.status, 'ok', JSON.stringify(r.error));
    assert.equal(r.result?.file, 'rawlight-20250601-120000.db');
    const file = path.join(places.dataDir, 'backups', 'rawlight-20250601-120000.db');
    const copy = openReadonlyDb(file); // the app's own opener: schema version checked, sqlite-vec loaded
    try {
      const { upkeep_jobs: copyRuns, ...copyRest } = dump(copy);
      const { upkeep_jobs: _liveRuns, ...liveRest } = dump(db);
      assert.deepEqual(copyRest, liveRest);
      // the copy is the database as it was mid-backup: this very run is in it, still running
      assert.deepEqual((copyRuns as { name: string; running: number }[]).map((r) => [r.name, r.running]), [['backup', 1]]);
      assert.ok(((copy.prepare('SELECT count(*) AS n FROM face_vectors').get() as { n: number }).n) === 1);
    } finally {
      copy.close();
    }
    // restore: the backup copied in place of the database opens as a working database
    const restored = path.join(t.dir, 'restored', 'rawlight.db');
    mkdirSync(path.dirname(restored));
    writeFileSync(restored, (await import('node:fs')).readFileSync(file));
    const back = openDb(restored).db;
    try {
      const { upkeep_jobs: _a, ...restoredRest } = dump(back);
      const { upkeep_jobs: _b, ...liveRest } = dump(db);
      assert.deepEqual(restoredRest, liveRest);
    } finally {
      back.close();
    }
    clock += 1000;
    await u.runNow('backup');
    clock += 1000;
    const third = await u.runNow('backup');
    assert.deepEqual(third.result?.removed, ['rawlight-20250601-120000.db']);
    assert.deepEqual(listBackups(places.dataDir).map((p) => path.basename(p)), ['rawlight-20250601-120002.db', 'rawlight-20250601-120001.db']);
    assert.deepEqual(readdirSync(path.join(places.dataDir, 'backups')).filter((n) => n.endsWith('.partial')), []);
  });

  test('optimize: PRAGMA optimize and a TRUNCATE checkpoint empty the WAL', async () => {
    db.prepare(`INSERT INTO kv (key, value) VALUES ('upkeep-test', ?)`).run('x'.repeat(50_000));
    assert.ok(statSync(`${dbPath}-wal`).size > 0);
    const r = await upkeep().runNow('optimize');
    assert.equal(r.status, 'ok');
    assert.equal(r.result?.walBytesAfter, 0, JSON.stringify(r.result));
    assert.equal((r.result?.checkpoint as { busy: boolean }).busy, false);
    // only the run's own bookkeeping row was written since (a page or two)
    assert.ok(statSync(`${dbPath}-wal`).size < 16 * 1024);
  });

  test('prune: removes old cache files no row points at, keeps referenced, fresh, foreign and symlinked ones', async () => {
    clock = Date.now(); // the files' ages are real
    const r = await upkeep().runNow('prune');
    assert.equal(r.status, 'ok');
    assert.equal(r.result?.removed, 3);
    const c = (rel: string) => existsSync(path.join(places.cacheDir, rel));
    for (const gone of ['previews/bb/bb22.jpg', 'thumbs/bb/bb22.jpg', 'faces/bb/bb22-0.jpg']) assert.equal(c(gone), false, gone);
    for (const kept of ['previews/aa/aa11.jpg', 'thumbs/aa/aa11.jpg', 'faces/aa/aa11-0.jpg', 'previews/cc/cc33.jpg', 'other/keep.bin', 'previews/aa/link.jpg']) {
      assert.equal(c(kept), true, kept);
    }
    assert.equal(c('thumbs/bb'), false, 'emptied folders are removed');
    assert.equal(c('thumbs'), true, 'top-level cache folders stay');
  });

  test('retryDead: only retryable causes, only for present files', async () => {
    const r = await upkeep().runNow('retryDead');
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.result, { retried: 1, byCode: { FILE_PERMISSION_DENIED: 1 } });
    const jobs = db.prepare('SELECT file_id, state, attempts FROM jobs ORDER BY file_id').all();
    assert.deepEqual(jobs, [
      { file_id: 1, state: 'pending', attempts: 0 },
      { file_id: 2, state: 'dead', attempts: 5 },
      { file_id: 3, state: 'dead', attempts: 5 },
    ]);
  });

  test('reconcile runs the daemon\'s walk in the main thread and records its summary', async () => {
    calls.length = 0;
    const r = await upkeep().runNow('reconcile');
    assert.deepEqual(r.result, { added: 3, gone: 1 });
    assert.deepEqual(calls, ['reconcile:main']);
    const row = upkeepStatus(db).find((s) => s.name === 'reconcile')!;
    assert.equal(row.lastStatus, 'ok');
    assert.deepEqual(row.lastResult, { added: 3, gone: 1 });
    assert.equal(row.running, false);
    assert.equal(row.runs, 1);
  });

  test('a failing job is recorded with its code and never thrown', async () => {
    reconcileImpl = async () => {
      throw new DaemonError('LIBRARY_OFFLINE', '/Volumes/Photos');
    };
    const r = await upkeep().runNow('reconcile');
    assert.equal(r.status, 'failed');
    assert.equal(r.error?.code, 'LIBRARY_OFFLINE');
    reconcileImpl = async () => {
      throw new Error('kaput');
    };
    assert.equal((await upkeep().runNow('reconcile')).error?.code, 'INTERNAL');
    const row = upkeepStatus(db).find((s) => s.name === 'reconcile')!;
    assert.equal(row.lastStatus, 'failed');
    assert.equal(row.lastErrorCode, 'INTERNAL');
    assert.match(row.lastError ?? '', /kaput/);
    assert.equal(row.failures, 2);
    assert.equal(row.runs, 2);
  });

  test('a job never overlaps itself', async () => {
    let release!: () => void;
    let n = 0;
    reconcileImpl = () => {
      n++;
      return new Promise((r) => {
        release = () => r({ n });
      });
    };
    const u = upkeep();
    const first = u.runNow('reconcile');
    await new Promise((r) => setImmediate(r));
    const second = u.runNow('reconcile');
    assert.equal(upkeepStatus(db).find((s) => s.name === 'reconcile')!.running, true);
    release();
    const [a, b] = await Promise.all([first, second]);
    assert.equal(n, 1);
    assert.equal(a.status, 'ok');
    assert.equal(b.status, 'skipped');
    reconcileImpl = async () => ({ added: 0 });
  });

  test('regroup is disabled until the people feature gives it a function', async () => {
    assert.equal((await upkeep().runNow('regroup')).status, 'disabled');
    const u = createUpkeep({ db, dbPath, places, config, log: silentLogger(), deps: { ...deps, regroup: async () => ({ people: 4 }) }, now });
    assert.deepEqual((await u.runNow('regroup')).result, { people: 4 });
    await assert.rejects(u.runNow('vacuum'), (e) => isDaemonError(e) && e.code === 'UPKEEP_UNKNOWN_JOB');
  });

  test('start: schedules recorded with next runs; an interrupted run is marked; bree fires jobs in-process', async () => {
    // A backup a killed daemon left running (the row it would have written when it started).
    db.prepare(`INSERT INTO upkeep_jobs (name, running, last_started_at) VALUES ('backup', 1, ?)`).run(Date.now() - 60_000);
    clock = Date.now();
    calls.length = 0;
    const cfg = parseConfig({ schedule: { reconcile: '* * * * * *', backupsKept: 2 } }); // every second (6 fields)
    const u = createUpkeep({ db, dbPath, places, config: cfg, log: silentLogger(), deps, now: Date.now });
    await u.start();
    try {
      const st = Object.fromEntries(u.status().map((s) => [s.name, s]));
      assert.equal(st.backup!.lastStatus, 'interrupted');
      assert.equal(st.backup!.schedule, '0 5 * * *');
      assert.ok(st.backup!.nextRunAt! > Date.now() && st.backup!.nextRunAt! <= Date.now() + DAY);
      assert.equal(new Date(st.backup!.nextRunAt!).getHours(), 5);
      assert.equal(st.regroup!.enabled, false);
      assert.equal(st.regroup!.nextRunAt, null);
      const deadline = Date.now() + 5000;
      while (!calls.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(calls.slice(0, 1), ['reconcile:main'], 'bree ran the scheduled job, in the main thread');
    } finally {
      const t0 = Date.now();
      await u.stop();
      assert.ok(Date.now() - t0 < 3000);
    }
    const runs = upkeepStatus(db).find((s) => s.name === 'reconcile')!;
    assert.ok(runs.nextRunAt! > runs.lastFinishedAt! - 1000);
  });

  test('a bad cron string is a config error at start', async () => {
    const cfg = parseConfig({ schedule: { prune: 'every tuesday-ish' } });
    const u = createUpkeep({ db, dbPath, places, config: cfg, log: silentLogger(), deps });
    await assert.rejects(u.start(), (e) => isDaemonError(e) && e.code === 'CONFIG_INVALID' && /prune/.test(e.message));
    await u.stop();
  });
});
