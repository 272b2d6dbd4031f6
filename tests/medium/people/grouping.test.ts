import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../../../src/people/neighbours.js';
import {
  attachNewFaces,
  ignorePerson,
  listPeople,
  markNotFace,
  mergePeople,
  moveFace,
  namePerson,
  peopleInFile,
  personForFace,
  regroupAll,
  removeFace,
  suggestionsFor,
  undoLast,
} from '../../../src/people/index.js';
import { isDaemonError } from '../../../src/errors/index.js';
import type { WritableDb } from '../../../src/store/db.js';
import { addFace, addPhoto, near, openPeopleDb, personOf, unit } from './people-db.js';

const D = 128;
const opts = { manifest: null, embedder: 'test-embedder' } as const;

function writebackJobs(db: WritableDb): number[] {
  return (db.prepare(`SELECT file_id FROM jobs WHERE pass = 'writeback' ORDER BY file_id`).all() as { file_id: number }[]).map((r) => r.file_id);
}

describe('people grouping and actions on a real database', () => {
  let db: WritableDb;
  let close: () => void;
  const rand = rng(42);
  let centres: Float32Array[];
  let photoNo = 0;
  /** One photo per call with one face per identity given; returns the face ids. */
  const photo = (...identities: number[]) => {
    const file = addPhoto(db, `p${photoNo++}.jpg`);
    return identities.map((id) => addFace(db, { fileId: file, vector: near(centres[id]!, 0.7, rand) }));
  };

  beforeEach(() => {
    ({ db, close } = openPeopleDb());
    centres = Array.from({ length: 6 }, () => unit(D, rand));
    photoNo = 0;
  });
  afterEach(() => close());

  test('regroupAll forms one group per person, never two faces of one photo together', async () => {
    const a = [...photo(0), ...photo(0), ...photo(0)];
    const b = [...photo(1), ...photo(1)];
    const lone = photo(2);
    // A photo with two near-identical faces (a reflection, a twin): cannot-link keeps them apart.
    const file = addPhoto(db, 'twins.jpg');
    const v = near(centres[3]!, 0.3, rand);
    const t1 = addFace(db, { fileId: file, vector: v });
    const t2 = addFace(db, { fileId: file, vector: near(v, 0.1, rand) });
    const r = await regroupAll(db, opts);
    assert.equal(r.faces, 8);
    assert.ok(a.every((f) => personOf(db, f) === personOf(db, a[0]!)) && personOf(db, a[0]!) !== null);
    assert.ok(b.every((f) => personOf(db, f) === personOf(db, b[0]!)) && personOf(db, b[0]!) !== null);
    assert.notEqual(personOf(db, a[0]!), personOf(db, b[0]!));
    assert.equal(personOf(db, lone[0]!), null);
    assert.ok(personOf(db, t1) === null || personOf(db, t1) !== personOf(db, t2));
    const listing = listPeople(db);
    assert.deepEqual(listing.unassigned.includes(lone[0]!), true);
    assert.equal(listing.persons.length, 2);
    assert.equal(listing.persons[0]!.faces.length, 3);
    assert.equal(listing.persons[0]!.photoCount, 3);
    assert.ok(listing.persons[0]!.representative);
  });

  test('stability: names stay, new photos attach to the named people, nothing renumbers', async () => {
    for (let i = 0; i < 3; i++) photo(0, 1);
    photo(2);
    photo(2);
    await regroupAll(db, opts);
    const alice = personOf(db, 1)!;
    const bob = personOf(db, 2)!;
    const carolGroup = personOf(db, 7)!;
    namePerson(db, alice, 'Alice');
    namePerson(db, String(bob), 'Bob');
    // New photos arrive: the incremental attach puts them on Alice and Bob straight away.
    const fresh = [...photo(0, 1), ...photo(0), ...photo(3), ...photo(3)];
    const attach = attachNewFaces(db, fresh, opts);
    assert.equal(personOf(db, fresh[0]!), alice);
    assert.equal(personOf(db, fresh[1]!), bob);
    assert.equal(personOf(db, fresh[2]!), alice);
    assert.deepEqual(attach.left.sort(), [fresh[3]!, fresh[4]!].sort());
    assert.ok(writebackJobs(db).length > 0, 'attaching to a named person queues writeback');
    // Full re-run twice: same ids, same names, the new person becomes a group, Carol's group keeps its id.
    const r1 = await regroupAll(db, opts);
    const snapshot = listPeople(db).persons.map((p) => [p.id, p.name, p.faces.map((f) => f.id)]);
    const r2 = await regroupAll(db, opts);
    assert.deepEqual(listPeople(db).persons.map((p) => [p.id, p.name, p.faces.map((f) => f.id)]), snapshot);
    assert.equal(r1.groups.created, 1);
    assert.equal(r2.groups.created, 0);
    assert.equal(personOf(db, 7), carolGroup);
    const people = listPeople(db).persons;
    assert.deepEqual(people.filter((p) => p.name).map((p) => [p.id, p.name, p.faceCount]), [
      [alice, 'Alice', 5],
      [bob, 'Bob', 4],
    ]);
    assert.equal(personOf(db, fresh[3]!), personOf(db, fresh[4]!));
    assert.notEqual(personOf(db, fresh[3]!), null);
  });

  test('naming joins a person of that name; suggestions rank the right person first', async () => {
    for (let i = 0; i < 3; i++) photo(0);
    await regroupAll(db, opts);
    const g1 = personOf(db, 1)!;
    namePerson(db, g1, 'Alice');
    // A second group of Alice (e.g. made before a threshold change): suggestion, then join by name.
    const later = [...photo(4), ...photo(4)];
    await regroupAll(db, opts);
    const g2 = personOf(db, later[0]!)!;
    assert.notEqual(g2, g1);
    assert.deepEqual(suggestionsFor(db, g2, { thresholds: { suggest: -1, attach: 2 } }).map((s) => s.name), ['Alice']);
    const r = namePerson(db, g2, 'alice');
    assert.equal(r.personId, g1);
    assert.equal(personOf(db, later[0]!), g1);
    assert.equal(listPeople(db).persons.find((p) => p.id === g2), undefined);
  });

  test('remove-face is remembered by every re-run; move-face, merge, ignore, not-face, undo', async () => {
    for (let i = 0; i < 4; i++) photo(0);
    for (let i = 0; i < 2; i++) photo(1);
    await regroupAll(db, opts);
    const alice = personOf(db, 1)!;
    const other = personOf(db, 5)!;
    namePerson(db, alice, 'Alice');
    const jobsBefore = writebackJobs(db).length;
    assert.equal(jobsBefore, 4, 'naming queues writeback for each of her photos');

    removeFace(db, 4);
    assert.equal(personOf(db, 4), null);
    await regroupAll(db, opts);
    assert.notEqual(personOf(db, 4), alice, 'a removed face never goes back to that person');
    attachNewFaces(db, [4], opts);
    assert.notEqual(personOf(db, 4), alice);

    // Move face 5 (of the other group) to Alice: confirmed, rejected for its old group.
    moveFace(db, 5, 'Alice');
    assert.deepEqual(personForFace(db, 5), { personId: alice, name: 'Alice', ignored: false, source: 'user', confirmed: true, similarity: null, notFace: false });
    // Cannot-link: merging two persons that share a photo is refused.
    const f = addPhoto(db, 'both.jpg');
    const x = addFace(db, { fileId: f, vector: near(centres[0]!, 0.7, rand) });
    const y = addFace(db, { fileId: f, vector: near(centres[1]!, 0.7, rand) });
    moveFace(db, x, alice);
    moveFace(db, y, other);
    assert.throws(() => mergePeople(db, other, alice), (e: unknown) => isDaemonError(e) && e.code === 'PERSON_CONFLICT');
    // Moving y into Alice would put two faces of one photo in her: x is confirmed, so refused.
    assert.throws(() => moveFace(db, y, alice), (e: unknown) => isDaemonError(e) && e.code === 'PERSON_CONFLICT');

    // Not a face: out of everything, survives a re-run.
    markNotFace(db, 2);
    await regroupAll(db, opts);
    assert.equal(personOf(db, 2), null);
    assert.ok(!listPeople(db).unassigned.includes(2));
    assert.deepEqual(personForFace(db, 2), { notFace: true });

    // Undo walks back: not-face, then the two moves.
    undoLast(db);
    assert.equal(personOf(db, 2), alice, 'undo puts the face back where it was');
    undoLast(db);
    assert.notEqual(personOf(db, y), other);
    undoLast(db);
    assert.equal(personOf(db, x), null);

    // Ignore keeps a group out of the default listing and out of names in photos.
    ignorePerson(db, other);
    assert.equal(listPeople(db).persons.some((p) => p.id === other), false);
    assert.equal(listPeople(db, { includeIgnored: true }).persons.some((p) => p.id === other && p.ignored), true);
    undoLast(db);
    assert.equal(listPeople(db).persons.some((p) => p.id === other), true);

    // Merge keeps the named person's id and name.
    const ghost = photo(5)[0]!;
    moveFace(db, ghost, 'Ghost');
    const ghostId = personOf(db, ghost)!;
    const m = mergePeople(db, alice, ghostId); // named both: `into` survives
    assert.equal(m.personId, ghostId);
    undoLast(db);
    assert.equal(personOf(db, 1), alice);
    assert.equal(listPeople(db).persons.find((p) => p.id === alice)?.name, 'Alice');
    assert.ok(peopleInFile(db, 1).some((p) => p.name === 'Alice'));
  });

  test('names in XMP regions are imported as confirmed; decisions survive the faces pass replacing faces', async () => {
    const file = addPhoto(db, 'tagged.jpg');
    // Region as the metadata pass stores it: centre + size, stored orientation.
    db.prepare(`INSERT INTO metadata (file_id, regions, people, read_at) VALUES (?, ?, ?, ?)`).run(
      file,
      JSON.stringify([{ name: 'Marie Curie', type: 'Face', x: 0.4, y: 0.3, w: 0.12, h: 0.2 }]),
      JSON.stringify(['Marie Curie']),
      Date.now(),
    );
    const marie = addFace(db, { fileId: file, vector: near(centres[0]!, 0.7, rand), stored: [0.345, 0.21, 0.11, 0.18] });
    const someone = addFace(db, { fileId: file, vector: near(centres[1]!, 0.7, rand), stored: [0.7, 0.2, 0.1, 0.2] });
    const r = attachNewFaces(db, [marie, someone], opts);
    assert.deepEqual(r.imported.map((i) => [i.faceId, i.name, i.how]), [[marie, 'Marie Curie', 'region']]);
    assert.equal(personForFace(db, marie) && 'source' in personForFace(db, marie)! ? (personForFace(db, marie) as { source: string }).source : null, 'import');
    const mariePerson = personOf(db, marie)!;
    markNotFace(db, someone);
    // The faces pass runs again (new model): rows replaced, ids change, boxes nearly the same.
    db.prepare('DELETE FROM faces WHERE file_id = ?').run(file);
    const m2 = addFace(db, { fileId: file, vector: near(centres[0]!, 0.7, rand), stored: [0.347, 0.212, 0.108, 0.18] });
    const s2 = addFace(db, { fileId: file, vector: near(centres[1]!, 0.7, rand), stored: [0.7, 0.2, 0.1, 0.2] });
    const again = attachNewFaces(db, [m2, s2], opts);
    assert.equal(personOf(db, m2), mariePerson);
    assert.deepEqual(personForFace(db, s2), { notFace: true });
    assert.equal(again.recalled.length, 2);
  });
});
