import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claim, claimForFile, complete, enqueue, fail, hasWork, nextRunAfter, park, Priority, raisePriority, requestPass, RECONSIDER_KEY, wakeFileJobs, workDue, type JobRow } from '../../../src/queue/queue.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { defaultMigrationsDir } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { captured, plan } from '../../helpers/query-plan.js';
import { dbBefore } from '../../helpers/migrations.js';

// Steps put aside for a photo that is away (an unplugged archive drive, iCloud, a read-only folder)
// stay pending for a day or until the photo is back. At their own priority every claim walked past
// them in the claim index before reaching due work: 200K parked steps made a claim 11 ms and a
// continuation's claim 46 ms, on the daemon's thread, for every step of every other photo (and an
// idle daemon walked them on each doorbell ring). Parked, they sit below every priority.

const DAY = 86_400_000;
const T = 1_000_000;

function db(files = 20): WritableDb {
  const { db } = openDb(':memory:');
  const f = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'nef', 'raw', 0, 0)`);
  for (let i = 1; i <= files; i++) f.run(i, `/l/${i}.nef`);
  return db;
}

const job = (d: WritableDb, fileId: number, pass = 'faces') => d.prepare(`SELECT * FROM jobs WHERE file_id = ? AND pass = ?`).get(fileId, pass) as JobRow;

/** Parks file's job of `pass` as the pipeline does: claimed, then put aside for a day. */
function parkedAs(d: WritableDb, fileId: number, pass = 'faces', why?: { code: string; message: string }): void {
  const j = claimForFile(d, fileId, [pass], 'w', 60_000, T)!;
  assert.ok(j, `job of file ${fileId} claimed`);
  park(d, j.id, T + DAY, T, why);
}

test('a parked step waits below all other work: due work of any priority first, then the parked step whose day is up', () => {
  const d = db();
  // An archive's steps at the user's priority (an `index` of it), parked when its drive went away.
  for (let i = 1; i <= 10; i++) enqueue(d, i, 'faces', 'k', Priority.user, T);
  for (let i = 1; i <= 10; i++) parkedAs(d, i);
  assert.equal(job(d, 1).priority, Priority.away);
  assert.equal(job(d, 1).attempts, 0, 'the attempt does not count');
  // Then the backlog of another library (newer ids, lowest priority).
  for (let i = 11; i <= 13; i++) enqueue(d, i, 'faces', 'k', Priority.backlog, T);
  assert.equal(claim(d, ['faces'], 'w', 60_000, T + 1)?.file_id, 11);
  // The parked steps' day is up: due, but after every other step still.
  const later = T + DAY + 1;
  assert.equal(claim(d, ['faces', 'tags'], 'w', 60_000, later)?.file_id, 12);
  assert.equal(claimForFile(d, 13, ['faces'], 'w', 60_000, later)?.file_id, 13, 'a due parked step never holds up a continuation');
  const looks = [claim(d, ['faces'], 'w', 60_000, later), claim(d, ['faces'], 'w', 60_000, later)];
  assert.deepEqual(looks.map((j) => j?.file_id), [1, 2], 'then the daily look at the parked ones');
  assert.equal(claim(d, ['faces'], 'w', 60_000, T + 2), undefined, 'before their day is up nothing is claimed');
});

test('claims, the doorbell, the index wait and "when next" find parked steps through their own index, never walking them', () => {
  const d = db(400);
  for (let i = 1; i <= 300; i++) enqueue(d, i, 'faces', 'k', Priority.walk, T);
  for (let i = 1; i <= 300; i++) parkedAs(d, i);
  for (let i = 301; i <= 400; i++) enqueue(d, i, i % 2 ? 'faces' : 'tags', 'k', Priority.walk, T);
  d.exec('ANALYZE');
  const sqls = captured(d, () => {
    claim(d, ['faces', 'tags'], 'w', 60_000, T + 1, ['tags']);
    claim(d, ['ocr'], 'w', 60_000, T + 1); // nothing there: the parked pick runs too
    workDue(d, ['faces'], T + 1);
    hasWork(d, ['faces'], T + 1);
    nextRunAfter(d, ['faces', 'tags']);
  });
  const plans = sqls.map((sql) => ({ sql, p: plan(d, sql).join('\n') }));
  const normal = plans.filter((x) => x.sql.includes('jobs_claim'));
  assert.ok(normal.length >= 4, sqls.join('\n'));
  for (const { sql, p } of normal) {
    // Each pass's due work is a range that ends before the parked steps (priority >= backlog).
    if (sql.includes('ORDER BY j.priority DESC')) assert.match(p, /jobs_claim \(state=\? AND pass=\? AND priority>\?\)/, p);
    else assert.match(p, /jobs_claim \(state=\? AND pass=\? AND priority>\?/, p);
  }
  const parked = plans.filter((x) => x.sql.includes('jobs_parked'));
  assert.ok(parked.length >= 4, sqls.join('\n'));
  for (const { p } of parked) assert.match(p, /jobs_parked \(pass=\?( AND run_after<\?)?\)/, p);
  for (const { sql, p } of plans) assert.doesNotMatch(p, /SCAN jobs\b(?!.* USING COVERING INDEX jobs_(claim|parked))/, `${sql}\n${p}`);
  // And what they answer.
  assert.equal(workDue(d, ['ocr'], T + 1), false);
  assert.equal(workDue(d, ['faces'], T + DAY + 1), true);
  assert.equal(nextRunAfter(d, ['ocr']), null);
  for (let i = 301; i <= 400; i++) complete(d, job(d, i, i % 2 ? 'faces' : 'tags').id);
  assert.equal(workDue(d, ['faces', 'tags'], T + 1), false, 'only parked steps left, none due');
  assert.equal(hasWork(d, ['faces', 'tags'], T + 1), false);
  assert.equal(nextRunAfter(d, ['faces', 'tags']), T + DAY);
  assert.equal(hasWork(d, ['faces'], T + DAY), true, 'due on their day');
});

test('a parked step stays parked whoever asks again, until its photo is back; woken it runs as a walk found it', () => {
  const d = db();
  enqueue(d, 1, 'faces', 'k', Priority.watch, T);
  parkedAs(d, 1);
  // The pipeline asks again for a photo that is away (a step after one that finished meanwhile).
  requestPass(d, 2, 'writeback', Priority.reconsider, T, T + DAY);
  assert.equal(job(d, 2, 'writeback').priority, Priority.away, 'a request not due before a day is parked');
  // Asked again before its day: the same key, a person named, `index` of the folder.
  enqueue(d, 1, 'faces', 'k', Priority.user, T + 5);
  requestPass(d, 2, 'writeback', Priority.reconsider, T + 5);
  raisePriority(d, [1, 2], Priority.user);
  assert.deepEqual([job(d, 1).priority, job(d, 2, 'writeback').priority], [Priority.away, Priority.away]);
  assert.deepEqual([job(d, 1).run_after, job(d, 2, 'writeback').run_after], [T + DAY, T + DAY]);
  // A retry waiting beside them, of a photo that is here.
  enqueue(d, 3, 'faces', 'k', Priority.walk, T);
  fail(d, claimForFile(d, 3, ['faces'], 'w', 60_000, T)!, { code: 'X', message: 'x' }, { maxAttempts: 3, retryBaseMs: 60_000, retryable: true }, T);
  // The drive is back: woken, due now, as a walk's find.
  assert.equal(wakeFileJobs(d, 1, T + 10), 1);
  assert.equal(wakeFileJobs(d, 2, T + 10), 1);
  assert.equal(wakeFileJobs(d, 3, T + 10), 1);
  assert.deepEqual([job(d, 1).priority, job(d, 2, 'writeback').priority, job(d, 3).priority], [Priority.walk, Priority.walk, Priority.backlog], 'a retry keeps its own');
  assert.equal(claim(d, ['faces', 'writeback'], 'w', 60_000, T + 10)?.file_id, 1);
});

test('a parked step looked at on its day and failing, or asked for again meanwhile, is backlog, not parked', () => {
  const d = db();
  enqueue(d, 1, 'faces', 'k', Priority.walk, T);
  enqueue(d, 2, 'faces', 'k', Priority.walk, T);
  parkedAs(d, 1);
  parkedAs(d, 2);
  const later = T + DAY + 1;
  const a = claimForFile(d, 1, ['faces'], 'w', 60_000, later)!;
  fail(d, a, { code: 'METADATA_UNREADABLE', message: 'x' }, { maxAttempts: 3, retryBaseMs: 1000, retryable: true }, later);
  assert.equal(job(d, 1).priority, Priority.backlog);
  const b = claimForFile(d, 2, ['faces'], 'w', 60_000, later)!;
  requestPass(d, 2, 'faces', Priority.reconsider, later); // another key: its own job
  enqueue(d, 2, 'faces', 'k', Priority.reconsider, later); // while leased: left as it is
  d.prepare(`UPDATE jobs SET requested_again = 1 WHERE id = ?`).run(b.id); // asked again while it ran
  complete(d, b.id, later);
  const again = d.prepare(`SELECT state, priority, run_after FROM jobs WHERE id = ?`).get(b.id);
  assert.deepEqual(again, { state: 'pending', priority: Priority.backlog, run_after: 0 });
  assert.equal(d.prepare(`SELECT priority FROM jobs WHERE file_id = 2 AND input_key = ?`).pluck().get(RECONSIDER_KEY), Priority.reconsider);
});

test('0240: the steps an older rawlight parked (pending a day for an away photo or a read-only folder) move below every priority; nothing else', () => {
  const { db: d, done } = dbBefore(240);
  try {
    const now = Date.now();
    const file = d.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'nef', 'raw', ?, 0, 0)`);
    const add = d.prepare(`INSERT INTO jobs (file_id, pass, input_key, state, priority, run_after, last_error_code, created_at, updated_at) VALUES (?, 'faces', 'k', ?, ?, ?, ?, 0, 0)`);
    file.run(1, '/l/1.nef', 'offline');
    file.run(2, '/l/2.nef', 'cloud');
    file.run(3, '/l/3.nef', 'present');
    file.run(4, '/l/4.nef', 'present');
    file.run(5, '/l/5.nef', 'offline');
    file.run(6, '/l/6.nef', 'present');
    add.run(1, 'pending', Priority.user, now + DAY, null); // parked: its drive away
    add.run(2, 'pending', Priority.walk, now + DAY, 'FILE_NOT_FOUND'); // parked: in iCloud
    add.run(3, 'pending', Priority.reconsider, now + DAY, 'FOLDER_READ_ONLY'); // parked: read-only folder
    add.run(4, 'pending', Priority.backlog, now + 60_000, 'EBUSY'); // a retry: stays
    add.run(5, 'pending', Priority.walk, 0, null); // due (woken already): stays
    add.run(6, 'dead', Priority.backlog, 0, 'FOLDER_READ_ONLY'); // dead: stays
    migrate(d, defaultMigrationsDir());
    assert.deepEqual(d.prepare(`SELECT file_id, priority FROM jobs ORDER BY file_id`).all(), [
      { file_id: 1, priority: Priority.away },
      { file_id: 2, priority: Priority.away },
      { file_id: 3, priority: Priority.away },
      { file_id: 4, priority: Priority.backlog },
      { file_id: 5, priority: Priority.walk },
      { file_id: 6, priority: Priority.backlog },
    ]);
  } finally {
    d.close();
    done();
  }
});
