import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { GroupingTrigger } from '../../../src/people/grouping-trigger.js';
import { rng } from '../../../src/people/neighbours.js';
import { listPeople, moveFace, namePerson, regroupAll } from '../../../src/people/index.js';
import { openDb } from '../../../src/store/db.js';
import { addFace, addPhoto, near, openPeopleDb, personOf, unit } from './people-db.js';

const opts = { manifest: null, embedder: 'test-embedder' } as const;

/**
 * Race: the daemon's incremental grouping runs while the user names a group and moves a face
 * from another process (the CLI, its own connection to the same file). The grouping read its
 * snapshot first and writes last; the user's decisions must survive it.
 */
test('incremental grouping racing a user naming and moving faces from another connection', async () => {
  const { db, dir, close } = openPeopleDb();
  const cli = openDb(path.join(dir, 'rawlight.db')).db;
  try {
    const rand = rng(7);
    const [a, b] = [unit(128, rand), unit(128, rand)];
    const facesA = Array.from({ length: 4 }, (_, i) => addFace(db, { fileId: addPhoto(db, `a${i}.jpg`), vector: near(a, 0.6, rand) }));
    const facesB = Array.from({ length: 3 }, (_, i) => addFace(db, { fileId: addPhoto(db, `b${i}.jpg`), vector: near(b, 0.6, rand) }));
    await regroupAll(db, opts);
    const groupA = personOf(db, facesA[0]!)!;
    const groupB = personOf(db, facesB[0]!)!;
    assert.ok(groupA && groupB && groupA !== groupB);
    // New photos of A arrive; the trigger's run starts and reads its snapshot…
    const newA = Array.from({ length: 3 }, (_, i) => addFace(db, { fileId: addPhoto(db, `a-new${i}.jpg`), vector: near(a, 0.6, rand) }));
    const trigger = new GroupingTrigger({ run: () => regroupAll(db, opts) });
    trigger.facesLeft(newA.length);
    const running = trigger.flush();
    assert.equal(trigger.busy, true, 'the run is under way');
    // …while the user, in another process, names A and says one of A's faces is really B.
    namePerson(cli, groupA, 'Ada Lovelace');
    moveFace(cli, facesA[3]!, groupB);
    await running;
    const persons = listPeople(db).persons;
    const ada = persons.find((p) => p.name === 'Ada Lovelace');
    assert.ok(ada, 'the name survives the grouping run');
    assert.equal(ada.id, groupA, 'and stays on the same person');
    assert.equal(personOf(db, facesA[3]!), groupB, 'the moved face stays where the user put it');
    for (const f of facesA.slice(0, 3)) assert.equal(personOf(db, f), groupA);
    // The next run (nightly or the next trigger) attaches the new faces to Ada.
    await trigger.runNow();
    for (const f of newA) assert.equal(personOf(db, f), groupA, `new face ${f} joins Ada`);
    assert.notEqual(personOf(db, facesA[3]!), groupA, 'the rejection is kept: never put back');
  } finally {
    cli.close();
    close();
  }
});
