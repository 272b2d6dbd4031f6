import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bcubed, mixedClusters } from '../../../src/people/evaluate.js';
import { cli } from '../../helpers/cli.js';
import { copyFixtures, FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';
import { exiv2List, exiv2Props } from '../xmp/readers.js';

interface PeopleJson {
  persons: { id: number; name: string | null; faces: { id: number; path: string }[] }[];
  unassigned: number[];
}

const labels = JSON.parse(readFileSync(path.join(FIXTURES, 'photos', 'labels.json'), 'utf8')).files as Record<string, { people: string[] }>;

/** `rawlight index` of a copy of photos/people with the faces pass on (and writeback, if asked), then `rawlight people`. */
async function indexPeople(dir: string, writeback: boolean): Promise<{ lib: string; home: string; people: PeopleJson }> {
  const lib = path.join(dir, 'lib');
  const home = path.join(dir, 'home');
  copyFixtures(lib, ['photos/people']);
  // Only what faces need: the other ML passes would just cost time here.
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: MODELS, passes: { embed: false, tags: false, places: false, writeback, ocr: false } }));
  const r = await cli(home, ['index', lib, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const p = await cli(home, ['people', '--json']);
  assert.equal(p.code, 0, p.stderr);
  return { lib, home, people: p.json<PeopleJson>() };
}

/**
 * The first hour: a new user indexes the people photos and runs nothing else. The faces that fit
 * no known person must be grouped before `rawlight index` exits (no `people regroup`, no nightly job).
 */
describe('rawlight index groups new faces into people before it exits', { timeout: 300_000 }, () => {
  const t = tempDir('rawlight-index-groups-');
  let lib: string;
  let home: string;
  let people: PeopleJson;

  before(async () => {
    ({ lib, home, people } = await indexPeople(t.dir, false));
  });
  after(() => t.cleanup());

  test('unnamed groups exist, and they match the labels (BCubed on one-person photos)', () => {
    const groups = people.persons.filter((p) => p.name === null);
    assert.ok(groups.length >= 4, `only ${groups.length} unnamed groups after index: ${JSON.stringify(people.persons.map((p) => [p.name, p.faces.length]))}`);
    // Label = the photo's one named person when the photo holds exactly one face.
    const facesOfPhoto = new Map<string, number>();
    const all: { id: number; photo: string; group: number | null }[] = [];
    for (const p of people.persons) for (const f of p.faces) all.push({ id: f.id, photo: path.relative(path.join(lib, 'photos'), f.path), group: p.id });
    for (const f of all) facesOfPhoto.set(f.photo, (facesOfPhoto.get(f.photo) ?? 0) + 1);
    const labelled = all.filter((f) => labels[f.photo]?.people.length === 1 && facesOfPhoto.get(f.photo) === 1);
    assert.ok(labelled.length >= 12, `${labelled.length} labelled faces in groups`);
    const clusters = labelled.map((f) => f.group);
    const truth = labelled.map((f) => labels[f.photo]!.people[0]!);
    const b = bcubed(clusters, truth);
    console.log(`after index alone: ${people.persons.length} people/groups, ${people.unassigned.length} faces unassigned; BCubed on ${b.items} faces: precision ${b.precision.toFixed(3)} recall ${b.recall.toFixed(3)}`);
    assert.ok(b.precision >= 0.95, `precision ${b.precision}`);
    assert.ok(b.recall >= 0.9, `recall ${b.recall}`);
    assert.deepEqual(mixedClusters(clusters, truth), []);
  });

  test('the Curie names from XMP stay names (import is not undone by grouping)', () => {
    const marie = people.persons.find((p) => p.name === 'Marie Curie');
    assert.ok(marie, 'Marie Curie imported');
    assert.equal(marie.faces.length, 2);
  });

  test('show says whom each face is, with the ids the people commands take', async () => {
    const photo = path.join(lib, 'photos/people/obama_and_biden_1.jpg');
    const faces = (await cli(home, ['show', photo, '--json'])).json<{ faces: { id: number; assignment: { personId: number; name: string | null } | null }[] }>().faces;
    assert.equal(faces.length, 2);
    const grouped = faces.filter((f) => f.assignment && f.assignment.name === null);
    assert.ok(grouped.length >= 1, `the index grouped the faces: ${JSON.stringify(faces.map((f) => f.assignment))}`);
    const text = (await cli(home, ['show', photo])).stdout;
    assert.match(text, /\n  faces: 2\n/);
    for (const f of grouped) assert.match(text, new RegExp(`\n    face ${f.id}: unnamed group ${f.assignment!.personId} \\(\`rawlight people name ${f.assignment!.personId} "Name"\` names it\\)\n`));
    const g = grouped[0]!;
    assert.equal((await cli(home, ['people', 'name', String(g.assignment!.personId), 'Barack Obama'])).code, 0);
    assert.match((await cli(home, ['show', photo])).stdout, new RegExp(`\n    face ${g.id}: Barack Obama( \\(grouped by rawlight[^)]*\\))?\n`));
    // The listing names a photo of each unnamed group: the only way to tell who a group is.
    const listing = (await cli(home, ['people'])).stdout;
    const unnamed = listing.split('\n').filter((l) => l.includes('(unnamed group)'));
    assert.ok(unnamed.length >= 3, listing);
    for (const l of unnamed) {
      const example = / {2}e\.g\. face \d+ in (\/.+)$/.exec(l)?.[1];
      assert.ok(example && existsSync(example), `a photo of the group: ${l}`);
    }
    const curie = (await cli(home, ['show', path.join(lib, 'photos/people/curie_portrait.jpg')])).stdout;
    assert.match(curie, /\n    face \d+: Marie Curie\n/, 'a name from the XMP the photo came with');
  });
});

/**
 * A face that fits no known person while it is indexed (alex_lacamoire_1.jpg comes before
 * alex_lacamoire_2.jpg, whose XMP names Alex Lacamoire) joins the named person when `index` groups
 * the new faces at its end. That queues the photo's writeback: it must run before `index` exits,
 * not at the daemon's next start, or the name is missing from the XMP of a user who ran `index`.
 */
describe('rawlight index writes the names its final grouping gave before it exits', { timeout: 300_000 }, () => {
  const t = tempDir('rawlight-index-names-');
  let home: string;
  let people: PeopleJson;

  before(async () => {
    ({ home, people } = await indexPeople(t.dir, true));
  });
  after(() => t.cleanup());

  test('nothing is left queued when index returns', () => {
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      const left = db.prepare(`SELECT f.path, j.pass, j.state FROM jobs j JOIN files f ON f.id = j.file_id WHERE j.state IN ('pending', 'leased')`).all();
      assert.deepEqual(left, []);
    } finally {
      db.close();
    }
  });

  test('every photo of a named person has the name in its XMP (exiv2), the one grouping named too', async () => {
    const named = people.persons.filter((p) => p.name !== null);
    const alex = named.find((p) => p.name === 'Alex Lacamoire');
    assert.ok(alex, `Alex Lacamoire imported from alex_lacamoire_2.jpg: ${JSON.stringify(named.map((p) => p.name))}`);
    assert.ok(alex.faces.some((f) => path.basename(f.path) === 'alex_lacamoire_1.jpg'), `alex_lacamoire_1.jpg grouped with Alex: ${JSON.stringify(alex.faces.map((f) => path.basename(f.path)))}`);
    const missing: string[] = [];
    for (const person of named) {
      for (const face of person.faces) {
        const s = await cli(home, ['show', face.path, '--json']);
        assert.equal(s.code, 0, s.stderr);
        const target = s.json<{ xmp: { target: string } | null }>().xmp?.target;
        const names = target && existsSync(target) ? exiv2List(exiv2Props(target), 'Xmp.iptcExt.PersonInImage') : [];
        if (!names.includes(person.name!)) missing.push(`${path.basename(face.path)}: ${person.name} not in ${JSON.stringify(names)} (${target ?? 'no XMP target'})`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
