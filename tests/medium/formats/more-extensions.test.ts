// The rest of what peers index (Immich's list): an animated GIF (its first frame), a JPEG under
// `.jpe`, an Insta360 `.insp` (a JPEG ExifTool names INSP), an Olympus `.ORI` (an ORF under its
// own extension). Each is found, read, previewed and written back beside, through the real CLI.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { cli } from '../../helpers/cli.js';
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';

const CAT = path.join(FIXTURES, 'photos', 'gps', 'cat_brown.jpg');

interface IndexJson {
  files: number;
  executed: Record<string, number>;
  failed: { path: string; pass: string; code: string | null; error: string }[];
}

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('GIF, .jpe, Insta360 .insp and Olympus .ORI files, end to end', () => {
  const t = tempDir('rawlight-more-exts-');
  const lib = path.join(t.dir, 'lib');
  const home = path.join(t.dir, 'home');
  const gif = path.join(lib, 'cat.gif');
  const jpe = path.join(lib, 'cat.jpe');
  const insp = path.join(lib, 'IMG_20240501_101010_00_001.insp');
  const ori = path.join(lib, 'P5010001.ORI');
  const before_: Record<string, string> = {};
  let run: IndexJson;

  before(async () => {
    mkdirSync(lib, { recursive: true });
    // Two frames: the photo, then solid blue. The preview must be the first.
    const first = await sharp(CAT).resize(200, 150, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    const blue = Buffer.alloc(first.length);
    for (let i = 2; i < blue.length; i += 3) blue[i] = 255;
    await sharp(Buffer.concat([first, blue]), { raw: { width: 200, height: 300, channels: 3, pageHeight: 150 } }).gif({ delay: [500, 500], loop: 0 }).toFile(gif);
    copyFileSync(CAT, jpe);
    copyFileSync(CAT, insp);
    // An ORF is a TIFF with Olympus' magic ("IIRO"): made from a TIFF, with the camera named by ExifTool first.
    const tif = path.join(t.dir, 'olympus.tif');
    await sharp(CAT).tiff().toFile(tif);
    const et = new ExifTool({ maxProcs: 1 });
    try {
      await et.write(gif, { Title: 'A cat, animated' }, { writeArgs: ['-overwrite_original'] });
      await et.write(tif, { Make: 'OLYMPUS CORPORATION', Model: 'E-M1MarkII', DateTimeOriginal: '2024:05:01 10:10:10' }, { writeArgs: ['-overwrite_original'] });
    } finally {
      await et.end();
    }
    const orf = readFileSync(tif);
    assert.equal(orf.toString('latin1', 0, 4), 'II*\0');
    orf.write('RO', 2, 'latin1');
    writeFileSync(ori, orf);
    for (const f of [gif, jpe, insp, ori]) before_[f] = sha(f);
    const r = await cli(home, ['index', lib, '--passes', 'preview,tags,writeback', '--json'], { RAWLIGHT_MODELS: MODELS });
    assert.equal(r.code, 0, r.stderr);
    run = r.json<IndexJson>();
  });
  after(() => t.cleanup());

  test('each is found and read, with the kind its content says; only the ORI made here lacks a preview, and says so', () => {
    assert.equal(run.files, 4);
    assert.equal(run.executed.metadata, 4);
    assert.equal(run.executed.preview, 3);
    // A real ORI carries the camera's preview JPEG in its maker notes, as an ORF does; this one has no image but its raw strips.
    assert.deepEqual(run.failed.map((f) => [path.basename(f.path), f.pass, f.code]), [['P5010001.ORI', 'preview', 'PREVIEW_NONE']]);
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      const rows = db
        .prepare(`SELECT f.path, f.kind, m.file_type, m.model, m.captured_at, m.gps_lat, m.title, m.warnings, m.width, m.height FROM files f JOIN metadata m ON m.file_id = f.id ORDER BY f.path`)
        .all() as { path: string; kind: string; file_type: string; model: string | null; captured_at: string | null; gps_lat: number | null; title: string | null; warnings: string; width: number; height: number }[];
      const by = new Map(rows.map((r) => [path.basename(r.path), r]));
      assert.deepEqual(
        rows.map((r) => [path.basename(r.path), r.kind, r.file_type]),
        [
          ['IMG_20240501_101010_00_001.insp', 'image', 'INSP'],
          ['P5010001.ORI', 'raw', 'ORF'],
          ['cat.gif', 'image', 'GIF'],
          ['cat.jpe', 'image', 'JPEG'],
        ],
      );
      for (const n of ['cat.jpe', 'IMG_20240501_101010_00_001.insp']) {
        const r = by.get(n)!;
        assert.equal(r.model, 'iPhone SE', n);
        assert.match(r.captured_at ?? '', /^2016-08-27T10:06:19/, n);
        assert.ok(Math.abs((r.gps_lat ?? 0) - 48.53871) < 1e-3, n);
        assert.deepEqual(JSON.parse(r.warnings), [], n);
      }
      assert.equal(by.get('cat.gif')!.title, 'A cat, animated', "the GIF's XMP");
      assert.deepEqual([by.get('cat.gif')!.width, by.get('cat.gif')!.height], [200, 150], 'a frame, not the stack of frames');
      assert.equal(by.get('P5010001.ORI')!.model, 'E-M1MarkII');
      assert.match(by.get('P5010001.ORI')!.captured_at ?? '', /^2024-05-01T10:10:10/);
    } finally {
      db.close();
    }
  });

  test("an animated GIF's preview is its first frame", async () => {
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    let rel: { path: string; width: number; height: number };
    try {
      rel = db.prepare(`SELECT p.path, p.width, p.height FROM previews p JOIN files f ON f.id = p.file_id WHERE f.path = ?`).get(gif) as typeof rel;
    } finally {
      db.close();
    }
    assert.deepEqual([rel.width, rel.height], [200, 150]);
    const [pv, want] = await Promise.all([path.join(home, 'cache', rel.path), CAT].map((f) => sharp(f).resize(50, 38, { fit: 'fill' }).removeAlpha().raw().toBuffer()));
    let diff = 0;
    for (let i = 0; i < want!.length; i++) diff += Math.abs(pv![i]! - want![i]!);
    // GIF's 256 colours and two resizes apart, not the blue frame (~120 a sample away).
    assert.ok(diff / want!.length < 20, `mean difference ${(diff / want!.length).toFixed(1)} per sample`);
  });

  test('a GIF cut short, a bare GIF header and a JPEG saved as .gif: recorded reasons, or its own pixels', async () => {
    const dir = path.join(t.dir, 'bad-gifs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'cut.gif'), readFileSync(gif).subarray(0, 3000));
    writeFileSync(path.join(dir, 'header.gif'), 'GIF89a');
    copyFileSync(CAT, path.join(dir, 'jpeg.gif'));
    const r = await cli(path.join(t.dir, 'home-bad'), ['index', dir, '--passes', 'preview', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = r.json<IndexJson>();
    assert.deepEqual(
      j.failed.map((f) => [path.basename(f.path), f.pass, f.code]).sort(),
      [
        ['cut.gif', 'metadata', 'METADATA_UNREADABLE'],
        ['header.gif', 'metadata', 'METADATA_UNREADABLE'],
      ],
    );
    for (const f of j.failed) assert.match(f.error, /ExifTool could not read the file: .+/);
    assert.equal(j.executed.preview, 1, 'the JPEG under .gif: previewed from its own pixels');
  });

  test("an ORI beside its ORF: the ORF's Lightroom sidecar stays the ORF's, keeps Lightroom's values and gets rawlight's; the ORI gets its own", async () => {
    const dir = path.join(t.dir, 'high-res');
    mkdirSync(dir, { recursive: true });
    const orfFile = path.join(dir, 'P1010001.ORF');
    copyFileSync(ori, orfFile);
    copyFileSync(ori, path.join(dir, 'P1010001.ORI'));
    const lr = path.join(dir, 'P1010001.xmp');
    writeFileSync(
      lr,
      `<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmp:Rating="3"><dc:subject><rdf:Bag><rdf:li>from lightroom</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>`,
    );
    // A place to write back: the frames were shot where the cat was.
    const et = new ExifTool({ maxProcs: 1 });
    try {
      for (const f of [orfFile, path.join(dir, 'P1010001.ORI')]) await et.write(f, { GPSLatitude: 48.53871, GPSLatitudeRef: 'N', GPSLongitude: 9.01216, GPSLongitudeRef: 'E' }, { writeArgs: ['-overwrite_original'] });
    } finally {
      await et.end();
    }
    const home2 = path.join(t.dir, 'home-high-res');
    const r = await cli(home2, ['index', dir, '--passes', 'places,writeback', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json<IndexJson>().executed.writeback, 2);
    const tagsOf = async (f: string) => {
      const e = new ExifTool({ maxProcs: 1 });
      try {
        return await e.read(f);
      } finally {
        await e.end();
      }
    };
    const orfXmp = await tagsOf(lr);
    assert.equal(orfXmp.Rating, 3, "Lightroom's rating kept");
    assert.deepEqual([orfXmp.Subject].flat().sort(), ['Tübingen', 'from lightroom'], "Lightroom's keyword kept, the ORF's place added");
    assert.equal(existsSync(`${orfFile}.xmp`), false, 'no second sidecar for the ORF');
    const oriXmp = await tagsOf(path.join(dir, 'P1010001.ORI.xmp'));
    assert.deepEqual([oriXmp.Subject].flat(), ['Tübingen']);
    assert.equal(oriXmp.Rating, undefined, "the ORF's rating is not the ORI's");
  });

  test('tags go to sidecars; no photo is written into', () => {
    for (const f of [gif, jpe, insp, ori]) assert.equal(sha(f), before_[f], `${path.basename(f)} untouched`);
    // The cat is tagged: its GIF and its .jpe copy get sidecars (a .jpe is a JPEG, but writing into photos is opt-in).
    for (const f of [gif, jpe]) {
      assert.ok(existsSync(`${f}.xmp`), `${path.basename(f)}.xmp`);
      assert.match(readFileSync(`${f}.xmp`, 'utf8'), /<rdf:li>cat<\/rdf:li>/);
    }
  });
});
