import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExifToolWriter } from '../../../src/exiftool/writer.js';
import type { WritableDb } from '../../../src/store/db.js';
import type { FileRow } from '../../../src/store/repositories/file.repository.js';
import { xmpStateForFile } from '../../../src/xmp/xmp-state.js';
import { replaceValueRecords, upsertXmpState } from '../../../src/xmp/xmp.repository.js';
import { tx } from '../../../src/store/db.js';
import { copyFixtures, FIXTURES, REPO, tempDir } from '../../helpers/fixtures.js';
import { exiv2List, exiv2Props } from '../xmp/readers.js';
import { addFile, addTag, testConfig, writeback, suiteWithWriter } from './helpers.js';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('the kind of a photo comes from ExifTool, not its name', () => {
  const t = tempDir();
  let db: WritableDb;
  let writer: ExifToolWriter;
  const embedded = testConfig({ xmp: { embedded: true } });
  suiteWithWriter(t, (opened) => ({ db, writer } = opened));

  /** As the metadata pass records it: ExifTool's FileType. */
  async function indexed(p: string): Promise<FileRow> {
    const file = addFile(db, p);
    const ft = (await writer.readTags(p, ['File:FileType']))['File:FileType'];
    db.prepare('UPDATE metadata SET file_type = ? WHERE file_id = ?').run(String(ft), file.id);
    return file;
  }

  test('a NEF renamed .TIF is a RAW: never written into, even in embedded mode; it gets IMG.xmp', async () => {
    const dir = path.join(t.dir, 'nef');
    const [nef] = copyFixtures(dir, ['raw/exiftool_Nikon.nef']);
    const tif = nef!.replace(/\.nef$/, '.TIF');
    copyFileSync(nef!, tif);
    const before = sha(tif);
    const file = await indexed(tif);
    addTag(db, file.id, 'lens');
    const res = await writeback(db, writer, file, embedded, path.join(t.dir, 'b'));
    assert.equal(res.target.kind, 'sidecar');
    assert.equal(res.target.path, tif.replace(/\.TIF$/, '.xmp'), 'a RAW\'s sidecar name');
    assert.equal(sha(tif), before, 'RAW bytes never change');
    assert.deepEqual(exiv2List(exiv2Props(res.target.path), 'Xmp.dc.subject'), ['lens']);
  });

  test('a DNG whose image data ExifTool cannot hash: WRITE_UNVERIFIABLE, and its values go to a sidecar', async () => {
    const dir = path.join(t.dir, 'dng');
    const [dng] = copyFixtures(dir, ['raw/exiv2_IMG_1361.dng']);
    assert.equal(await writer.imageDataHash(dng!), null, 'the fixture is one ExifTool cannot hash');
    const before = sha(dng!);
    const file = await indexed(dng!);
    addTag(db, file.id, 'harbour');
    const res = await writeback(db, writer, file, embedded, path.join(t.dir, 'b'));
    assert.equal(res.written, true);
    assert.equal(res.target.kind, 'sidecar');
    assert.equal(res.target.path, dng!.replace(/\.dng$/, '.xmp'));
    assert.ok(res.warnings.some((w) => w.startsWith('WRITE_UNVERIFIABLE')));
    assert.equal(sha(dng!), before, 'nothing written into the DNG');
    assert.deepEqual(exiv2List(exiv2Props(res.target.path), 'Xmp.dc.subject'), ['harbour']);
    const st = xmpStateForFile(db, file.id)!;
    assert.equal(st.status, 'ok');
    assert.equal(st.error?.code, 'WRITE_UNVERIFIABLE');
  });

  test('a JPEG 2000 file is never written into, even in embedded mode: it gets IMG.jp2.xmp', async () => {
    const dir = path.join(t.dir, 'jp2');
    mkdirSync(dir, { recursive: true });
    const jp2 = path.join(dir, 'scan.jp2');
    copyFileSync(path.join(REPO, 'tests', 'fixtures', 'formats', 'cat_brown.jp2'), jp2);
    const before = sha(jp2);
    const file = await indexed(jp2);
    addTag(db, file.id, 'cat');
    const res = await writeback(db, writer, file, embedded, path.join(t.dir, 'b'));
    assert.equal(res.target.kind, 'sidecar');
    assert.equal(res.target.path, `${jp2}.xmp`);
    assert.equal(sha(jp2), before, 'nothing written into the JPEG 2000 file');
    assert.deepEqual(exiv2List(exiv2Props(res.target.path), 'Xmp.dc.subject'), ['cat']);
  });

  test('a hashable DNG in embedded mode is still written into (no sidecar)', async () => {
    const dir = path.join(t.dir, 'dng-ok');
    const [dng] = copyFixtures(dir, ['raw/exiftool_DNG.dng']);
    const file = await indexed(dng!);
    addTag(db, file.id, 'sample');
    const res = await writeback(db, writer, file, embedded, path.join(t.dir, 'b'));
    assert.equal(res.target.kind, 'embedded');
    assert.ok(!existsSync(dng!.replace(/\.dng$/, '.xmp')));
    assert.equal(xmpStateForFile(db, file.id)!.error, null);
  });

  test('RAW + JPEG of one name, both arrival orders: IMG.xmp for the RAW, IMG.JPG.xmp for the JPEG, never shared', async () => {
    for (const order of [['cr2', 'jpg'], ['jpg', 'cr2']] as const) {
      const dir = path.join(t.dir, `pair-${order.join('-')}`);
      const [cr2] = copyFixtures(dir, ['raw/exiftool_CanonRaw.cr2']);
      const jpg = cr2!.replace(/\.cr2$/, '.JPG');
      copyFileSync(path.join(FIXTURES, 'photos/people/obama_4.jpg'), jpg);
      const files: Record<string, FileRow> = {};
      for (const kind of order) {
        const p = kind === 'cr2' ? cr2! : jpg;
        files[kind] = await indexed(p);
        addTag(db, files[kind].id, kind === 'cr2' ? 'raw-only' : 'jpeg-only');
        await writeback(db, writer, files[kind], testConfig(), path.join(t.dir, 'b'));
      }
      const rawSidecar = cr2!.replace(/\.cr2$/, '.xmp');
      const jpgSidecar = `${jpg}.xmp`;
      assert.deepEqual(exiv2List(exiv2Props(rawSidecar), 'Xmp.dc.subject'), ['raw-only'], `${order}: the RAW's`);
      assert.deepEqual(exiv2List(exiv2Props(jpgSidecar), 'Xmp.dc.subject'), ['jpeg-only'], `${order}: the JPEG's`);
    }
  });

  test('a JPEG an older rawlight wrote into IMG_5.xmp: its values move to IMG_5.JPG.xmp (foreign ones stay); the RAW arriving later does not adopt them', async () => {
    const dir = path.join(t.dir, 'move');
    const [cr2] = copyFixtures(dir, ['raw/exiftool_CanonRaw.cr2']);
    const jpg = cr2!.replace(/\.cr2$/, '.JPG');
    copyFileSync(path.join(FIXTURES, 'photos/people/obama_3.jpg'), jpg);
    const old = cr2!.replace(/\.cr2$/, '.xmp');
    execFileSync('exiftool', ['-q', '-XMP-dc:Subject+=Holiday', '-XMP-dc:Subject+=beach', old]);
    const jf = await indexed(jpg);
    addTag(db, jf.id, 'beach');
    // What the older version recorded: IMG_5.xmp was the JPEG's, holding its "beach".
    tx(db, () => {
      replaceValueRecords(db, jf.id, [{ field: 'subject', value: 'beach', status: 'written', fileValue: null }]);
      upsertXmpState(db, jf.id, { target: old, targetKind: 'sidecar', status: 'ok' });
    });
    const res = await writeback(db, writer, jf, testConfig(), path.join(t.dir, 'b'));
    assert.equal(res.target.path, `${jpg}.xmp`);
    assert.deepEqual(exiv2List(exiv2Props(`${jpg}.xmp`), 'Xmp.dc.subject'), ['beach']);
    assert.deepEqual(exiv2List(exiv2Props(old), 'Xmp.dc.subject'), ['Holiday'], 'rawlight\'s value taken out, the foreign one kept');

    const rf = await indexed(cr2!);
    addTag(db, rf.id, 'lens');
    await writeback(db, writer, rf, testConfig(), path.join(t.dir, 'b'));
    assert.deepEqual(exiv2List(exiv2Props(old), 'Xmp.dc.subject'), ['Holiday', 'lens'], 'the RAW\'s sidecar holds nothing of the JPEG');
  });

  test('embedded mode, a JPEG with IPTC-only keywords: they stay visible to MWG readers, ours reach IPTC too', async () => {
    const dir = path.join(t.dir, 'iptc');
    const [jpg] = copyFixtures(dir, ['photos/scenes/flower_keywords.jpg']);
    const theirs = ['cactus', 'ever', 'lang', 'alo', 'sonne'];
    const file = await indexed(jpg!);
    addTag(db, file.id, 'flower');
    const res = await writeback(db, writer, file, embedded, path.join(t.dir, 'b'));
    assert.equal(res.target.kind, 'embedded');
    const p = exiv2Props(jpg!);
    assert.deepEqual(exiv2List(p, 'Xmp.dc.subject').sort(), [...theirs, 'flower'].sort(), 'XMP holds theirs and ours');
    const iptc = execFileSync('exiv2', ['-pi', jpg!], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('Iptc.Application2.Keywords')).map((l) => l.replace(/^\S+\s+\S+\s+\d+\s+/, '').trim());
    assert.deepEqual(iptc.sort(), [...theirs, 'flower'].sort(), 'IPTC holds theirs and ours');
    // What an MWG reader (ExifTool's MWG module) shows as the photo's keywords.
    const mwg = JSON.parse(execFileSync('exiftool', ['-j', '-use', 'MWG', '-MWG:Keywords', jpg!], { encoding: 'utf8' }))[0].Keywords as string[];
    assert.deepEqual([...mwg].sort(), [...theirs, 'flower'].sort());
    assert.equal((await writeback(db, writer, file, embedded, path.join(t.dir, 'b'))).written, false, 'a second run changes nothing');
  });
});
