import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bcubed, mixedClusters } from '../../../src/people/evaluate.js';
import { cli } from '../../helpers/cli.js';
import { copyFixtures, FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';

interface PeopleJson {
  persons: { id: number; name: string | null; faces: { id: number; path: string }[] }[];
  unassigned: number[];
}

const labels = JSON.parse(readFileSync(path.join(FIXTURES, 'photos', 'labels.json'), 'utf8')).files as Record<string, { people: string[] }>;

/**
 * The first hour: a new user indexes the people photos and runs nothing else. The faces that fit
 * no known person must be grouped before `rawlight index` exits (no `people regroup`, no nightly job).
 */
describe('rawlight index groups new faces into people before it exits', { timeout: 300_000 }, () => {
  const t = tempDir('rawlight-index-groups-');
  const lib = path.join(t.dir, 'lib');
  const home = path.join(t.dir, 'home');
  let people: PeopleJson;

  before(async () => {
    copyFixtures(lib, ['photos/people']);
    // Only what faces need: the other ML passes would just cost time here.
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: MODELS, passes: { embed: false, tags: false, places: false, writeback: false, ocr: false } }));
    const r = await cli(home, ['index', lib, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const p = await cli(home, ['people', '--json']);
    assert.equal(p.code, 0, p.stderr);
    people = p.json<PeopleJson>();
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
});
