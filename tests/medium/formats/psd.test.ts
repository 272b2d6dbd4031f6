// Photoshop documents: the composite image as a TIFF libvips reads (src/image/psd.ts), checked
// pixel for pixel on documents written here, and end to end through the CLI on files Photoshop
// saved (tests/fixtures/README.md), whose own thumbnails are the reference for the preview.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { isDaemonError } from '../../../src/errors/index.js';
import { NoComposite, psdCompositeToTiff } from '../../../src/image/psd.js';
import { renderPreview } from '../../../src/image/render.js';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { createPreviewPass } from '../../../src/passes/preview.pass.js';
import { cli } from '../../helpers/cli.js';
import { copyFixtures, REPO, tempDir } from '../../helpers/fixtures.js';

const SRC = path.join(REPO, 'tests', 'fixtures', 'psd');

/** PackBits, as Photoshop packs each row: runs of 3+ equal bytes repeated, the rest literal. */
function packBits(row: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < row.length; ) {
    let run = 1;
    while (i + run < row.length && run < 128 && row[i + run] === row[i]) run++;
    if (run >= 3) {
      out.push(257 - run, row[i]!);
      i += run;
      continue;
    }
    let n = 0;
    while (i + n < row.length && n < 128 && !(i + n + 2 < row.length && row[i + n] === row[i + n + 1] && row[i + n] === row[i + n + 2])) n++;
    out.push(n - 1, ...row.subarray(i, i + n));
    i += n;
  }
  return Buffer.from(out);
}

interface Doc {
  width: number;
  height: number;
  mode: number;
  depth?: number;
  /** Each channel's rows, unpacked (colour channels first, then any alpha or spot channel). */
  planes: Buffer[];
  rle?: boolean;
  psb?: boolean;
  /** hasRealMergedData in the version info resource (absent: no such resource, as old writers). */
  merged?: boolean;
  /** An embedded ICC profile (image resource 0x040F). */
  icc?: Buffer;
}

/** A minimal Photoshop document with the given composite (no layers), laid out per Adobe's spec. */
function psd(d: Doc): Buffer {
  const depth = d.depth ?? 8;
  const rowBytes = Math.ceil((d.width * depth) / 8);
  const header = Buffer.alloc(26);
  header.write('8BPS', 0, 'latin1');
  header.writeUInt16BE(d.psb ? 2 : 1, 4);
  header.writeUInt16BE(d.planes.length, 12);
  header.writeUInt32BE(d.height, 14);
  header.writeUInt32BE(d.width, 18);
  header.writeUInt16BE(depth, 22);
  header.writeUInt16BE(d.mode, 24);
  const u32 = (v: number) => Buffer.from([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
  let resources = Buffer.alloc(0);
  if (d.merged !== undefined) {
    const data = Buffer.concat([u32(1), Buffer.from([d.merged ? 1 : 0, 0])]); // version, hasRealMergedData, padding
    resources = Buffer.concat([Buffer.from('8BIM', 'latin1'), Buffer.from([0x04, 0x21, 0, 0]), u32(data.length), data]);
  }
  if (d.icc) {
    const pad = d.icc.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0);
    resources = Buffer.concat([resources, Buffer.from('8BIM', 'latin1'), Buffer.from([0x04, 0x0f, 0, 0]), u32(d.icc.length), d.icc, pad]);
  }
  const rows = d.planes.flatMap((p) => Array.from({ length: d.height }, (_, y) => p.subarray(y * rowBytes, (y + 1) * rowBytes)));
  let image: Buffer;
  if (d.rle ?? true) {
    const packed = rows.map(packBits);
    const counts = Buffer.alloc(packed.length * (d.psb ? 4 : 2));
    packed.forEach((p, i) => (d.psb ? counts.writeUInt32BE(p.length, i * 4) : counts.writeUInt16BE(p.length, i * 2)));
    image = Buffer.concat([Buffer.from([0, 1]), counts, ...packed]);
  } else {
    image = Buffer.concat([Buffer.from([0, 0]), ...rows]);
  }
  return Buffer.concat([header, u32(0), u32(resources.length), resources, d.psb ? Buffer.alloc(8) : u32(0), image]);
}

/** Interleaved pixels → planes. */
function planar(px: number[][], channels: number, bytes = 1): Buffer[] {
  return Array.from({ length: channels }, (_, c) => {
    const b = Buffer.alloc(px.length * bytes);
    px.forEach((p, i) => (bytes === 2 ? b.writeUInt16BE(p[c]!, i * 2) : (b[i] = p[c]!)));
    return b;
  });
}

describe('Photoshop composite → TIFF', () => {
  const t = tempDir('rawlight-psdunit-');
  after(() => t.cleanup());
  let n = 0;
  async function composite(doc: Buffer | Doc, room?: (dir: string) => Promise<number>) {
    const file = path.join(t.dir, `${n++}.psd`);
    writeFileSync(file, Buffer.isBuffer(doc) ? doc : psd(doc));
    const out = `${file}.tif`;
    const info = await psdCompositeToTiff(file, out, room);
    return { info, out };
  }
  // 3x2 pixels with runs (PackBits repeats) and changes (literals) in every row.
  const PX = [[255, 0, 0], [255, 0, 0], [255, 0, 0], [0, 128, 255], [7, 7, 7], [200, 100, 50]];

  test('RGB, packed and unpacked, PSD and PSB: the same pixels; an extra channel (transparency) is left out', async () => {
    for (const variant of [{}, { rle: false }, { psb: true }, { psb: true, rle: false }]) {
      const alpha = Buffer.from([255, 255, 0, 0, 128, 255]);
      const { info, out } = await composite({ width: 3, height: 2, mode: 3, planes: [...planar(PX, 3), alpha], ...variant });
      assert.deepEqual(info, { width: 3, height: 2, depth: 8, mode: 'RGB' });
      const { data, info: got } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
      assert.equal(got.channels, 3, JSON.stringify(variant));
      assert.deepEqual([...data], PX.flat(), JSON.stringify(variant));
    }
  });

  test('16-bit samples keep their precision (big-endian, as in the document)', async () => {
    const px16 = [[65535, 0, 257], [1, 32768, 65534], [4660, 22136, 39612], [0, 0, 0]];
    const { out } = await composite({ width: 2, height: 2, mode: 3, depth: 16, planes: planar(px16, 3, 2) });
    const data = await sharp(out).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer();
    assert.deepEqual([...new Uint16Array(data.buffer, data.byteOffset, 12)], px16.flat());
  });

  test('a 16-bit document with its profile keeps its colours in the preview (sharp works in P3 at 16 bits)', async () => {
    const red = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#f00' } }).png().toBuffer();
    const srgb = (await sharp(await sharp(red).withIccProfile('srgb').png().toBuffer()).metadata()).icc!;
    const px16 = Array.from({ length: 64 * 64 }, (_, i) => (i < 2048 ? [65535, 0, 0] : [0, 0, 65535]));
    const { out } = await composite({ width: 64, height: 64, mode: 3, depth: 16, planes: planar(px16, 3, 2), icc: srgb });
    const cache = path.join(t.dir, 'cache');
    const r = await renderPreview(out, 1, { cacheDir: cache });
    const { data } = await sharp(path.join(cache, r.path)).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)];
    // JPEG at quality 85 moves a flat colour by a few levels; P3 red read as sRGB is 234,51,34.
    for (const [px, want] of [[at(32, 8), [255, 0, 0]], [at(32, 56), [0, 0, 255]]] as const) {
      assert.ok(px.every((v, i) => Math.abs(v - want[i]!) <= 8), `${px} should be ${want}`);
    }
  });

  test('grayscale, bitmap (1 = black) and indexed (the palette) read as Photoshop shows them', async () => {
    const gray = await composite({ width: 3, height: 1, mode: 1, planes: [Buffer.from([0, 128, 255])] });
    assert.deepEqual([...(await sharp(gray.out).toColourspace('b-w').raw().toBuffer())], [0, 128, 255]);
    // 10 pixels a row, 1 bit each (2 bytes a row): 1 is black in Photoshop's bitmap mode.
    const bits = await composite({ width: 10, height: 1, mode: 0, depth: 1, planes: [Buffer.from([0b10100000, 0b01000000])] });
    assert.deepEqual([...(await sharp(bits.out).toColourspace('b-w').raw().toBuffer())], [0, 255, 0, 255, 255, 255, 255, 255, 255, 0]);
    const palette = Buffer.alloc(768);
    palette[1] = 200; // index 1: R 200
    palette[256 + 1] = 10; // G 10
    palette[512 + 2] = 99; // index 2: B 99
    const doc = psd({ width: 3, height: 1, mode: 2, planes: [Buffer.from([1, 2, 0])] });
    // The palette lives in the colour mode data: splice it in after the header.
    const indexed = Buffer.concat([doc.subarray(0, 26), Buffer.from([0, 0, 3, 0]), palette, doc.subarray(30)]);
    const idx = await composite(indexed);
    assert.equal(idx.info.mode, 'indexed');
    assert.deepEqual([...(await sharp(idx.out).toColourspace('srgb').removeAlpha().raw().toBuffer())], [200, 10, 0, 0, 0, 99, 0, 0, 0]);
  });

  test('CMYK: ink is stored inverted in a Photoshop document and turned round, packed or not', async () => {
    // No ink (255 in the document) is white; full black ink (K 0 in the document) is black.
    const cmyk = [[255, 255, 255, 255], [255, 255, 255, 0], [0, 255, 255, 255], [255, 255, 255, 255]];
    for (const rle of [true, false]) {
      const { info, out } = await composite({ width: 4, height: 1, mode: 4, planes: planar(cmyk, 4), rle });
      assert.equal(info.mode, 'CMYK');
      const rgb = await sharp(out).toColourspace('srgb').removeAlpha().raw().toBuffer();
      assert.ok(rgb.subarray(0, 3).every((v) => v > 245), `no ink is white: ${[...rgb.subarray(0, 3)]}`);
      assert.ok(rgb.subarray(3, 6).every((v) => v < 60), `full black ink is black: ${[...rgb.subarray(3, 6)]}`);
      assert.ok(rgb[6]! < 60 && rgb[7]! > 120 && rgb[8]! > 180, `full cyan is cyan: ${[...rgb.subarray(6, 9)]}`);
    }
    // The inversion around PackBits' control bytes, byte for byte: the TIFF's samples are 255 - v.
    const raw = [[3, 3, 3, 3], [3, 3, 3, 3], [3, 3, 3, 3], [9, 8, 7, 200]];
    const { out } = await composite({ width: 4, height: 1, mode: 4, planes: planar(raw, 4) });
    const tiff = readFileSync(out);
    const packed = Buffer.from(planar(raw, 4).map((p) => packBits(p).map((b, i, a) => (isControl(a, i) ? b : 255 - b))).flatMap((b) => [...b]));
    assert.ok(tiff.includes(packed), 'the packed rows, their samples inverted, follow the header');
  });

  test('what it cannot read says why (the caller then takes Photoshop\'s thumbnail)', async () => {
    const rgb = { width: 3, height: 2, mode: 3, planes: planar(PX, 3) };
    await assert.rejects(composite({ ...rgb, merged: false }), (e: unknown) => e instanceof NoComposite && /Maximize compatibility/.test(e.message));
    await assert.rejects(composite({ ...rgb, mode: 9 }), (e: unknown) => e instanceof NoComposite && /Lab/.test(e.message));
    await assert.rejects(composite({ ...rgb, mode: 7 }), (e: unknown) => e instanceof NoComposite && /multichannel/.test(e.message));
    await assert.rejects(composite(psd(rgb).subarray(0, 60)), (e: unknown) => e instanceof NoComposite && /truncated/.test(e.message));
    await assert.rejects(composite(Buffer.from('GIF89a, not a Photoshop document at all....')), (e: unknown) => e instanceof NoComposite && /8BPS/.test(e.message));
    // A damaged header claiming 4 billion rows: refused before any row table is made, packed or not.
    for (const rle of [false, true]) {
      const huge = psd({ ...rgb, rle });
      huge.writeUInt32BE(0xfffffff0, 14);
      huge.writeUInt32BE(0xfffffff0, 18);
      await assert.rejects(composite(huge), (e: unknown) => e instanceof NoComposite && /truncated/.test(e.message));
    }
    // A real composite is read when the version info says so.
    assert.equal((await composite({ ...rgb, merged: true })).info.mode, 'RGB');
  });

  test('no room for the TIFF in the temporary folder is DISK_FULL, before writing anything', async () => {
    const file = path.join(t.dir, 'room.psd');
    writeFileSync(file, psd({ width: 3, height: 2, mode: 3, planes: planar(PX, 3) }));
    const out = path.join(t.dir, 'room', 'composite.tif');
    mkdirSync(path.dirname(out));
    await assert.rejects(psdCompositeToTiff(file, out, async () => 10 * 2 ** 20), (e: unknown) => isDaemonError(e) && e.code === 'DISK_FULL');
    assert.deepEqual(readdirSync(path.dirname(out)), []);
    await psdCompositeToTiff(file, out, async () => 2 ** 40);
    assert.deepEqual(readdirSync(path.dirname(out)), ['composite.tif']);
  });
});

/** Whether byte i of a PackBits stream is a control byte (walking from its start). */
function isControl(a: Buffer, i: number): boolean {
  for (let p = 0; p < a.length; ) {
    if (p === i) return true;
    const n = a[p]! > 127 ? a[p]! - 256 : a[p]!;
    p += n >= 0 ? n + 2 : n === -128 ? 1 : 2;
    if (p > i) return false;
  }
  return false;
}

describe('Photoshop documents, end to end', () => {
  const t = tempDir('rawlight-psd-e2e-');
  const lib = path.join(t.dir, 'lib');
  const home = path.join(t.dir, 'home');
  // The composites' temporary TIFFs go to a folder of this test's own, checked empty at the end.
  const tmp = path.join(t.dir, 'tmp');
  const tmpBefore = process.env.TMPDIR;
  let result: { files: number; executed: Record<string, number>; failed: { path: string; code: string | null; error: string }[] };
  before(async () => {
    mkdirSync(lib, { recursive: true });
    mkdirSync(tmp);
    process.env.TMPDIR = tmp;
    for (const f of readdirSync(SRC)) copyFileSync(path.join(SRC, f), path.join(lib, f));
    const r = await cli(home, ['index', lib, '--passes', 'preview', '--json']);
    assert.equal(r.code, 0, r.stderr);
    result = r.json();
  });
  after(() => {
    if (tmpBefore === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpBefore;
    t.cleanup();
  });

  const rows = () => {
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      return db
        .prepare(`SELECT f.path, m.file_type, m.width, m.height, m.captured_at, m.capture_offset, m.warnings, p.source, p.path AS preview FROM files f JOIN metadata m ON m.file_id = f.id LEFT JOIN previews p ON p.file_id = f.id ORDER BY f.path`)
        .all() as { path: string; file_type: string; width: number; height: number; captured_at: string; capture_offset: string; warnings: string; source: string | null; preview: string | null }[];
    } finally {
      db.close();
    }
  };

  test('every document is found and read (PSD and PSB); each gets a preview; none fails', () => {
    assert.equal(result.files, 9);
    assert.deepEqual(result.failed, []);
    assert.equal(result.executed.preview, 9);
    const byName = new Map(rows().map((r) => [path.basename(r.path), r]));
    assert.equal(byName.get('1layer.psb')!.file_type, 'PSB');
    assert.deepEqual([byName.get('curves_cmyk.psd')!.width, byName.get('curves_cmyk.psd')!.height], [200, 200]);
    // Photoshop CS6 wrote xmp:CreateDate, the date the document was made.
    assert.deepEqual([byName.get('metadata.psd')!.captured_at, byName.get('metadata.psd')!.capture_offset], ['2014-07-19T17:04:49', '-05:00']);
    for (const r of byName.values()) assert.doesNotMatch(r.warnings ?? '', /extension says/, r.path);
    const sources = Object.fromEntries([...byName].map(([k, r]) => [k, r.source]));
    assert.equal(sources['adjustment-fillers.psd'], 'PhotoshopThumbnail', 'no composite: the thumbnail Photoshop stored');
    // ...and why, where `show --json` shows it (the preview pass's output).
    const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      const out = db.prepare(`SELECT r.output FROM pass_results r JOIN files f ON f.id = r.file_id WHERE r.pass = 'preview' AND f.path LIKE '%adjustment-fillers.psd'`).pluck().get() as string;
      assert.deepEqual(JSON.parse(out).skipped, ['composite: no composite image (saved without "Maximize compatibility")']);
    } finally {
      db.close();
    }
    assert.equal(sources['32bit.psd'], 'PhotoshopThumbnail', 'a 32-bit document: the thumbnail');
    for (const f of ['metadata.psd', '1layer.psb', '4x4_16bit_rgb.psd', '4x4_8bit_index_color.psd', '4x4_1bit_bitmap.psd', 'threshold_grayscale.psd', 'curves_cmyk.psd']) {
      assert.equal(sources[f], 'composite', f);
    }
  });

  test('each composite preview looks like the thumbnail Photoshop made of the same document', async () => {
    // Documents of a few pixels are left out: Photoshop's JPEG of a 4x4 image is mostly artefact.
    const compared = rows().filter((x) => x.source === 'composite' && Math.min(x.width, x.height) >= 32);
    assert.deepEqual(compared.map((r) => path.basename(r.path)), ['1layer.psb', 'curves_cmyk.psd', 'metadata.psd', 'threshold_grayscale.psd']);
    for (const r of compared) {
      const thumb = execFileSync('exiftool', ['-b', '-PhotoshopThumbnail', r.path]);
      const { width, height } = await sharp(thumb).metadata();
      const small = (input: Buffer | string) => sharp(input).resize(width, height, { fit: 'fill' }).toColourspace('srgb').removeAlpha().raw().toBuffer();
      const [a, b] = await Promise.all([small(path.join(home, 'cache', r.preview!)), small(thumb)]);
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
      // The thumbnail is a small, strongly compressed JPEG: a few grey levels apart on average
      // (a wrong channel order, inversion or bit depth is 50-150 apart).
      assert.ok(sum / a.length < 12, `${path.basename(r.path)}: ${(sum / a.length).toFixed(1)} grey levels from Photoshop's thumbnail`);
    }
  });

  test('no temporary TIFF is left behind', () => {
    assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('rawlight-psd-')), []);
  });
});

describe('damaged and foreign files named .psd', () => {
  const t = tempDir('rawlight-psd-bad-');
  after(() => t.cleanup());

  test('each is recorded with a clear reason, or shows what pixels it has; the run goes on', async () => {
    const lib = path.join(t.dir, 'lib');
    mkdirSync(lib, { recursive: true });
    // A JPEG saved under .psd (the shared corpus' photo), and one with an 8x8 thumbnail only.
    const [jpeg] = copyFixtures(path.join(t.dir, 'src'), ['photos/gps/kenya_lizard.jpg']);
    copyFileSync(jpeg!, path.join(lib, 'saved-as.psd'));
    // A Photoshop document cut short (a copy interrupted), and an empty one.
    const whole = readFileSync(path.join(SRC, 'threshold_grayscale.psd'));
    writeFileSync(path.join(lib, 'cut.psd'), whole.subarray(0, Math.floor(whole.length / 2)));
    writeFileSync(path.join(lib, 'empty.psd'), Buffer.alloc(0));
    copyFileSync(path.join(SRC, 'metadata.psd'), path.join(lib, 'fine.psd'));
    const r = await cli(path.join(t.dir, 'home'), ['index', lib, '--passes', 'preview', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.json<{ executed: Record<string, number>; failed: { path: string; pass: string; code: string | null; error: string }[] }>();
    const failed = Object.fromEntries(out.failed.map((f) => [path.basename(f.path), f]));
    assert.deepEqual(Object.keys(failed), ['empty.psd']);
    assert.equal(failed['empty.psd']!.code, 'FILE_EMPTY');
    const db = new Database(path.join(t.dir, 'home', 'rawlight.db'), { readonly: true });
    try {
      const rows = db
        .prepare(`SELECT f.path, p.source, m.warnings, r.output FROM files f JOIN previews p ON p.file_id = f.id JOIN metadata m ON m.file_id = f.id JOIN pass_results r ON r.file_id = f.id AND r.pass = 'preview' ORDER BY f.path`)
        .all() as { path: string; source: string; warnings: string; output: string }[];
      // Cut short: its composite is gone, the thumbnail Photoshop stored at the start is not.
      assert.deepEqual(rows.map((x) => [path.basename(x.path), x.source]), [['cut.psd', 'PhotoshopThumbnail'], ['fine.psd', 'composite'], ['saved-as.psd', 'file']]);
      assert.match(JSON.parse(rows[0]!.output).skipped.join(' '), /composite: truncated/);
      assert.match(rows[2]!.warnings, /content is JPEG, extension says PSD/);
    } finally {
      db.close();
    }
  });
});

test('two workers rendering one document at once (a document and its copy): one preview, no temporary file left', async () => {
  const t = tempDir('rawlight-psd-race-');
  const tmpBefore = process.env.TMPDIR;
  const exif = new ExifReader({ maxProcs: 1 });
  try {
    const tmp = path.join(t.dir, 'tmp');
    mkdirSync(tmp);
    process.env.TMPDIR = tmp;
    const pass = createPreviewPass({ exif, cacheDir: path.join(t.dir, 'cache'), heicDecoders: [] });
    const db = { prepare: () => ({ get: () => undefined }) } as unknown as Parameters<typeof pass.inputKey>[0];
    const copies = ['a.psd', 'b.psd'].map((n) => {
      copyFileSync(path.join(SRC, 'curves_cmyk.psd'), path.join(t.dir, n));
      return { id: 1, path: path.join(t.dir, n), ext: 'psd', content_hash: 'x' } as unknown as Parameters<typeof pass.inputKey>[1];
    });
    const runs = await Promise.all(copies.map((file) => pass.run({ file, inputKey: 'x:1', db, log: undefined as never, signal: new AbortController().signal })));
    const outs = runs.map((r) => r.output as { source: string; previewHash: string });
    assert.deepEqual(outs.map((o) => o.source), ['composite', 'composite']);
    assert.equal(outs[0]!.previewHash, outs[1]!.previewHash);
    assert.deepEqual(readdirSync(tmp), []);
  } finally {
    if (tmpBefore === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpBefore;
    await exif.end();
    t.cleanup();
  }
});
