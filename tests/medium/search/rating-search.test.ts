import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { searchCli } from '../../helpers/cli.js';
import { indexLibrary } from '../../helpers/metadata-import.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';


const DARKTABLE_SIDECAR = `<?xml version="1.0" encoding="UTF-8"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:darktable="http://darktable.sf.net/"
   xmp:Rating="2"
   xmpMM:DerivedFrom="exiftool_Nikon.nef"
   darktable:xmp_version="5"
   darktable:raw_params="0"
   darktable:auto_presets_applied="1"
   darktable:history_end="0">
   <darktable:colorlabels>
    <rdf:Seq>
     <rdf:li>3</rdf:li>
     <rdf:li>4</rdf:li>
    </rdf:Seq>
   </darktable:colorlabels>
   <darktable:history>
    <rdf:Seq/>
   </darktable:history>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
`;

/**
 * Stars and colour labels as the user's other tools write them: Lightroom into a JPEG's own XMP and
 * into a RAW's IMG.xmp sidecar, darktable into IMG.NEF.xmp (its own numbered labels), digiKam
 * into IMG.RW2.xmp (digiKam:ColorLabel). Written with the system's ExifTool,
 * read by the real scan + metadata passes, searched through `rawlight search --json`.
 */
describe('search by the star rating and colour label the user gave elsewhere', { timeout: 120_000 }, () => {
  const t = tempDir('rawlight-rating-search-');
  const lib = path.join(t.dir, 'lib');
  const home = path.join(t.dir, 'home');
  const files: Record<string, string> = {};

  before(async () => {
    const [five, four, none, raw, dt, dk, rejected] = copyFixtures(lib, [
      'photos/scenes/eagle.jpg', 'photos/scenes/giraffe.jpg', 'photos/scenes/iguana.jpg', 'raw/exiftool_CanonRaw.cr2', 'raw/exiftool_Nikon.nef', 'raw/exiftool_Panasonic.rw2',
      'photos/scenes/horses.jpg',
    ]);
    Object.assign(files, { five, four, none, raw, dt, dk, rejected });
    const et = (...args: string[]) => execFileSync('exiftool', ['-q', '-overwrite_original', ...args]);
    et('-XMP-xmp:Rating=5', '-XMP-xmp:Label=Red', five!); // Lightroom: XMP in the JPEG itself
    et('-XMP-xmp:Rating=4', four!);
    et('-XMP-xmp:Rating=0', none!); // Lightroom's "no stars"
    et('-XMP-xmp:Rating=-1', rejected!); // Bridge's reject
    et('-o', raw!.replace(/\.cr2$/, '.xmp'), '-XMP-xmp:Rating=4', '-XMP-xmp:Label=Red', raw!); // Lightroom's sidecar of a RAW
    // darktable's IMG.NEF.xmp as darktable writes it: its colour labels are numbers (blue 3, purple
    // 4), several at once, and never xmp:Label.
    writeFileSync(`${dt!}.xmp`, DARKTABLE_SIDECAR);
    et('-o', `${dk!}.xmp`, '-XMP-xmp:Rating=1', '-XMP-digiKam:ColorLabel=1', dk!); // digiKam: 1 is red
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: path.join(t.dir, 'no-models') }));
    await indexLibrary(home, lib, { passes: ['scan', 'metadata'] });
  });
  after(() => t.cleanup());

  const { search, found } = searchCli(home);

  test('"5 stars", "4 stars", "4+ stars", "★★", rating:, "rejected" — from the JPEG\'s XMP and either sidecar', async () => {
    assert.deepEqual(await found('5 stars'), [files.five]);
    assert.deepEqual(await found('4 stars'), [files.four, files.raw].sort());
    assert.deepEqual(await found('4+ stars'), [files.five, files.four, files.raw].sort());
    assert.deepEqual(await found('★★'), [files.dt]);
    assert.deepEqual(await found('rating:1+'), [files.five, files.four, files.raw, files.dt, files.dk].sort(), 'never the unrated (Rating 0)');
    assert.deepEqual(await found('rejected'), [files.rejected]);
    const r = await search('5 stars');
    assert.deepEqual(r.parsed.map((p) => [p.kind, p.label]), [['rating', 'rated 5 stars']]);
    assert.match(r.results[0]!.why, /rated 5 stars/);
  });

  test('"red label", label:blue, from Lightroom\'s xmp:Label, darktable\'s numbered labels and digiKam\'s, and with a rating', async () => {
    assert.deepEqual(await found('red label'), [files.five, files.raw, files.dk].sort());
    assert.deepEqual(await found('label:blue'), [files.dt], "darktable's first label");
    assert.deepEqual(await found('purple label'), [files.dt], "and its second");
    assert.deepEqual(await found('4 stars red label'), [files.raw]);
    const none = await search('3 stars');
    assert.equal(none.empty, 'no photo in the library matches rated 3 stars');
  });
});
