import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { rng } from '../../../src/people/neighbours.js';
import { openDb } from '../../../src/store/db.js';
import { cli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/fixtures.js';
import { addFace, addPhoto, near, unit } from './people-db.js';

describe('rawlight people (CLI)', () => {
  let home: string;
  let cleanup: () => void;
  before(() => {
    ({ dir: home, cleanup } = tempDir('rawlight-people-cli-'));
    const { db } = openDb(path.join(home, 'rawlight.db'));
    const rand = rng(5);
    const a = unit(64, rand);
    const b = unit(64, rand);
    for (let i = 0; i < 3; i++) addFace(db, { fileId: addPhoto(db, `a${i}.jpg`), vector: near(a, 0.6, rand) });
    for (let i = 0; i < 2; i++) addFace(db, { fileId: addPhoto(db, `b${i}.jpg`), vector: near(b, 0.6, rand) });
    addFace(db, { fileId: addPhoto(db, 'alone.jpg'), vector: unit(64, rand) });
    db.close();
  });
  after(() => cleanup());

  test('regroup, list as JSON (the contract shape), name, undo', async () => {
    const r = await cli(home, ['people', 'regroup', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json<{ faces: number }>().faces, 6);
    const list = await cli(home, ['people', '--json']);
    const j = list.json<{ persons: { id: number; name: string | null; faces: { id: number; path: string; box: unknown }[] }[]; unassigned: number[] }>();
    assert.equal(j.persons.length, 2);
    assert.deepEqual(j.unassigned, [6]);
    const big = j.persons.find((p) => p.faces.length === 3)!;
    assert.equal(big.name, null);
    assert.deepEqual(Object.keys(big.faces[0]!).filter((k) => ['id', 'path', 'box'].includes(k)).sort(), ['box', 'id', 'path']);
    assert.equal(big.faces[0]!.path, '/lib/a0.jpg');

    const named = await cli(home, ['people', 'name', String(big.id), 'Ada Lovelace']);
    assert.equal(named.code, 0, named.stderr);
    assert.match(named.stdout, /3 photo\(s\) queued/);
    const after1 = (await cli(home, ['people', '--json'])).json<{ persons: { id: number; name: string | null }[] }>();
    assert.equal(after1.persons.find((p) => p.id === big.id)!.name, 'Ada Lovelace');
    const text = await cli(home, ['people']);
    assert.match(text.stdout, /Ada Lovelace/);

    assert.equal((await cli(home, ['people', 'undo'])).code, 0);
    const after2 = (await cli(home, ['people', '--json'])).json<{ persons: { id: number; name: string | null }[] }>();
    assert.equal(after2.persons.find((p) => p.id === big.id)!.name, null);
  });

  test('merging two named people says which name is gone and how to undo it; a person with itself says that', async () => {
    const groups = (await cli(home, ['people', '--json'])).json<{ persons: { id: number; faces: unknown[] }[] }>().persons;
    const [a, b] = [groups.find((p) => p.faces.length === 3)!.id, groups.find((p) => p.faces.length === 2)!.id];
    assert.equal((await cli(home, ['people', 'name', String(a), 'Ada Lovelace'])).code, 0);
    assert.equal((await cli(home, ['people', 'name', String(b), 'Grace Hopper'])).code, 0);
    const m = await cli(home, ['people', 'merge', String(b), String(a)]);
    assert.equal(m.code, 0, m.stderr);
    assert.match(m.stdout, new RegExp(`^merge done \\(person ${a}, "Ada Lovelace"\\), action #\\d+; 5 photo\\(s\\) queued for XMP writeback\\.$`, 'm'));
    assert.match(m.stdout, /^"Grace Hopper" is no longer a person: those faces are "Ada Lovelace" now\.$/m);
    assert.match(m.stdout, /^`rawlight people undo` reverts it\.$/m);
    const self = await cli(home, ['people', 'merge', String(a), String(a)]);
    assert.equal(self.code, 1);
    assert.match(self.stderr, /cannot merge a person with itself \[PERSON_CONFLICT\]/);
    assert.doesNotMatch(self.stderr, /Two faces of one photo/, 'the summary fits every conflict');
    const undo = await cli(home, ['people', 'undo']);
    assert.match(undo.stdout, /^undo done \(merge #\d+ reverted\), action #\d+; 5 photo\(s\) queued for XMP writeback\.$/m);
    for (let i = 0; i < 2; i++) assert.equal((await cli(home, ['people', 'undo'])).code, 0);
    const back = (await cli(home, ['people', '--json'])).json<{ persons: { id: number; name: string | null }[] }>().persons;
    assert.deepEqual(back.map((p) => p.name), [null, null]);
  });

  test('errors carry codes: unknown person, nothing to undo, bad usage', async () => {
    const r = await cli(home, ['people', 'merge', '999', '1']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr + r.stdout, /PERSON_NOT_FOUND|No such person/);
    const n = await cli(home, ['people', 'undo']);
    assert.notEqual(n.code, 0);
    assert.match(n.stderr + n.stdout, /NOTHING_TO_UNDO|no people action to undo/);
    const u = await cli(home, ['people', 'frobnicate']);
    assert.equal(u.code, 64);
  });
});
