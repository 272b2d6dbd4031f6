import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { rng } from '../../../src/people/neighbours.js';
import { applyRegroup, planRegroup } from '../../../src/people/grouping.js';
import { listPeople, namePerson, regroupAll, regroupInWorker } from '../../../src/people/index.js';
import { isDaemonError } from '../../../src/errors/index.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { addFace, addPhoto, near, openPeopleDb, personOf, unit } from './people-db.js';

const opts = { manifest: null, embedder: 'test-embedder' } as const;

/** Face id → person name or group shape: comparable across two databases with the same rows. */
function grouping(db: WritableDb): string[] {
  const rows = db.prepare(`SELECT f.id AS face, p.id AS person, p.name FROM faces f LEFT JOIN face_person fp ON fp.face_id = f.id LEFT JOIN persons p ON p.id = fp.person_id ORDER BY f.id`).all() as { face: number; person: number | null; name: string | null }[];
  const first = new Map<number, number>();
  return rows.map((r) => {
    if (r.person === null) return `${r.face}:-`;
    if (!first.has(r.person)) first.set(r.person, r.face);
    return `${r.face}:${r.name ?? `group of face ${first.get(r.person)}`}`;
  });
}

test('the daemon groups in a worker thread: the same people as in-process, names kept, written on the main connection', async () => {
  const { db, dir, close } = openPeopleDb();
  const copyDir = path.join(dir, 'copy');
  mkdirSync(copyDir);
  let other: WritableDb | null = null;
  try {
    const rand = rng(11);
    const centres = [unit(128, rand), unit(128, rand), unit(128, rand)];
    centres.forEach((c, k) => {
      for (let i = 0; i < 5; i++) addFace(db, { fileId: addPhoto(db, `p${k}-${i}.jpg`), vector: near(c, 0.5, rand) });
    });
    await regroupAll(db, opts);
    const firstGroup = personOf(db, 1)!;
    namePerson(db, firstGroup, 'Grace Hopper');
    // New faces of every identity arrive, then both databases are grouped from the same rows.
    centres.forEach((c, k) => {
      for (let i = 0; i < 2; i++) addFace(db, { fileId: addPhoto(db, `new${k}-${i}.jpg`), vector: near(c, 0.5, rand) });
    });
    db.pragma('wal_checkpoint(TRUNCATE)');
    copyFileSync(path.join(dir, 'rawlight.db'), path.join(copyDir, 'rawlight.db'));
    other = openDb(path.join(copyDir, 'rawlight.db')).db;

    const inProcess = await regroupAll(other, opts);
    const threaded = await regroupInWorker(db, opts);
    assert.deepEqual(grouping(db), grouping(other));
    assert.deepEqual(
      { faces: threaded.faces, attached: threaded.attached, grouped: threaded.grouped, unassigned: threaded.unassigned, groups: threaded.groups },
      { faces: inProcess.faces, attached: inProcess.attached, grouped: inProcess.grouped, unassigned: inProcess.unassigned, groups: inProcess.groups },
    );
    assert.equal(threaded.faces, 21);
    const grace = listPeople(db).persons.find((p) => p.name === 'Grace Hopper');
    assert.ok(grace && grace.id === firstGroup, 'the named person stays, with its id');
    for (let f = 16; f <= 17; f++) assert.equal(personOf(db, f), firstGroup, `new face ${f} joins Grace Hopper`);
  } finally {
    other?.close();
    close();
  }
});

test('a worker that cannot open the database fails the run with a clear error instead of hanging', async () => {
  const { dir, close } = openPeopleDb();
  const sub = path.join(dir, 'vanishing');
  mkdirSync(sub);
  const { db } = openDb(path.join(sub, 'rawlight.db'));
  try {
    addFace(db, { fileId: addPhoto(db, 'a.jpg'), vector: unit(128, rng(3)) });
    // The file is unlinked under the open connection (it keeps working); the worker cannot open it.
    rmSync(sub, { recursive: true, force: true });
    const err = await regroupInWorker(db, opts).catch((e: unknown) => e);
    assert.ok(isDaemonError(err), String(err));
    assert.match(err.message, /grouping: Cannot open database/);
    assert.equal(personOf(db, 1), null, 'nothing was written');
  } finally {
    db.close();
    close();
  }
});

test('the write goes in chunks with the event loop free between them, and skips faces deleted since the plan', async () => {
  const { db, close } = openPeopleDb();
  try {
    const rand = rng(5);
    const centres = Array.from({ length: 130 }, () => unit(64, rand));
    db.transaction(() => {
      centres.forEach((c, k) => {
        for (let i = 0; i < 20; i++) addFace(db, { fileId: addPhoto(db, `c${k}-${i}.jpg`), vector: near(c, 0.4, rand) });
      });
    })();
    const total = 130 * 20;
    const plan = (await planRegroup(db, opts))!;
    assert.equal(plan.ids.length, total);
    // The photo of face 1 is deleted after the plan read it (its faces go with it).
    db.prepare(`DELETE FROM faces WHERE id = 1`).run();
    // Another task (an API read, a pipeline step) waiting to run when the write starts.
    let writtenWhenTicked = -1;
    setImmediate(() => (writtenWhenTicked = db.prepare(`SELECT count(*) FROM face_person`).pluck().get() as number));
    const report = await applyRegroup(db, plan, opts);
    assert.ok(writtenWhenTicked > 0 && writtenWhenTicked < total - 1, `another task ran mid-write, after ${writtenWhenTicked} of ${total - 1} assignments`);
    assert.equal(report.skippedConcurrent, 1, 'the deleted face was left alone');
    assert.equal(db.prepare(`SELECT count(*) FROM face_person`).pluck().get(), report.grouped + report.attached);
    assert.ok(report.grouped > total * 0.9, `most faces grouped (${report.grouped})`);
  } finally {
    close();
  }
});
