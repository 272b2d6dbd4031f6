import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDb } from '../../../src/store/db.js';
import { captured, plan } from '../../helpers/query-plan.js';
import { claim, claimForFile, enqueue, hasWork, nextRunAfter, park, sweepExpiredLeases, workDue } from '../../../src/queue/queue.js';
import { countWaiting, readStatus } from '../../../src/store/repositories/status.repository.js';
import { hasTowns } from '../../../src/places/place.repository.js';

/**
 * Every hot query of the queue and of status, checked against EXPLAIN QUERY PLAN: a full scan of
 * files, jobs or pass_runs fails the test. Each statement is captured as the code prepares it.
 */
const BIG = /^SCAN (files|jobs|pass_runs|pass_results)\b(?!.*USING)/;

function seeded() {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  for (let i = 1; i <= 2000; i++) f.run(i, `/l/${i}.jpg`);
  for (let i = 1; i <= 2000; i++) enqueue(db, i, i % 2 ? 'scan' : 'faces', 'k', i % 3);
  db.exec('ANALYZE');
  return db;
}

test('claim, claimForFile, the lease sweep and the idle check use indexes, never a scan of jobs', () => {
  const db = seeded();
  const sqls = captured(db, () => {
    claim(db, ['scan', 'metadata'], 'w', 1000, 5);
    claim(db, ['faces', 'ocr'], 'w', 1000, 5, ['ocr']);
    claimForFile(db, 3, ['scan', 'metadata'], 'w', 1000, 5);
    sweepExpiredLeases(db, 5);
    hasWork(db, ['scan', 'faces'], 5);
    nextRunAfter(db, ['scan']);
    nextRunAfter(db, ['scan'], ['HEIC_DECODER_MISSING', 'MODEL_MISSING']); // index's wait: the retries worth waiting for
    countWaiting(db, 5, ['scan']);
    workDue(db, ['scan', 'faces'], 5);
  });
  assert.ok(sqls.length >= 5);
  for (const sql of sqls) {
    const p = plan(db, sql);
    assert.ok(!p.some((d) => BIG.test(d)), `full scan in:\n${sql}\n${p.join('\n')}`);
    assert.ok(!p.some((d) => /^SCAN jobs$/.test(d)), `full scan in:\n${sql}\n${p.join('\n')}`);
  }
  assert.equal(workDue(db, ['scan'], Date.now() + 1000), true);
  assert.equal(workDue(db, ['removed-pass'], Date.now() + 1000), false, 'jobs of passes not registered never ring the doorbell');
  const claimPlan = plan(db, sqls[0]!).join('\n');
  assert.match(claimPlan, /jobs_claim \(state=\? AND pass=\?/, 'the claim index is used with the pass');
  const lastPlan = plan(db, sqls.find((sql) => sql.includes('1 AS late'))!).join('\n');
  assert.match(lastPlan, /jobs_claim \(state=\? AND pass=\?/, 'a pool with a pass that runs last claims through the same index');
});

test('status reads O(passes): no statement scans files, jobs, pass_results or pass_runs', () => {
  const db = seeded();
  const sqls = captured(db, () => readStatus(db, { passNames: ['scan'] }));
  assert.ok(sqls.length >= 5);
  for (const sql of sqls) {
    const p = plan(db, sql);
    assert.ok(!p.some((d) => BIG.test(d) || /^SCAN (files|jobs|pass_runs|pass_results)$/.test(d)), `full scan in:\n${sql}\n${p.join('\n')}`);
  }
  const all = sqls.map((sql) => plan(db, sql).join(' ')).join('\n');
  assert.match(all, /pass_runs_failures/, 'recent failures through their partial index');
  assert.match(all, /jobs_dead/, 'dead jobs through their partial index');
  assert.match(all, /jobs_waiting/, 'jobs in backoff through their partial index');
});

test('status counts the steps waiting for an unplugged drive or iCloud from the parked index alone, no photo read', () => {
  const db = seeded();
  // A drive's photos away (and iCloud placeholders): their steps parked; others in a retry
  // backoff; a read-only folder's steps parked too, but they wait for the folder, not a drive.
  db.prepare(`UPDATE files SET state = 'offline' WHERE id <= 550`).run();
  db.prepare(`UPDATE files SET state = 'cloud' WHERE id BETWEEN 551 AND 600`).run();
  const parkedJob = db.prepare(`SELECT id FROM jobs WHERE file_id = ?`).pluck();
  for (let f = 1; f <= 600; f++) park(db, parkedJob.get(f) as number, Date.now() + 86_400_000);
  for (let f = 601; f <= 605; f++) park(db, parkedJob.get(f) as number, Date.now() + 86_400_000, Date.now(), { code: 'FOLDER_READ_ONLY', message: 'read-only' });
  db.prepare(`UPDATE jobs SET run_after = ? WHERE file_id BETWEEN 1001 AND 1010`).run(Date.now() + 60_000);
  db.exec('ANALYZE');
  const sqls = captured(db, () => assert.deepEqual([readStatus(db).queue.waiting, readStatus(db).queue.away], [615, 600]));
  const away = sqls.find((sql) => sql.includes('jobs_parked'));
  assert.ok(away, sqls.join('\n'));
  const p = plan(db, away).join('\n');
  assert.match(p, /USING COVERING INDEX jobs_parked/, p);
  assert.doesNotMatch(p, /files|SCAN jobs\b(?!.*USING)/, p);
});

test('a first import (every job pending, one pass, one priority) still claims through the claim index, never walking the queue', () => {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  for (let i = 1; i <= 400; i++) f.run(i, `/l/${i}.jpg`);
  for (let i = 1; i <= 400; i++) enqueue(db, i, 'scan', 'k', 3);
  // The statistics such a queue gives (PRAGMA optimize runs at open and during imports): the
  // claim index's leading columns look unselective, and jobs_waiting as good.
  db.exec('ANALYZE');
  const sqls = captured(db, () => {
    claim(db, ['scan', 'metadata'], 'w', 1000, 5);
    claimForFile(db, 3, ['scan', 'metadata'], 'w', 1000, 5);
  });
  // claim: its pick, then the leasing UPDATE of that row; claimForFile: an EXISTS probe first, then
  // its pick and the same UPDATE.
  assert.deepEqual(sqls.map((sql) => sql.split(' ')[0]), ['SELECT', 'UPDATE', 'SELECT', 'SELECT']);
  for (const sql of sqls) {
    const p = plan(db, sql).join('\n');
    assert.doesNotMatch(p, /jobs_waiting/, `the backoff index walks every pending job:\n${sql}\n${p}`);
    if (sql.startsWith('SELECT')) assert.match(p, /jobs_claim \(state=\? AND pass=\?/, `the claim index with the pass:\n${sql}\n${p}`);
    else assert.match(p, /^SEARCH j USING INTEGER PRIMARY KEY \(rowid=\?\)/m, `the lease by the picked id:\n${sql}\n${p}`);
  }
  // The lease when another process took the picked row: the pick inside the UPDATE, same index.
  const fallback = `UPDATE jobs AS j SET state = 'leased' WHERE j.id = (${sqls[0]!})`;
  assert.match(plan(db, fallback).join('\n'), /jobs_claim \(state=\? AND pass=\?/);
});

test("the daemon's start asks whether the library has towns from the places_city index, never the table", () => {
  const db = seeded();
  const p = db.prepare(`INSERT INTO places (file_id, city, country_code) VALUES (?, ?, 'IT')`);
  for (let i = 1; i <= 2000; i++) p.run(i, i % 4 ? null : `Town ${i % 50}`);
  db.exec('ANALYZE');
  assert.equal(hasTowns(db), true);
  const sqls = captured(db, () => hasTowns(db));
  assert.equal(sqls.length, 1);
  assert.deepEqual(plan(db, sqls[0]!), ['SCAN places USING COVERING INDEX places_city']);
  db.exec('DELETE FROM places WHERE city IS NOT NULL');
  assert.equal(hasTowns(db), false);
});
