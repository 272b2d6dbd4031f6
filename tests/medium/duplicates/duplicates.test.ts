import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DuplicateGroup } from '../../../src/duplicates/find-duplicates.js';
import { cli } from '../../helpers/cli.js';
import { MODELS, tempDir } from '../../helpers/fixtures.js';
import { buildLibrary, type Variants } from './dup-library.js';

function listFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath, e.name);
    const st = statSync(p);
    out.set(p, `${st.size}:${st.mtimeMs}`);
  }
  return out;
}

describe('rawlight duplicates on every fixture plus copies made from them', () => {
  let t: { dir: string; cleanup: () => void };
  let home: string;
  let lib: string;
  let v: Variants;
  let groups: DuplicateGroup[];
  let confirmedBy: string;
  let before_: Map<string, string>;
  const env = () => ({ RAWLIGHT_MODELS: MODELS });

  before(async () => {
    t = tempDir('rawlight-dupes-');
    ({ home, lib, v } = await buildLibrary(t.dir));
    before_ = listFiles(lib);
    const r = await cli(home, ['duplicates', '--json'], env());
    assert.equal(r.code, 0, r.stderr);
    ({ groups, confirmedBy } = r.json<{ groups: DuplicateGroup[]; confirmedBy: string }>());
  });
  after(() => t?.cleanup());

  const groupOf = (file: string) => groups.find((g) => g.files.includes(file));

  test('byte copies are an exact group; the original is kept over "eagle copy"', () => {
    const g = groups.find((x) => x.kind === 'exact' && x.files.includes(v.eagle));
    assert.ok(g, JSON.stringify(groups.map((x) => x.files)));
    assert.deepEqual([...g.files].sort(), [v.eagle, v.eagleByteCopy].sort());
    assert.equal(g.keep, v.eagle);
  });

  test('re-encoded, resized and slightly cropped copies are one near group, confirmed by the classifier; the full-size original is kept', () => {
    assert.equal(confirmedBy, 'classifier');
    const g = groupOf(v.eagleHalf);
    assert.equal(g?.kind, 'near', JSON.stringify(g));
    for (const f of [v.eagle, v.eagleReencoded, v.eagleHalf, v.eagleCropped]) assert.ok(g!.files.includes(f), `${path.basename(f)} missing: ${g!.files.join(', ')}`);
    assert.ok(!g!.files.includes(v.eagleByteCopy), 'a byte copy stays in its exact group');
    assert.equal(g!.keep, v.eagle);
  });

  test('a softer copy loses on sharpness (variance of the Laplacian)', () => {
    const g = groupOf(v.horsesBlurred);
    assert.equal(g?.kind, 'near');
    assert.deepEqual([...g!.files].sort(), [v.horses, v.horsesBlurred].sort());
    assert.equal(g!.keep, v.horses);
    const m = new Map(g!.measured.map((x) => [x.path, x]));
    assert.ok(m.get(v.horses)!.sharpness! > 5 * m.get(v.horsesBlurred)!.sharpness!, JSON.stringify(g!.measured));
  });

  test('an iPhone original beside its edit, and a photo re-saved with other metadata, are near duplicates', () => {
    assert.deepEqual([...(groupOf(v.iphoneEdit)?.files ?? [])].sort(), [v.iphoneOriginal, v.iphoneEdit].sort());
    assert.equal(groupOf(v.iphoneEdit)!.kind, 'near');
    assert.deepEqual([...(groupOf(v.pug)?.files ?? [])].sort(), [v.pug, v.pug1919].sort());
  });

  test('three frames of one camera a second apart are a burst; the frame 5 s later is not', () => {
    const g = groupOf(v.burst[0]!);
    assert.equal(g?.kind, 'burst', JSON.stringify(g));
    assert.deepEqual([...g!.files].sort(), [...v.burst].sort());
    assert.ok(v.burst.includes(g!.keep));
    assert.equal(groupOf(v.afterBurst), undefined);
  });

  test('precision: across all fixtures no unrelated photos are grouped', () => {
    const F = (rel: string) => path.join(lib, 'photos', rel);
    // Every set of files that may share a group (the fixtures say curie_portrait-orientation-6 is
    // curie_portrait stored rotated).
    const related = [
      [v.eagle, v.eagleByteCopy, v.eagleReencoded, v.eagleHalf, v.eagleCropped],
      [v.horses, v.horsesBlurred],
      [v.iphoneOriginal, v.iphoneEdit],
      [v.pug, v.pug1919],
      v.burst,
      [F('people/curie_portrait.jpg'), F('people/curie_portrait-orientation-6.jpg')],
    ];
    for (const g of groups) {
      const family = related.find((r) => r.includes(g.files[0]!));
      assert.ok(family, `unexpected group ${g.kind}: ${g.files.join(', ')}`);
      for (const f of g.files) assert.ok(family.includes(f), `${g.kind} group mixes unrelated photos: ${g.files.join(', ')}`);
    }
  });

  test('nothing in the library was deleted, moved or written', () => {
    assert.deepEqual(listFiles(lib), before_);
  });

  test('without any embedding model only near-identical hashes group (the crop waits for a model)', async () => {
    const empty = path.join(t.dir, 'no-models');
    mkdirSync(empty, { recursive: true });
    const r = await cli(home, ['duplicates', '--json'], { RAWLIGHT_MODELS: empty });
    assert.equal(r.code, 0, r.stderr);
    const out = r.json<{ groups: DuplicateGroup[]; confirmedBy: string }>();
    assert.equal(out.confirmedBy, 'hash');
    const g = out.groups.find((x) => x.files.includes(v.eagleHalf));
    assert.ok(g && g.files.includes(v.eagle) && !g.files.includes(v.eagleCropped), JSON.stringify(g));
  });

  test('a file gone since indexing drops out; a cleared preview cache still gives groups; text output marks keep', async () => {
    const db = new Database(path.join(home, 'rawlight.db'));
    try {
      db.prepare("UPDATE files SET state = 'gone' WHERE path = ?").run(v.eagleHalf);
      const p = db.prepare('SELECT p.path FROM previews p JOIN files f ON f.id = p.file_id WHERE f.path = ?').get(v.horsesBlurred) as { path: string };
      rmSync(path.join(home, 'cache', p.path));
    } finally {
      db.close();
    }
    const r = await cli(home, ['duplicates', '--json'], env());
    assert.equal(r.code, 0, r.stderr);
    const gs = r.json<{ groups: DuplicateGroup[] }>().groups;
    assert.ok(!gs.some((g) => g.files.includes(v.eagleHalf)));
    const horses = gs.find((g) => g.files.includes(v.horsesBlurred));
    assert.equal(horses?.keep, v.horses, 'measured without the missing preview: the other wins');
    const text = await cli(home, ['duplicates'], env());
    assert.match(text.stdout, new RegExp(`keep  ${v.horses.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});
