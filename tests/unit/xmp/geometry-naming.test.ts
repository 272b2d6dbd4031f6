import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeValue, planArgs, regionStruct } from '../../../src/xmp/exiftool-args.js';
import { regionKey } from '../../../src/xmp/fields.js';
import { isEmbeddable } from '../../../src/xmp/formats.js';
import { storedToUpright, toCentre, uprightToStored } from '../../../src/geometry/box.js';
import { chooseSidecar, userSidecars } from '../../../src/xmp/sidecar-path.js';
import { kindFromFileType } from '../../../src/xmp/photo-kind.js';
import { xmlWellFormedError } from '../../../src/xmp/xml-check.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../../helpers/fixtures.js';

describe('orientation', () => {
  const box = { x: 0.1, y: 0.2, w: 0.3, h: 0.15 };
  for (let o = 1; o <= 8; o++) {
    test(`orientation ${o} round-trips`, () => {
      const back = storedToUpright(uprightToStored(box, o), o);
      for (const k of ['x', 'y', 'w', 'h'] as const) assert.ok(Math.abs(back[k] - box[k]) < 1e-12, `${k}: ${back[k]}`);
      const s = uprightToStored(box, o);
      const [w, h] = o >= 5 ? [box.h, box.w] : [box.w, box.h]; // 90° turns swap width and height
      assert.ok(Math.abs(s.w - w) < 1e-12 && Math.abs(s.h - h) < 1e-12);
    });
  }
  test('a corner maps where EXIF says (3: 180°, 8: 270° CW)', () => {
    const corner = { x: 0, y: 0, w: 0.1, h: 0.2 }; // upright top-left
    const s3 = uprightToStored(corner, 3);
    assert.ok(Math.abs(s3.x - 0.9) < 1e-12 && Math.abs(s3.y - 0.8) < 1e-12);
    // Orientation 8: the stored image is turned 90° clockwise from upright; the upright top-left
    // corner lies at the stored top-right.
    const s8 = uprightToStored(corner, 8);
    assert.ok(Math.abs(s8.x - 0.8) < 1e-12 && Math.abs(s8.y) < 1e-12 && Math.abs(s8.w - 0.2) < 1e-12 && Math.abs(s8.h - 0.1) < 1e-12, JSON.stringify(s8));
  });
  test('orientation 6 matches the Curie fixture authors\' regions', () => {
    // Upright (curie_portrait.jpg) Marie Curie: centre 0.368452,0.307857 size 0.113095x0.198571.
    const upright = { x: 0.368452 - 0.113095 / 2, y: 0.307857 - 0.198571 / 2, w: 0.113095, h: 0.198571 };
    const c = toCentre(uprightToStored(upright, 6));
    // Stored (curie_portrait-orientation-6.jpg): X 0.307857 Y 0.631548 W 0.198571 H 0.113095.
    for (const [a, b] of [[c.x, 0.307857], [c.y, 0.631548], [c.w, 0.198571], [c.h, 0.113095]] as const) assert.ok(Math.abs(a - b) < 1e-6);
  });
});

describe('sidecar naming', () => {
  const base = { existing: [] as string[], siblings: [] as { path: string; isRaw: boolean }[], isRaw: true, style: 'adobe' as 'adobe' | 'darktable' | 'ext' };
  test('default Adobe style, darktable when configured', () => {
    assert.equal(chooseSidecar({ ...base, photoPath: '/p/IMG_1.CR3' }).path, '/p/IMG_1.xmp');
    assert.equal(chooseSidecar({ ...base, photoPath: '/p/IMG_1.CR3', style: 'darktable' }).path, '/p/IMG_1.CR3.xmp');
  });
  test("writes into the one that exists; with both, only the style's", () => {
    assert.deepEqual(chooseSidecar({ ...base, photoPath: '/p/IMG_1.CR3', existing: ['/p/IMG_1.CR3.xmp'] }), { path: '/p/IMG_1.CR3.xmp', exists: true, style: 'darktable' });
    assert.deepEqual(chooseSidecar({ ...base, photoPath: '/p/IMG_1.CR3', existing: ['/p/IMG_1.xmp'], style: 'darktable' }), { path: '/p/IMG_1.xmp', exists: true, style: 'adobe' });
    const both = ['/p/IMG_1.CR3.xmp', '/p/IMG_1.xmp'];
    assert.equal(chooseSidecar({ ...base, photoPath: '/p/IMG_1.CR3', existing: both }).path, '/p/IMG_1.xmp');
    assert.equal(chooseSidecar({ ...base, photoPath: '/p/IMG_1.CR3', existing: both, style: 'ext' }).path, '/p/IMG_1.CR3.xmp');
    assert.equal(chooseSidecar({ ...base, photoPath: '/p/IMG_1.CR3', existing: both, style: 'darktable' }).path, '/p/IMG_1.CR3.xmp');
  });
  test('the names table: RAW -> IMG_1.xmp (ext: IMG_1.CR3.xmp); any other photo -> IMG_1.JPG.xmp in either style', () => {
    for (const style of ['adobe', 'ext'] as const) {
      assert.equal(chooseSidecar({ ...base, style, photoPath: '/p/IMG_1.DNG' }).path, style === 'adobe' ? '/p/IMG_1.xmp' : '/p/IMG_1.DNG.xmp');
      for (const other of ['IMG_1.JPG', 'IMG_1.HEIC', 'IMG_1.tif', 'IMG_1.png']) {
        assert.equal(chooseSidecar({ ...base, style, isRaw: false, photoPath: `/p/${other}` }).path, `/p/${other}.xmp`);
      }
    }
    // A user's IMG_5.xmp beside a lone JPEG is not the JPEG's to write (it becomes the RAW's).
    assert.equal(chooseSidecar({ ...base, isRaw: false, photoPath: '/p/IMG_5.JPG', existing: ['/p/IMG_5.xmp'] }).path, '/p/IMG_5.JPG.xmp');
  });
  test('two photos sharing a base name never share a sidecar, whichever arrived first', () => {
    const raw = chooseSidecar({ ...base, photoPath: '/p/IMG_1.CR3', siblings: [{ path: '/p/IMG_1.JPG', isRaw: false }] });
    const rawAlone = chooseSidecar({ ...base, photoPath: '/p/IMG_1.CR3' });
    const jpg = chooseSidecar({ ...base, photoPath: '/p/IMG_1.JPG', isRaw: false, siblings: [{ path: '/p/IMG_1.CR3', isRaw: true }] });
    const jpgAlone = chooseSidecar({ ...base, photoPath: '/p/IMG_1.JPG', isRaw: false });
    assert.equal(raw.path, '/p/IMG_1.xmp', 'Lightroom and Capture One read IMG_1.xmp for the RAW');
    assert.equal(rawAlone.path, raw.path);
    assert.equal(jpg.path, '/p/IMG_1.JPG.xmp');
    assert.equal(jpgAlone.path, jpg.path);
    assert.equal(chooseSidecar({ ...base, photoPath: '/p/IMG_1.CR3', existing: ['/p/IMG_1.xmp'], siblings: [{ path: '/p/IMG_1.JPG', isRaw: false }] }).path, '/p/IMG_1.xmp');
    assert.equal(chooseSidecar({ ...base, photoPath: '/p/IMG_1.JPG', isRaw: false, existing: ['/p/IMG_1.xmp'], siblings: [{ path: '/p/IMG_1.CR3', isRaw: true }] }).path, '/p/IMG_1.JPG.xmp');
    // Two RAWs of one base name (IMG_1.CR3 + IMG_1.DNG): each its own.
    assert.equal(chooseSidecar({ ...base, photoPath: '/p/IMG_1.DNG', siblings: [{ path: '/p/IMG_1.CR3', isRaw: true }] }).path, '/p/IMG_1.DNG.xmp');
  });
  test("an Olympus .ORI never takes its ORF's IMG.xmp: the ORF keeps Lightroom's sidecar, the ORI is named as a JPEG", () => {
    const lr = ['/p/P1010001.xmp'];
    const orf = chooseSidecar({ ...base, photoPath: '/p/P1010001.ORF', existing: lr, siblings: [{ path: '/p/P1010001.ORI', isRaw: true }] });
    assert.deepEqual(orf, { path: '/p/P1010001.xmp', exists: true, style: 'adobe' });
    const ori = chooseSidecar({ ...base, photoPath: '/p/P1010001.ORI', existing: lr, siblings: [{ path: '/p/P1010001.ORF', isRaw: true }] });
    assert.equal(ori.path, '/p/P1010001.ORI.xmp');
    assert.equal(chooseSidecar({ ...base, photoPath: '/p/P1010001.ori' }).path, '/p/P1010001.ori.xmp', 'alone too');
    // The user's values: Lightroom's file is the ORF's; the ORI reads it only while no ORF is there (as a JPEG would).
    assert.deepEqual(userSidecars({ ...base, photoPath: '/p/P1010001.ORF', existing: lr, siblings: [{ path: '/p/P1010001.ORI', isRaw: true }] }), lr);
    assert.deepEqual(userSidecars({ ...base, photoPath: '/p/P1010001.ORI', existing: lr, siblings: [{ path: '/p/P1010001.ORF', isRaw: true }] }), []);
    assert.deepEqual(userSidecars({ ...base, photoPath: '/p/P1010001.ORI', existing: lr }), lr);
  });

  test("the kind comes from ExifTool's FileType, not the extension", () => {
    const nefAsTif = kindFromFileType('NEF', { kind: 'image', ext: 'tif' });
    assert.deepEqual([nefAsTif.isRaw, nefAsTif.embeddable], [true, false]);
    const dng = kindFromFileType('DNG', { kind: 'raw', ext: 'dng' });
    assert.deepEqual([dng.isRaw, dng.embeddable], [true, true]);
    const jpgAsCr3 = kindFromFileType('JPEG', { kind: 'raw', ext: 'cr3' });
    assert.deepEqual([jpgAsCr3.isRaw, jpgAsCr3.embeddable], [false, true]);
  });
  test('embeddable formats', () => {
    for (const e of ['dng', 'JPG', 'jpeg', 'heic', 'HIF', 'tif']) assert.ok(isEmbeddable(e), e);
    for (const e of ['cr3', 'nef', 'arw', 'raf', 'gpr', 'png']) assert.ok(!isEmbeddable(e), e);
  });
});

describe('XML well-formedness', () => {
  test('the real sidecars are well-formed', () => {
    for (const rel of ['photos/sidecars/IMG_5910.xmp', 'raw/photoprism_canon_eos_6d.xmp']) {
      assert.equal(xmlWellFormedError(readFileSync(path.join(FIXTURES, rel), 'utf8')), null, rel);
    }
  });
  for (const [bad, why] of [
    ['<a><b></a>', /closes/],
    ['<a>', /unclosed/],
    ['<a x="1" x="2"/>', /duplicate/],
    ['<a x=1/>', /unquoted/],
    ['<a>&nope</a>', /entity/],
    ['hello', /outside|no root/],
    ['<a/><b/>', /more than one root/],
    ['', /no root/],
  ] as const) {
    test(`rejects ${JSON.stringify(bad)}`, () => assert.match(xmlWellFormedError(bad) ?? 'accepted', why));
  }
  test('accepts PIs, comments, CDATA and entities', () => {
    assert.equal(xmlWellFormedError('<?xpacket begin="x"?><!-- c --><a b=\'&amp;\'><![CDATA[<x>]]>&#38;&lt;</a>\n<?xpacket end="w"?>'), null);
  });
});

describe('ExifTool arguments', () => {
  test('escapes values and structures', () => {
    assert.equal(encodeValue('A & B\nC'), 'A &amp; B&#10;C');
    assert.equal(regionStruct({ name: 'Smith, {Jr}|x', x: '0.5', y: '0.5', w: '0.1', h: '0.1' }), '{Area={X=0.5,Y=0.5,W=0.1,H=0.1,Unit=normalized},Name=Smith|, |{Jr|}||x,Type=Face}');
  });
  test('conditional scalars, list edits, dims, and MetadataDate only when something changes', () => {
    const r = { name: 'Ann', x: '0.500000', y: '0.500000', w: '0.100000', h: '0.100000' };
    const args = planArgs(
      {
        changes: [
          { field: 'subject', op: 'add', value: 'dog' },
          { field: 'city', op: 'add', value: 'Siena', expect: 'Arezzo' },
          { field: 'state', op: 'add', value: 'Tuscany', expect: null },
          { field: 'country', op: 'remove', value: 'Italy' },
          { field: 'region', op: 'add', value: regionKey(r) },
        ],
        conflicts: [],
        userRemoved: [],
        setDims: { w: 10, h: 20 },
        records: [],
      },
      Date.UTC(2026, 0, 2, 3, 4, 5),
    );
    assert.deepEqual(args.slice(0, 9), [
      // add-if-absent: never a second copy, even if the file gained the value meanwhile
      '-XMP-dc:Subject-=dog',
      '-XMP-dc:Subject+=dog',
      '-XMP-photoshop:City-=Arezzo',
      '-XMP-photoshop:City=Siena',
      '-XMP-photoshop:State-=',
      '-XMP-photoshop:State=Tuscany',
      '-XMP-photoshop:Country-=Italy',
      '-XMP-mwg-rs:RegionList-={Area={X=0.500000,Y=0.500000,W=0.100000,H=0.100000,Unit=normalized},Name=Ann,Type=Face}',
      '-XMP-mwg-rs:RegionList+={Area={X=0.500000,Y=0.500000,W=0.100000,H=0.100000,Unit=normalized},Name=Ann,Type=Face}',
    ]);
    assert.ok(args.includes('-XMP-mwg-rs:RegionAppliedToDimensionsW=10'));
    assert.match(args.at(-1)!, /^-XMP-xmp:MetadataDate=2026:01:0\d \d\d:\d\d:05[+-]\d\d:\d\d$/);
    assert.deepEqual(planArgs({ changes: [], conflicts: [], userRemoved: [], setDims: null, records: [] }, 0), []);
  });
});
