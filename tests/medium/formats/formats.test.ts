// AVIF, JPEG XL, JPEG 2000, Extended WebP and motion photos: each gets metadata, a preview and the passes
// after them, through the real CLI on files made here (tests/fixtures/README.md).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { cli } from '../../helpers/cli.js';
import { REPO, tempDir } from '../../helpers/fixtures.js';
import { withSamsungTrailer } from '../../helpers/samsung-trailer.js';
import { createPreviewPass } from '../../../src/passes/preview.pass.js';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { djxlDecoder } from '../../../src/image/jxl.js';
import { opjDecoder } from '../../../src/image/jp2.js';
import { avifdecDecoder } from '../../../src/image/avif.js';
import { ftypBrands } from '../../../src/image/ftyp.js';

const SRC = path.join(REPO, 'tests', 'fixtures', 'formats');
const EXIFTOOL = path.join(path.dirname(createRequire(import.meta.url).resolve('exiftool-vendored.pl/package.json')), 'bin', 'exiftool');

interface IndexJson {
  files: number;
  executed: Record<string, number>;
  failed: { path: string; pass: string; code: string | null; error: string }[];
}

describe('new formats, end to end', () => {
  const t = tempDir('rawlight-formats-');
  const lib = path.join(t.dir, 'lib');
  const home = path.join(t.dir, 'home');
  let first: IndexJson;
  before(async () => {
    mkdirSync(lib, { recursive: true });
    for (const f of readdirSync(SRC)) copyFileSync(path.join(SRC, f), path.join(lib, f));
    const r = await cli(home, ['index', lib, '--passes', 'preview,places', '--json']);
    assert.equal(r.code, 0, r.stderr);
    first = r.json<IndexJson>();
  });
  after(() => t.cleanup());

  test('every file is found and gets metadata (camera, date, GPS), a preview and a place; none fails', () => {
    assert.equal(first.files, 10);
    assert.deepEqual(first.failed, []);
    assert.equal(first.executed.metadata, 10);
    assert.equal(first.executed.preview, 10);
    assert.equal(first.executed.places, 7, 'the two JXL and the JPEG 2000 codestream made without metadata have no GPS to place');
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      const rows = db
        .prepare(
          `SELECT f.ext, m.file_type, m.model, m.captured_at, m.gps_lat, m.warnings, p.width, p.height, p.source FROM files f JOIN metadata m ON m.file_id = f.id JOIN previews p ON p.file_id = f.id
           WHERE f.path NOT LIKE '%_codestream.jxl' AND f.path NOT LIKE '%_float.jxl' AND f.path NOT LIKE '%_orientation6.jxl' AND f.path NOT LIKE '%_animated.avif' AND f.ext <> 'j2k' ORDER BY f.ext`,
        )
        .all() as { ext: string; file_type: string; model: string; captured_at: string; gps_lat: number; warnings: string; width: number; height: number; source: string }[];
      assert.deepEqual(rows.map((r) => [r.ext, r.file_type]), [['avif', 'AVIF'], ['jp2', 'JP2'], ['jpg', 'JPEG'], ['jxl', 'JXL'], ['webp', 'Extended WEBP']]);
      for (const r of rows) {
        assert.equal(r.model, 'iPhone SE', r.ext);
        assert.match(r.captured_at, /^2016-08-27T10:06:19/, r.ext);
        assert.ok(Math.abs(r.gps_lat - 48.53871) < 1e-3, `${r.ext} GPS ${r.gps_lat}`);
        assert.deepEqual([r.width, r.height], [441, 331], r.ext);
        assert.deepEqual(JSON.parse(r.warnings), [], `${r.ext} has no warnings (Extended WEBP is WEBP)`);
      }
      assert.equal(rows.find((r) => r.ext === 'jxl')?.source, 'djxl');
      assert.equal(rows.find((r) => r.ext === 'jp2')?.source, 'opj_decompress');
    } finally {
      db.close();
    }
  });

  test('JPEG XL as cjxl writes it without metadata (a bare codestream), and with float samples: metadata and a preview', () => {
    // ExifTool calls a JXL without the box container "JXL Codestream"; djxl's PNG writer refuses
    // 32-bit float samples unless asked for 16 bits (src/image/jxl.ts). Both were PREVIEW_NONE or
    // METADATA_UNREADABLE before.
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      const rows = db
        .prepare(`SELECT f.path, m.file_type, m.width AS mw, m.warnings, p.width, p.height, p.source FROM files f JOIN metadata m ON m.file_id = f.id JOIN previews p ON p.file_id = f.id WHERE f.ext = 'jxl' ORDER BY f.path`)
        .all() as { path: string; file_type: string; mw: number; warnings: string; width: number; height: number; source: string }[];
      assert.deepEqual(
        rows.map((r) => [path.basename(r.path), r.file_type, r.mw, r.width, r.height, r.source, JSON.parse(r.warnings)]),
        [
          ['cat_brown.jxl', 'JXL', 441, 441, 331, 'djxl', []],
          ['cat_brown_codestream.jxl', 'JXL Codestream', 441, 441, 331, 'djxl', []],
          ['cat_brown_float.jxl', 'JXL Codestream', 441, 441, 331, 'djxl', []],
          ['cat_brown_orientation6.jxl', 'JXL', 441, 331, 441, 'djxl', []],
        ],
      );
    } finally {
      db.close();
    }
  });

  test('JPEG 2000: a JP2 file and a bare codestream (.j2k, no metadata): metadata and a preview through opj_decompress', () => {
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      const rows = db
        .prepare(`SELECT f.ext, m.file_type, m.width AS mw, m.warnings, p.width, p.height, p.source FROM files f JOIN metadata m ON m.file_id = f.id JOIN previews p ON p.file_id = f.id WHERE f.ext IN ('jp2', 'j2k') ORDER BY f.ext`)
        .all() as { ext: string; file_type: string; mw: number; warnings: string; width: number; height: number; source: string }[];
      assert.deepEqual(
        rows.map((r) => [r.ext, r.file_type, r.mw, r.width, r.height, r.source, JSON.parse(r.warnings)]),
        [
          ['j2k', 'J2C', 441, 441, 331, 'opj_decompress', []],
          ['jp2', 'JP2', 441, 441, 331, 'opj_decompress', []],
        ],
      );
    } finally {
      db.close();
    }
  });

  test('a JPEG 2000 photo twice the preview size is decoded at a lower resolution level; one whose stream has no such level is decoded whole', async () => {
    const dir = path.join(t.dir, 'jp2-big');
    const bin = path.join(t.dir, 'bin-opj');
    const calls = path.join(t.dir, 'opj-calls.txt');
    mkdirSync(dir, { recursive: true });
    mkdirSync(bin, { recursive: true });
    // A 4400x2900 scan, orange on the left and blue on the right; as an archive writes it (the
    // default six resolution levels, under the extension of JPEG 2000 with extensions) and with
    // one level only (no reduction possible).
    const png = path.join(t.dir, 'scan.png');
    const half = { width: 2200, height: 2900, channels: 3 } as const;
    await sharp({ create: { width: 4400, height: 2900, channels: 3, background: '#e07020' } })
      .composite([{ input: await sharp({ create: { ...half, background: '#2050d0' } }).png().toBuffer(), left: 2200, top: 0 }])
      .png()
      .toFile(png);
    execFileSync('opj_compress', ['-i', png, '-o', path.join(t.dir, 'scan.jp2'), '-r', '40'], { stdio: 'ignore' }); // it writes .jp2 names only
    renameSync(path.join(t.dir, 'scan.jp2'), path.join(dir, 'scan.jpf'));
    execFileSync('opj_compress', ['-i', png, '-o', path.join(dir, 'one-level.jp2'), '-r', '40', '-n', '1'], { stdio: 'ignore' });
    writeFileSync(path.join(bin, 'opj_decompress'), `#!/bin/sh\necho "$*" >> '${calls}'\nexec /usr/bin/opj_decompress "$@"\n`, { mode: 0o755 });
    const home5 = path.join(t.dir, 'home-jp2');
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved}`; // the decoders are spawned with this process's PATH
    const r = await cli(home5, ['index', dir, '--passes', 'preview', '--json']).finally(() => (process.env.PATH = saved));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json<IndexJson>().failed, []);
    const asked = readFileSync(calls, 'utf8').trim().split('\n').map((l) => [path.basename(l.split(' ')[1]!), / -r (\d)/.exec(l)?.[1] ?? 'whole']);
    assert.deepEqual(asked.sort(), [['one-level.jp2', '1'], ['one-level.jp2', 'whole'], ['scan.jpf', '1']]);
    const db = new Database(path.join(home5, 'rawlight.db'), { readonly: true });
    try {
      const rows = db.prepare(`SELECT f.ext, m.file_type, m.warnings, p.width, p.height, p.path FROM files f JOIN metadata m ON m.file_id = f.id JOIN previews p ON p.file_id = f.id ORDER BY f.ext`).all() as { ext: string; file_type: string; warnings: string; width: number; height: number; path: string }[];
      assert.deepEqual(rows.map((x) => [x.ext, x.file_type, JSON.parse(x.warnings), x.width, x.height]), [['jp2', 'JP2', [], 2048, 1350], ['jpf', 'JP2', [], 2048, 1350]]);
      for (const x of rows) {
        const { data } = await sharp(path.join(home5, 'cache', x.path)).resize(4, 1, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
        assert.ok(data[0]! > 180 && data[2]! < 80, `${x.ext}: orange on the left (${[...data.subarray(0, 3)]})`);
        assert.ok(data[9]! < 80 && data[11]! > 160, `${x.ext}: blue on the right (${[...data.subarray(9, 12)]})`);
      }
    } finally {
      db.close();
    }
  });

  test('an animated AVIF (an image sequence, which sharp does not read): metadata, and its first frame as the preview through avifdec', () => {
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      const r = db
        .prepare(`SELECT m.file_type, m.model, m.captured_at, m.gps_lat, m.warnings, p.width, p.height, p.source FROM files f JOIN metadata m ON m.file_id = f.id JOIN previews p ON p.file_id = f.id WHERE f.path LIKE '%_animated.avif'`)
        .get() as { file_type: string; model: string; captured_at: string; gps_lat: number; warnings: string; width: number; height: number; source: string };
      assert.deepEqual([r.file_type, r.model, r.width, r.height, r.source, JSON.parse(r.warnings)], ['AVIF', 'iPhone SE', 441, 331, 'avifdec', []]);
      assert.match(r.captured_at, /^2016-08-27T10:06:19/);
      assert.ok(Math.abs(r.gps_lat - 48.53871) < 1e-3, `GPS ${r.gps_lat}`);
    } finally {
      db.close();
    }
  });

  test('avifdec is asked for the first frame of a sequence only: a still AVIF sharp cannot read is not handed to it (it would drop the rotation)', async () => {
    assert.deepEqual((await ftypBrands(path.join(SRC, 'cat_brown_animated.avif'))).slice(0, 1), ['avis']);
    assert.ok(!(await ftypBrands(path.join(SRC, 'cat_brown.avif'))).includes('avis'));
    assert.deepEqual(await ftypBrands(path.join(SRC, 'PXL_motion_cat_brown.MP.jpg')), []);
    // An avifdec in front of the real one on PATH that logs what it was asked.
    const bin = path.join(t.dir, 'bin-avif');
    const calls = path.join(t.dir, 'avifdec-calls.txt');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'avifdec'), `#!/bin/sh\necho "$*" >> '${calls}'\nexec /usr/bin/avifdec "$@"\n`, { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved}`;
    try {
      await assert.rejects(avifdecDecoder.toJpeg(path.join(SRC, 'cat_brown.avif')), /not an image sequence/);
      assert.throws(() => readFileSync(calls), /ENOENT/, 'avifdec was not run for a still image');
      const jpeg = await avifdecDecoder.toJpeg(path.join(SRC, 'cat_brown_animated.avif'));
      const m = await sharp(jpeg).metadata();
      assert.deepEqual([m.format, m.width, m.height], ['jpeg', 441, 331]);
      assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n').map((l) => l.replace(/ \/\S+/g, '')), ['--index 0 -q 95']);
    } finally {
      process.env.PATH = saved;
    }
  });

  test('variants ExifTool names apart are photos: a lossless WebP ("WEBP (lossless)"), an animated PNG ("APNG")', async () => {
    const dir = path.join(t.dir, 'variants');
    mkdirSync(dir, { recursive: true });
    const src = path.join(SRC, 'PXL_motion_cat_brown.MP.jpg');
    await sharp(src).webp({ lossless: true }).toFile(path.join(dir, 'cat.webp'));
    // An acTL chunk after IHDR is what makes ExifTool say APNG; decoders show the PNG's own image.
    const png = await sharp(src).png().toBuffer();
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const out = Buffer.alloc(12 + data.length);
      out.writeUInt32BE(data.length, 0);
      body.copy(out, 4);
      out.writeUInt32BE(crc32(body), 8 + data.length);
      return out;
    };
    const ihdrEnd = 8 + 8 + 13 + 4;
    writeFileSync(path.join(dir, 'cat.png'), Buffer.concat([png.subarray(0, ihdrEnd), chunk('acTL', Buffer.from([0, 0, 0, 1, 0, 0, 0, 0])), png.subarray(ihdrEnd)]));
    const home2 = path.join(t.dir, 'home-variants');
    const r = await cli(home2, ['index', dir, '--passes', 'preview', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = r.json<IndexJson>();
    assert.deepEqual(j.failed, []);
    assert.deepEqual([j.executed.metadata, j.executed.preview], [2, 2]);
    const db = new Database(path.join(home2, 'rawlight.db'), { readonly: true });
    try {
      const rows = db.prepare(`SELECT f.ext, m.file_type, m.warnings, p.width, p.height FROM files f JOIN metadata m ON m.file_id = f.id JOIN previews p ON p.file_id = f.id ORDER BY f.ext`).all() as { ext: string; file_type: string; warnings: string; width: number; height: number }[];
      assert.deepEqual(
        rows.map((x) => [x.ext, x.file_type, JSON.parse(x.warnings), x.width, x.height]),
        [
          ['png', 'APNG', [], 441, 331],
          ['webp', 'WEBP (lossless)', [], 441, 331],
        ],
      );
    } finally {
      db.close();
    }
  });

  test('a JPEG XL recompressed from a JPEG with Orientation 6 is upright (decoded, not the stored JPEG given back)', async () => {
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      // cjxl kept the JPEG's Exif Brotli-compressed (a brob box), which ExifTool reads only with a
      // Perl module the vendored copy lacks: read from a copy with the box decompressed (jxl-boxes.ts).
      const m = db.prepare(`SELECT m.model, m.captured_at, m.gps_lat, m.orientation FROM metadata m JOIN files f ON f.id = m.file_id WHERE f.path LIKE '%_orientation6.jxl'`).get() as { model: string; captured_at: string; gps_lat: number; orientation: number };
      assert.equal(m.model, 'iPhone SE');
      assert.match(m.captured_at, /^2016-08-27T10:06:19/);
      assert.ok(Math.abs(m.gps_lat - 48.53871) < 1e-3, `GPS ${m.gps_lat}`);
      assert.equal(m.orientation, 6);
      const p = db.prepare(`SELECT p.width, p.height, p.path FROM previews p JOIN files f ON f.id = p.file_id WHERE f.path LIKE '%_orientation6.jxl'`).get() as { width: number; height: number; path: string };
      assert.deepEqual([p.width, p.height], [331, 441]);
      const ref = await sharp(path.join(SRC, 'PXL_motion_cat_brown.MP.jpg')).rotate(90).resize(48, 64, { fit: 'fill' }).raw().toBuffer();
      const px = await sharp(path.join(home, 'cache', p.path)).resize(48, 64, { fit: 'fill' }).raw().toBuffer();
      let d = 0;
      for (let i = 0; i < px.length; i++) d += Math.abs(px[i]! - ref[i]!);
      assert.ok(d / px.length < 8, `mean difference ${(d / px.length).toFixed(1)} from the original turned upright`);
    } finally {
      db.close();
    }
  });

  test('a djxl without a JPEG writer: PNG, asked again at 16 bits for float samples', async () => {
    // A djxl in front of the real one on PATH that refuses JPEG output and logs what it was asked.
    const bin = path.join(t.dir, 'bin');
    const calls = path.join(t.dir, 'djxl-calls.txt');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'djxl'), `#!/bin/sh\necho "$*" >> '${calls}'\ncase "$*" in *.jpg) echo 'JPEG writer not built' >&2; exit 1;; esac\nexec /usr/bin/djxl "$@"\n`, { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved}`;
    try {
      const png = await djxlDecoder.toJpeg(path.join(SRC, 'cat_brown_float.jxl'));
      const m = await sharp(png).metadata();
      assert.deepEqual([m.format, m.width, m.height], ['png', 441, 331]);
      const asked = readFileSync(calls, 'utf8').trim().split('\n').map((l) => l.replace(/ \/\S+/g, ''));
      assert.deepEqual(asked, ['--quiet -j --bits_per_sample=8', '--quiet', '--quiet --bits_per_sample=16']);
    } finally {
      process.env.PATH = saved;
    }
  });

  test('the previews show the photo: each is close to the original JPEG', async () => {
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      const ref = await sharp(path.join(SRC, 'PXL_motion_cat_brown.MP.jpg')).resize(64, 48, { fit: 'fill' }).raw().toBuffer();
      for (const r of db.prepare(`SELECT f.ext, p.path FROM previews p JOIN files f ON f.id = p.file_id WHERE f.path NOT LIKE '%_orientation6.jxl'`).all() as { ext: string; path: string }[]) {
        const px = await sharp(path.join(home, 'cache', r.path)).resize(64, 48, { fit: 'fill' }).raw().toBuffer();
        let d = 0;
        for (let i = 0; i < px.length; i++) d += Math.abs(px[i]! - ref[i]!);
        assert.ok(d / px.length < 8, `${r.ext}: mean difference ${(d / px.length).toFixed(1)} from the original`);
      }
    } finally {
      db.close();
    }
  });

  test('show notes the motion photo embedded video (the still is what is indexed)', async () => {
    const mp = await cli(home, ['show', path.join(lib, 'PXL_motion_cat_brown.MP.jpg'), '--json']);
    assert.equal(mp.code, 0, mp.stderr);
    assert.deepEqual(mp.json<{ motionPhoto: unknown }>().motionPhoto, { format: 'google-motion-photo', videoOffsetFromEnd: 67 });
    const still = await cli(home, ['show', path.join(lib, 'cat_brown.avif'), '--json']);
    assert.equal(still.json<{ motionPhoto: unknown }>().motionPhoto, null);
    const text = await cli(home, ['show', path.join(lib, 'PXL_motion_cat_brown.MP.jpg')]);
    assert.match(text.stdout, /motion photo: the still is indexed; embedded video/);
    assert.match(text.stdout, /preview image: 441x331 from the file's own image\n/);
    // Where each preview came from, in words: a platform decoder, and the orientation it applied.
    assert.match((await cli(home, ['show', path.join(lib, 'cat_brown.jp2')])).stdout, /preview image: 441x331 from opj_decompress\n/);
    assert.match((await cli(home, ['show', path.join(lib, 'cat_brown_orientation6.jxl')])).stdout, /preview image: 331x441 from djxl\n/);
  });

  test('a motion photo as phones write it since 2021 (format 1.0: a container directory, no offset tag): show says where its video starts', async () => {
    const dir = path.join(t.dir, 'motion-v1');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'PXL_20240101_120000000.MP.jpg');
    await sharp(path.join(SRC, 'cat_brown.avif')).jpeg({ quality: 80 }).toFile(file);
    // An MP4's first box (ftyp) and an mdat; the directory gives the video's length, padding included.
    const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom\0\0\x02\0isommp41', 'latin1')]);
    const body = Buffer.from('a second of a cat, in words rather than frames', 'latin1');
    const mdat = Buffer.concat([Buffer.alloc(4), Buffer.from('mdat', 'latin1'), body]);
    mdat.writeUInt32BE(mdat.length, 0);
    const video = Buffer.concat([ftyp, mdat]);
    execFileSync('perl', [EXIFTOOL, '-q', '-overwrite_original', '-XMP-GCamera:MotionPhoto=1', '-XMP-GCamera:MotionPhotoVersion=1',
      `-ContainerDirectory=[{Item={Mime=image/jpeg,Semantic=Primary,Length=0,Padding=0}},{Item={Mime=video/mp4,Semantic=MotionPhoto,Length=${video.length},Padding=0}}]`, file]);
    writeFileSync(file, Buffer.concat([readFileSync(file), video]));
    const home3 = path.join(t.dir, 'home-motion-v1');
    const r = await cli(home3, ['index', dir, '--passes', 'preview', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json<IndexJson>().failed, []);
    const mp = (await cli(home3, ['show', file, '--json'])).json<{ motionPhoto: { videoOffsetFromEnd: number } | null }>().motionPhoto;
    assert.deepEqual(mp, { format: 'google-motion-photo', videoOffsetFromEnd: video.length, videoMime: 'video/mp4' });
    const bytes = readFileSync(file);
    assert.equal(bytes.subarray(bytes.length - mp!.videoOffsetFromEnd + 4, bytes.length - mp!.videoOffsetFromEnd + 8).toString('latin1'), 'ftyp', 'the offset points at the MP4');
    const text = await cli(home3, ['show', file]);
    assert.match(text.stdout, new RegExp(`motion photo: the still is indexed; embedded video/mp4 video, the last ${video.length} bytes of the file \\(motion photo format\\)`));
  });

  test('a Samsung motion photo from before 2021 (the video in the trailer ExifTool skips with -fast): show says where the video starts', async () => {
    const dir = path.join(t.dir, 'motion-samsung');
    mkdirSync(dir, { recursive: true });
    const still = path.join(dir, '20200913_122640.jpg');
    const plain = path.join(dir, '20200913_122700.jpg');
    for (const f of [still, plain]) {
      await sharp(path.join(SRC, 'cat_brown.avif')).jpeg({ quality: 80 }).toFile(f);
      execFileSync('perl', [EXIFTOOL, '-q', '-overwrite_original', '-Make=samsung', '-Model=SM-G973F', f]);
    }
    const video = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom\0\0\x02\0isommp41', 'latin1'), Buffer.from('three seconds of a cat', 'latin1')]);
    writeFileSync(still, withSamsungTrailer(readFileSync(still), [
      { type: 0x0a01, name: 'Image_UTC_Data', data: Buffer.from('1600000000000', 'latin1') },
      { type: 0x0a30, name: 'MotionPhoto_Data', data: video },
    ]));
    // The trailer as built is Samsung's as ExifTool reads it (without -fast).
    assert.ok(execFileSync('perl', [EXIFTOOL, '-b', '-EmbeddedVideoFile', still], { maxBuffer: 1 << 20 }).equals(video), 'ExifTool finds the same video');
    const home4 = path.join(t.dir, 'home-motion-samsung');
    const r = await cli(home4, ['index', dir, '--passes', 'metadata', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json<IndexJson>().failed, []);
    const mp = (await cli(home4, ['show', still, '--json'])).json<{ motionPhoto: { format: string; videoOffsetFromEnd: number } | null }>().motionPhoto;
    assert.equal(mp?.format, 'samsung');
    const bytes = readFileSync(still);
    assert.equal(bytes.subarray(bytes.length - mp!.videoOffsetFromEnd + 4, bytes.length - mp!.videoOffsetFromEnd + 8).toString('latin1'), 'ftyp', 'the offset points at the MP4');
    assert.match((await cli(home4, ['show', still])).stdout, /motion photo: the still is indexed; embedded video, the last \d+ bytes of the file \(Samsung's trailer\)/);
    assert.equal((await cli(home4, ['show', plain, '--json'])).json<{ motionPhoto: unknown }>().motionPhoto, null, 'a Samsung photo without the trailer is a still');
  });

  test('a truncated JPEG XL, AVIF or JPEG 2000 file is a recorded preview failure naming the decoder, not a crash', async () => {
    const exif = new ExifReader({ maxProcs: 1 });
    try {
      const pass = createPreviewPass({ exif, cacheDir: path.join(t.dir, 'c3'), heicDecoders: [], avifDecoders: [avifdecDecoder], jxlDecoders: [djxlDecoder], jp2Decoders: [opjDecoder()] });
      const db = { prepare: () => ({ get: () => undefined }) } as unknown as Parameters<typeof pass.inputKey>[0];
      for (const [name, ext] of [['cat_brown.jxl', 'jxl'], ['cat_brown.avif', 'avif'], ['cat_brown_animated.avif', 'avif'], ['cat_brown.jp2', 'jp2']] as const) {
        const cut = path.join(t.dir, `cut.${ext}`);
        writeFileSync(cut, readFileSync(path.join(SRC, name)).subarray(0, 600));
        const file = { id: 1, path: cut, ext, content_hash: 'x' } as unknown as Parameters<typeof pass.inputKey>[1];
        await assert.rejects(pass.run({ file, inputKey: 'x:1', db, log: undefined as never, signal: new AbortController().signal }), (e: { code?: string; message: string }) => {
          assert.ok(['PREVIEW_NONE', 'PREVIEW_DECODE_FAILED'].includes(e.code ?? ''), `${ext}: ${e.code} ${e.message}`);
          // Said of the file, not of an "embedded preview" a JPEG XL or a JPEG 2000 never has.
          if (e.code === 'PREVIEW_NONE') assert.match(e.message, /^No preview could be made from the file: /);
          // The decoder's own words, not "Command failed: <its command line>".
          if (ext === 'jxl') assert.match(e.message, /djxl: .*truncated/i);
          // OpenJPEG's reason (which it prints on stdout), not its "failed to decode image!".
          if (ext === 'jp2') assert.match(e.message, /opj_decompress: \[ERROR\] Tile part length size inconsistent with stream length/);
          if (name === 'cat_brown_animated.avif') assert.match(e.message, /avifdec: .*(error|truncated|failed)/i);
          else if (ext === 'avif') assert.match(e.message, /avifdec: unsupported: not an image sequence/);
          return true;
        });
      }
    } finally {
      await exif.end();
    }
  });

  test('a decoder not installed: AVIF_DECODER_MISSING for an animated AVIF, JXL_DECODER_MISSING for JPEG XL, JP2_DECODER_MISSING for JPEG 2000 (retried, e.g. after installing it)', async () => {
    const exif = new ExifReader({ maxProcs: 1 });
    try {
      const cases = [
        { tool: 'avifdec', name: 'cat_brown_animated.avif', ext: 'avif', code: 'AVIF_DECODER_MISSING', said: /file: .*unsupported image format; avifdec: not installed\. On Linux install avifdec \(Debian: libavif-bin\)/ },
        { tool: 'djxl', name: 'cat_brown.jxl', ext: 'jxl', code: 'JXL_DECODER_MISSING', said: /djxl: not installed\. On Linux install djxl \(Debian: libjxl-tools\)/ },
        { tool: 'opj_decompress', name: 'cat_brown.jp2', ext: 'jp2', code: 'JP2_DECODER_MISSING', said: /opj_decompress: not installed\. On Linux install opj_decompress \(Debian: libopenjp2-tools\)/ },
      ];
      for (const c of cases) {
        const missing = [{ name: c.tool, toJpeg: () => Promise.reject(Object.assign(new Error(`spawn ${c.tool} ENOENT`), { code: 'ENOENT', syscall: `spawn ${c.tool}` })) }];
        const pass = createPreviewPass({ exif, cacheDir: path.join(t.dir, `c-${c.ext}`), heicDecoders: [], avifDecoders: missing, jxlDecoders: missing, jp2Decoders: missing });
        const db = { prepare: () => ({ get: () => undefined }) } as unknown as Parameters<typeof pass.inputKey>[0];
        const file = { id: 1, path: path.join(lib, c.name), ext: c.ext, content_hash: 'x' } as unknown as Parameters<typeof pass.inputKey>[1];
        await assert.rejects(pass.run({ file, inputKey: 'x:1', db, log: undefined as never, signal: new AbortController().signal }), (e: { code?: string; message: string }) => {
          assert.equal(e.code, c.code, e.message);
          assert.match(e.message, c.said);
          return true;
        });
      }
    } finally {
      await exif.end();
    }
  });
});

describe('a decoder not installed, through `rawlight index`', () => {
  const t = tempDir('rawlight-no-decoder-');
  after(() => t.cleanup());

  test('the file is a recorded failure naming the package, and index does not wait out retries that would fail alike (the daemon retries later)', async () => {
    const lib = path.join(t.dir, 'lib');
    const home = path.join(t.dir, 'home');
    mkdirSync(lib, { recursive: true });
    mkdirSync(home, { recursive: true });
    copyFileSync(path.join(SRC, 'cat_brown.jp2'), path.join(lib, 'scan.jp2'));
    // Retries a second apart: `index` waits for those due within a minute, so before it would have
    // run all five attempts of this one (and still failed).
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ queue: { retryBaseSeconds: 1 } }));
    // PATH without opj_decompress: perl alone (ExifTool needs it).
    const bin = path.join(t.dir, 'bin');
    mkdirSync(bin);
    symlinkSync(execFileSync('sh', ['-c', 'command -v perl'], { encoding: 'utf8' }).trim(), path.join(bin, 'perl'));
    const saved = process.env.PATH;
    process.env.PATH = bin;
    const r = await cli(home, ['index', lib, '--passes', 'preview', '--json']).finally(() => (process.env.PATH = saved));
    assert.equal(r.code, 0, r.stderr);
    const out = r.json<IndexJson & { waitingRetries: number }>();
    assert.deepEqual(out.failed.map((f) => [path.basename(f.path), f.code]), [['scan.jp2', 'JP2_DECODER_MISSING']]);
    assert.match(out.failed[0]!.error, /opj_decompress: not installed\. On Linux install opj_decompress \(Debian: libopenjp2-tools\)/);
    assert.equal(out.waitingRetries, 1, 'left to the daemon, which retries it (and every six hours once dead)');
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      const job = db.prepare(`SELECT state, attempts, last_error_code FROM jobs WHERE pass = 'preview'`).get();
      assert.deepEqual(job, { state: 'pending', attempts: 1, last_error_code: 'JP2_DECODER_MISSING' }, 'tried once in this run');
    } finally {
      db.close();
    }
  });
});

describe('image sequences: a HEIF burst (brand msf1, ExifTool\'s HEIFS), .heics and .avifs', () => {
  const t = tempDir('rawlight-heifs-');
  after(() => t.cleanup());

  test('gets metadata and a preview from its stills (heif-convert 1.15 refuses the brand: it reads a copy), the file untouched', async () => {
    const lib = path.join(t.dir, 'lib');
    mkdirSync(lib, { recursive: true });
    // Two frames of a burst, encoded by libheif's heif-enc as two top-level images, the first
    // primary; then branded as a sequence, as cameras and phones brand their bursts.
    const cat = path.join(SRC, 'PXL_motion_cat_brown.MP.jpg');
    const frames = [path.join(t.dir, 'f1.jpg'), path.join(t.dir, 'f2.jpg')];
    await sharp(cat).resize(320).jpeg().toFile(frames[0]!);
    await sharp(cat).resize(320).linear(0.5, 0).jpeg().toFile(frames[1]!);
    const burst = path.join(lib, 'IMG_0001.HEIC');
    execFileSync('heif-enc', ['-q', '60', '-o', burst, ...frames]);
    const bytes = readFileSync(burst);
    bytes.write('msf1', 8, 'latin1');
    writeFileSync(burst, bytes);
    assert.deepEqual((await ftypBrands(burst)).slice(0, 1), ['msf1']);
    // The sequence extensions (Apple's .heics: iOS stickers; .avifs) are photos too.
    copyFileSync(burst, path.join(lib, 'sticker.heics'));
    copyFileSync(path.join(SRC, 'cat_brown_animated.avif'), path.join(lib, 'cat.avifs'));

    const home = path.join(t.dir, 'home');
    const r = await cli(home, ['index', lib, '--passes', 'preview', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.json<IndexJson>();
    assert.deepEqual(out.failed, []);
    assert.equal(out.executed.preview, 3);
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      const rows = db.prepare(`SELECT f.ext, m.file_type, m.warnings, p.width, p.height, p.source FROM files f JOIN metadata m ON m.file_id = f.id JOIN previews p ON p.file_id = f.id ORDER BY f.ext`).all();
      assert.deepEqual(rows, [
        { ext: 'avifs', file_type: 'AVIF', warnings: '[]', width: 441, height: 331, source: 'avifdec' },
        { ext: 'heic', file_type: 'HEIFS', warnings: '[]', width: 320, height: 240, source: 'heif-convert' },
        { ext: 'heics', file_type: 'HEIFS', warnings: '[]', width: 320, height: 240, source: 'heif-convert' },
      ]);
    } finally {
      db.close();
    }
    assert.ok(readFileSync(burst).equals(bytes), 'the burst itself is not touched');
  });
});
