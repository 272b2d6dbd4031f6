import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli, searchCli, type SearchJson } from '../../helpers/cli.js';
import { indexLibrary } from '../../helpers/metadata-import.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';


/** darktable's sidecar of a JPEG (IMG.JPG.xmp) naming only the town. */
const DARKTABLE_SIDECAR = `<?xml version="1.0" encoding="UTF-8"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:darktable="http://darktable.sf.net/"
   xmp:Rating="1"
   photoshop:City="Moab"
   darktable:xmp_version="5"/>
 </rdf:RDF>
</x:xmpmeta>
`;

/**
 * Titles, captions and places as photographers type them, in the fields their tools write:
 * Lightroom into a JPEG (EXIF, XMP and IPTC alike) and into a RAW's sidecar, Photo Mechanic in
 * IPTC alone, darktable into IMG.JPG.xmp, a camera's own "OLYMPUS DIGITAL CAMERA". Written with
 * the system's ExifTool, read by the real scan + metadata passes, found through `rawlight search`.
 * None of the photos has GPS: the places are the ones typed.
 */
describe("search by the photographer's own title, caption and place", { timeout: 180_000 }, () => {
  const t = tempDir('rawlight-own-words-');
  const lib = path.join(t.dir, 'lib');
  const home = path.join(t.dir, 'home');
  const f: Record<string, string> = {};
  const et = (...args: string[]) => execFileSync('exiftool', ['-q', '-q', '-overwrite_original', ...args]);
  const index = () => indexLibrary(home, lib, { passes: ['scan', 'metadata'] });

  before(async () => {
    const [lr, pm, raw, camera, dt] = copyFixtures(lib, ['photos/scenes/bus.jpg', 'photos/scenes/giraffe.jpg', 'raw/exiftool_CanonRaw.cr2', 'photos/scenes/iguana.jpg', 'photos/scenes/eagle.jpg']);
    Object.assign(f, { lr, pm, raw, camera, dt });
    const caption = 'Our camp near the Colorado river';
    et('-gps:all=', `-EXIF:ImageDescription=${caption}`, `-XMP-dc:Description=${caption}`, `-IPTC:Caption-Abstract=${caption}`, '-XMP-dc:Title=Sunset over the mesa',
      '-XMP-iptcCore:Location=Delicate Arch', '-XMP-photoshop:City=Moab', '-XMP-photoshop:State=Utah', '-XMP-photoshop:Country=United States', '-XMP-dc:Subject=camping', lr!);
    et('-gps:all=', '-IPTC:ObjectName=Harbour lights', '-IPTC:Caption-Abstract=Fishing boats at dawn', '-IPTC:City=Zürich', '-IPTC:Sub-location=Seebecken', '-charset', 'iptc=UTF8', '-IPTC:CodedCharacterSet=UTF8', pm!);
    // Lightroom's sidecar of a RAW: IMG.xmp beside IMG.CR2.
    et('-o', raw!.replace(/\.cr2$/, '.xmp'), '-XMP-dc:Description=Wedding toast in the barn', '-XMP-photoshop:Headline=Anna and Tom say yes', '-XMP-photoshop:City=Boulder', raw!);
    et('-gps:all=', '-EXIF:ImageDescription=OLYMPUS DIGITAL CAMERA', camera!);
    // darktable's sidecar names the place; the JPEG's own (older) place gives way whole.
    et('-gps:all=', '-XMP-photoshop:City=Denver', '-XMP-photoshop:State=Colorado', dt!);
    writeFileSync(`${dt!}.xmp`, DARKTABLE_SIDECAR);
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: path.join(t.dir, 'no-models') }));
    await index();
  });
  after(() => t.cleanup());

  const { search, found } = searchCli(home);

  test('a title, a caption phrase and a typed place find the photo, and say which', async () => {
    assert.deepEqual(await found('mesa'), [f.lr]);
    assert.deepEqual(await found('colorado river'), [f.lr]);
    assert.deepEqual(await found('Delicate Arch'), [f.lr]);
    assert.deepEqual(await found('moab'), [f.lr, f.dt].sort());
    const r = await search('colorado river');
    assert.match(r.results[0]!.why, /^caption .*Colorado river/);
    assert.match((await search('mesa')).results[0]!.why, /^title Sunset over the mesa/);
    assert.match((await search('utah')).results[0]!.why, /^place Delicate Arch, Moab, Utah, United States/);
    // With a keyword of the same photo: both asked, both said; the photo with only one of them after it.
    const both = await search('moab camping');
    assert.deepEqual(both.results.map((x) => x.path), [f.lr, f.dt]);
    assert.match(both.results[0]!.why, /keyword camping/);
    assert.match(both.results[0]!.why, /place .*Moab/);
  });

  test("IPTC alone (Photo Mechanic), a RAW's Lightroom sidecar, and words typed without their accents", async () => {
    assert.deepEqual(await found('harbour lights'), [f.pm]);
    assert.deepEqual(await found('fishing boats'), [f.pm]);
    assert.deepEqual(await found('zurich'), [f.pm]);
    assert.deepEqual(await found('seebecken'), [f.pm]);
    assert.deepEqual(await found('wedding toast'), [f.raw]);
    assert.deepEqual(await found('say yes'), [f.raw], "the sidecar's Headline, no title beside it");
    assert.deepEqual(await found('boulder'), [f.raw]);
  });

  test("a camera's own description is nobody's caption; a sidecar's place replaces the file's whole", async () => {
    assert.deepEqual(await found('olympus digital camera'), []);
    assert.deepEqual(await found('denver'), []);
    const shown = await cli(home, ['show', f.camera!, '--json']);
    assert.equal(shown.json<{ metadata: { caption: string | null } }>().metadata.caption, null);
  });

  test('show gives the caption and the named place, as JSON fields and as lines', async () => {
    const j = await cli(home, ['show', f.lr!, '--json']);
    const m = j.json<{ metadata: Record<string, unknown> }>().metadata;
    assert.deepEqual([m.title, m.caption, m.place_location, m.place_city, m.place_state, m.place_country], ['Sunset over the mesa', 'Our camp near the Colorado river', 'Delicate Arch', 'Moab', 'Utah', 'United States']);
    const text = await cli(home, ['show', f.lr!]);
    assert.match(text.stdout, /caption: Our camp near the Colorado river/);
    assert.match(text.stdout, /named place: Delicate Arch, Moab, Utah, United States/);
  });

  test('a typed place is a place: `search --place`, and the town named in a query as a place', async () => {
    const placed = async (place: string) => {
      const r = await cli(home, ['search', '', '--place', place, '--json', '--limit', '50']);
      assert.equal(r.code, 0, r.stderr);
      return r.json<SearchJson>().results.map((x) => x.path).sort();
    };
    assert.deepEqual(await placed('moab'), [f.lr, f.dt].sort());
    assert.deepEqual(await placed('Delicate Arch'), [f.lr]);
    assert.deepEqual(await placed('Zürich'), [f.pm]);
    assert.deepEqual(await placed('boulder'), [f.raw], "a RAW's Lightroom sidecar names it");
    assert.deepEqual(await placed('denver'), [], "the JPEG's own place, replaced by its sidecar's");
    const r = await search('moab camping');
    assert.ok(r.parsed.some((p) => p.kind === 'place' && p.label === 'place Moab'), JSON.stringify(r.parsed));
    assert.equal(r.results[0]!.path, f.lr);
  });

  // Last: it changes the library.
  test('a caption changed in Lightroom and a photo deleted: the old words find nothing, the new ones find it', async () => {
    et('-XMP-dc:Description=First dance', f.raw!.replace(/\.cr2$/, '.xmp'));
    rmSync(f.pm!);
    await index();
    assert.deepEqual(await found('wedding toast'), []);
    assert.deepEqual(await found('first dance'), [f.raw]);
    assert.deepEqual(await found('zurich'), []);
    assert.deepEqual(await found('harbour lights'), []);
  });
});
