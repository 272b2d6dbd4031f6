// A photo, a folder or a sidecar whose name holds a line break ("\n" or "\r": macOS allows both, and
// a name pasted from a caption or made by a script can carry one). ExifTool takes its arguments a
// line each, and exiftool-vendored refuses such a path: these photos failed with METADATA_UNREADABLE
// and were never read, previewed or written back. Now ExifTool is given a link to them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli, searchCli } from '../../helpers/cli.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

/** A Lightroom sidecar of the DNG: a keyword and a rating the photographer set. */
const LIGHTROOM_SIDECAR = `<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0-c000 1.000000, 0000/00/00-00:00:00">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmp:Rating="4">
   <dc:subject><rdf:Bag><rdf:li>slot canyon</rdf:li></rdf:Bag></dc:subject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
`;

interface IndexJson {
  files: number;
  executed: Record<string, number>;
  failed: { path: string; pass: string; code: string; error: string }[];
}

describe('names with line breaks: read, previewed and written back like any other', { timeout: 180_000 }, () => {
  const t = tempDir('rawlight-line-breaks-');
  const lib = path.join(t.dir, 'lib');
  const home = path.join(t.dir, 'home');
  const folder = path.join(lib, 'Tuscany\nday one');
  const jpeg = path.join(folder, 'DSCN\n0010.jpg');
  const dng = path.join(folder, 'IMG\r6D.dng');
  const sidecar = path.join(folder, 'IMG\r6D.xmp');
  const plain = path.join(lib, 'plain.jpg');
  const exiftool = (...args: string[]) => execFileSync('exiftool', args, { encoding: 'utf8' });
  const tmpBefore = new Set(readdirSync(os.tmpdir()).filter((n) => n.startsWith('rawlight-name-')));
  let indexed: IndexJson;

  before(async () => {
    mkdirSync(folder, { recursive: true });
    copyFileSync(path.join(FIXTURES, 'photos/gps/arezzo_DSCN0010.jpg'), jpeg);
    copyFileSync(path.join(FIXTURES, 'photos/gps/arezzo_DSCN0012.jpg'), plain);
    copyFileSync(path.join(FIXTURES, 'raw/photoprism_canon_eos_6d.dng'), dng);
    // The DNG placed at Arezzo as well (by argv, which carries any name), and described in Lightroom.
    exiftool('-q', '-overwrite_original', '-GPSLatitude=43.4633', '-GPSLatitudeRef=N', '-GPSLongitude=11.8796', '-GPSLongitudeRef=E', dng);
    writeFileSync(sidecar, LIGHTROOM_SIDECAR);
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: path.join(t.dir, 'no-models') }));
    const r = await cli(home, ['index', lib, '--passes', 'metadata,preview,places,writeback', '--json']);
    assert.equal(r.code, 0, r.stderr);
    indexed = r.json<IndexJson>();
  });
  after(() => t.cleanup());

  test('every photo is read and previewed: no error', () => {
    assert.deepEqual(indexed.failed, []);
    assert.equal(indexed.files, 3);
    assert.equal(indexed.executed.metadata, 3);
    assert.equal(indexed.executed.preview, 3);
  });

  test("show gives each one's camera and preview, and the Lightroom sidecar's keyword and rating", async () => {
    const shown = await cli(home, ['show', jpeg, '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    const j = shown.json<{ path: string; metadata: { model: string }; preview: { width: number } | null }>();
    assert.equal(j.path, jpeg);
    assert.equal(j.metadata.model, 'COOLPIX P6000');
    assert.ok(j.preview && j.preview.width > 0);
    const raw = (await cli(home, ['show', dng, '--json'])).json<{ metadata: { model: string; rating: number; keywords: string[] } }>();
    assert.equal(raw.metadata.model, 'Canon EOS 6D');
    assert.equal(raw.metadata.rating, 4);
    assert.deepEqual(raw.metadata.keywords, ['slot canyon']);
    assert.deepEqual(await searchCli(home).found('slot canyon'), [dng]);
  });

  test('the place is written back beside each photo, into the sidecar the photographer has and a new one, nothing else', () => {
    // The DNG's own sidecar, merged: its keyword and rating kept, the town added.
    const lr = JSON.parse(exiftool('-j', '-XMP:Subject', '-XMP:Rating', '-XMP-photoshop:City', sidecar))[0] as Record<string, unknown>;
    assert.equal(lr.City, 'Arezzo');
    assert.equal(lr.Rating, 4);
    assert.ok([lr.Subject].flat().includes('slot canyon'));
    // The JPEG's new sidecar, under its own name with the line break.
    const made = readdirSync(folder).filter((n) => n.endsWith('.xmp') && n !== path.basename(sidecar));
    assert.equal(made.length, 1, JSON.stringify(readdirSync(folder)));
    assert.ok(made[0]!.startsWith('DSCN\n0010'), JSON.stringify(made));
    const written = JSON.parse(exiftool('-j', '-XMP-photoshop:City', path.join(folder, made[0]!)))[0] as Record<string, unknown>;
    assert.equal(written.City, 'Arezzo');
    // Nothing else in the folders, and no link left behind.
    assert.deepEqual(readdirSync(folder).sort(), [path.basename(dng), path.basename(jpeg), path.basename(sidecar), made[0]!].sort());
    assert.deepEqual(readdirSync(os.tmpdir()).filter((n) => n.startsWith('rawlight-name-') && !tmpBefore.has(n)), []);
  });
});
