// Another program's private store under a library (Photos' library, Lightroom's smart previews,
// Synology's thumbnails and recycle bin) is neither indexed nor written into, through the real CLI.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { cli } from '../../helpers/cli.js';
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';

interface IndexJson {
  files: number;
  executed: Record<string, number>;
  failed: unknown[];
}

const t = tempDir('rawlight-stores-');
after(() => t.cleanup());
const lib = path.join(t.dir, 'Pictures');
const put = (from: string, to: string) => {
  mkdirSync(path.dirname(path.join(lib, to)), { recursive: true });
  copyFileSync(path.join(FIXTURES, from), path.join(lib, to));
};
const STORES = ['Photos Library.photoslibrary', 'Lightroom', 'NAS/@eaDir', 'NAS/#recycle'];
put('photos/gps/kenya_lizard.jpg', '2024/kenya_lizard.jpg');
put('photos/gps/kenya_lizard.jpg', 'Photos Library.photoslibrary/originals/A/IMG_0001.jpg');
put('photos/gps/zebra.jpg', 'Photos Library.photoslibrary/resources/derivatives/A/A1B2_1_105_c.jpeg');
put('raw/exiftool_DNG.dng', 'Lightroom/Lightroom Catalog Smart Previews.lrdata/A/A1B2-C3D4.dng');
put('photos/gps/kenya_lizard.jpg', 'NAS/@eaDir/kenya_lizard.jpg/SYNOPHOTO_THUMB_XL.jpg');
put('photos/gps/zebra.jpg', 'NAS/#recycle/zebra.jpg');

/** Every file under the stores, with its bytes and modification time. */
function snapshot(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${path.relative(lib, p)} ${statSync(p).mtimeMs} ${readFileSync(p).toString('base64').length}`);
    }
  };
  for (const s of STORES) walk(path.join(lib, s));
  return out.sort();
}

test('the library is indexed and written back without entering the stores; their files are untouched and nothing is added to them', async () => {
  const before = snapshot();
  const r = await cli(path.join(t.dir, 'home'), ['index', lib, '--passes', 'places,writeback', '--json'], { RAWLIGHT_MODELS: MODELS });
  assert.equal(r.code, 0, r.stderr);
  const j = r.json<IndexJson>();
  assert.equal(j.files, 1, 'the photo in 2024/ alone');
  assert.deepEqual([j.executed.scan, j.executed.places, j.executed.writeback], [1, 1, 1]);
  assert.ok(readdirSync(path.join(lib, '2024')).some((n) => n.endsWith('.xmp')), 'its sidecar was written');
  assert.deepEqual(snapshot(), before);
});

test('a library folder chosen inside a store is the user\'s choice, and is indexed', async () => {
  const r = await cli(path.join(t.dir, 'home-inside'), ['index', path.join(lib, 'Photos Library.photoslibrary', 'originals'), '--passes', 'metadata', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json<IndexJson>().files, 1);
});
