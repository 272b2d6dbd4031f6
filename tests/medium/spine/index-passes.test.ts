// `rawlight index --passes LIST`: only the named passes and what they need first that is not done
// yet; `executed` says what ran.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { cli } from '../../helpers/cli.js';
import { copyFixtures, MODELS, tempDir } from '../../helpers/fixtures.js';
import { withPrerequisites } from '../../../src/pipeline/pass-selection.js';
import type { Pass } from '../../../src/passes/pass.js';

const t = tempDir('rawlight-passes-');
after(() => t.cleanup());
const lib = path.join(t.dir, 'lib');
const home = path.join(t.dir, 'home');
copyFixtures(lib, ['photos/gps/kenya_lizard.jpg', 'photos/scenes/prairie_falcon.jpg', 'raw/nom-exif_canon-r6.cr3']);

interface IndexJson {
  files: number;
  executed: Record<string, number>;
}

test('metadata first: scan and metadata run, nothing after them', async () => {
  const r = await cli(home, ['index', lib, '--passes', 'metadata', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.json<IndexJson>().executed, { scan: 3, metadata: 3 });
  const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
  try {
    assert.equal((db.prepare(`SELECT count(*) AS n FROM previews`).get() as { n: number }).n, 0);
    assert.equal((db.prepare(`SELECT count(*) AS n FROM jobs`).get() as { n: number }).n, 0, 'nothing left queued for passes that were not asked for');
  } finally {
    db.close();
  }
});

test('then previews: what they need is done already, so only preview runs', async () => {
  const r = await cli(home, ['index', lib, '--passes', 'preview', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.json<IndexJson>().executed, { preview: 3 });
});

test('asking again runs nothing; an unknown pass name is refused with the list of passes', async () => {
  const again = await cli(home, ['index', lib, '--passes', 'metadata,preview', '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(again.json<IndexJson>().executed, {});
  const bad = await cli(home, ['index', lib, '--passes', 'metadata,facez']);
  // A mistake in the command (exit 64, the usage line), not "the configuration file is invalid".
  assert.equal(bad.code, 64, bad.stderr);
  assert.match(bad.stderr, /^rawlight index: --passes: no pass has that name: facez; the passes are scan, metadata, preview, faces/);
  assert.match(bad.stderr, /Usage: rawlight index DIR\.\.\. \[--passes LIST\]/);
  assert.doesNotMatch(bad.stderr, /configuration/);
  // Names are not case-sensitive: "Metadata" is metadata (done already, so nothing runs).
  const cased = await cli(home, ['index', lib, '--passes', 'Metadata, PREVIEW', '--json']);
  assert.equal(cased.code, 0, cased.stderr);
  assert.deepEqual(cased.json<IndexJson>().executed, {});
  // refused before any work, and the lock was given back: the next run goes ahead
  const after = await cli(home, ['index', lib, '--passes', 'metadata', '--json']);
  assert.equal(after.code, 0, after.stderr);
});

test('a pass asked for by name but switched off in config.json is said not to run, not skipped in silence', async () => {
  const offHome = path.join(t.dir, 'off-home');
  mkdirSync(offHome, { recursive: true });
  writeFileSync(path.join(offHome, 'config.json'), JSON.stringify({ passes: { places: false } }));
  const r = await cli(offHome, ['index', lib, '--passes', 'places', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.json<IndexJson>().executed, { scan: 3, metadata: 3 });
  assert.match(r.stderr, /places is turned off in config\.json \("passes": \{ "places": false \}\): it does not run/);
  // Switched on (the default): no such line.
  const on = await cli(path.join(t.dir, 'on-home'), ['index', lib, '--passes', 'places', '--json']);
  assert.equal(on.json<IndexJson>().executed.places, 2, 'the two photos with GPS get a place');
  assert.doesNotMatch(on.stderr, /turned off/);
});

test('a pass asked for by name without the model it needs is said not to run, naming the model', async () => {
  const none = path.join(t.dir, 'no-models');
  mkdirSync(none, { recursive: true });
  const r = await cli(path.join(t.dir, 'bare-home'), ['index', lib, '--passes', 'faces,embed,tags', '--json'], { RAWLIGHT_MODELS: none });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.json<IndexJson>().executed, { scan: 3, metadata: 3, preview: 3 });
  assert.match(r.stderr, /faces needs a face detector and a face recognition model, not installed \(`rawlight models`\): it does not run/);
  assert.match(r.stderr, /embed needs a CLIP model, not installed/);
  assert.match(r.stderr, /tags needs a CLIP model or the image classifier, not installed/);
  // With the models there: faces runs and nothing is said of it.
  const ok = await cli(path.join(t.dir, 'models-home'), ['index', lib, '--passes', 'faces', '--json'], { RAWLIGHT_MODELS: MODELS });
  assert.equal(ok.json<IndexJson>().executed.faces, 3);
  assert.doesNotMatch(ok.stderr, /not installed/);
});

test('faces only, on a photo whose XMP names its faces: it returns, and the writeback the naming queued is left to the daemon', { timeout: 120_000 }, async () => {
  // Lightroom's named regions put the faces into named people, which queues the photo's writeback:
  // a pass this run does not run. It waited for that job for ever.
  const named = path.join(t.dir, 'named');
  const namedHome = path.join(t.dir, 'named-home');
  copyFixtures(named, ['photos/people/curie_portrait-orientation-6.jpg']);
  const r = await cli(namedHome, ['index', named, '--passes', 'faces', '--json'], { RAWLIGHT_MODELS: MODELS });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.json<IndexJson>().executed, { scan: 1, metadata: 1, preview: 1, faces: 1 });
  const db = new Database(path.join(namedHome, 'rawlight.db'), { readonly: true });
  try {
    assert.deepEqual(db.prepare(`SELECT pass, state FROM jobs`).all(), [{ pass: 'writeback', state: 'pending' }]);
  } finally {
    db.close();
  }
});

test('prerequisites are followed transitively and keep the chain order', () => {
  const p = (name: string, after: string[]): Pass => ({ name, after, version: 1, resource: 'cpu', description: '', inputKey: () => null, run: async () => ({}) });
  const chain = [p('scan', []), p('metadata', ['scan']), p('preview', ['metadata']), p('faces', ['preview']), p('embed', ['preview']), p('tags', ['preview', 'embed']), p('places', ['metadata'])];
  assert.deepEqual(withPrerequisites(chain, ['tags']).map((x) => x.name), ['scan', 'metadata', 'preview', 'embed', 'tags']);
  assert.deepEqual(withPrerequisites(chain, ['places', 'scan']).map((x) => x.name), ['scan', 'metadata', 'places']);
});
