import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, readFileSync, closeSync, writeSync, fstatSync } from 'node:fs';
import path from 'node:path';
import { isDaemonError } from '../../../src/errors/index.js';
import type { ExifToolWriter, XmpWriter } from '../../../src/exiftool/writer.js';
import type { WritableDb } from '../../../src/store/db.js';
import { READ_TAGS } from '../../../src/xmp/fields.js';
import { parseSnapshot } from '../../../src/xmp/snapshot.js';
import { xmpStateForFile } from '../../../src/xmp/xmp-state.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';
import { addFace, addFile, addTag, testConfig, writeback, suiteWithWriter } from '../writeback/helpers.js';
import { leftovers } from './readers.js';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('embedded writes (opt-in), verified by ImageDataHash', () => {
  const t = tempDir();
  let db: WritableDb;
  let writer: ExifToolWriter;
  const config = testConfig({ xmp: { embedded: true } });
  const backup = path.join(t.dir, 'backup');
  suiteWithWriter(t, (opened) => ({ db, writer } = opened));

  for (const rel of ['photos/people/obama_4.jpg', 'raw/photoprism_canon_eos_6d.dng', 'photos/heic/iphone7_himeji-castle.heic']) {
    test(`${rel}: values written into the file, image data unchanged`, async () => {
      const [photo] = copyFixtures(path.join(t.dir, 'ok'), [rel]);
      const hashBefore = await writer.imageDataHash(photo!);
      assert.ok(hashBefore, 'ExifTool can hash this format');
      // A Finder-tag-style xattr must survive the in-place rewrite.
      execFileSync('setfattr', ['-n', 'user.xdg.tags', '-v', 'family', photo!]);
      const file = addFile(db, photo!);
      addTag(db, file.id, 'portrait');
      addFace(db, file.id, 'Barack Obama', { x: 0.4, y: 0.2, w: 0.2, h: 0.3 });
      const res = await writeback(db, writer, file, config, backup);
      assert.equal(res.target.kind, 'embedded');
      assert.equal(res.target.path, photo);
      assert.equal(await writer.imageDataHash(photo!), hashBefore);
      const snap = parseSnapshot(await writer.readTags(photo!, READ_TAGS));
      assert.ok(snap.lists.subject.includes('portrait') && snap.lists.person.includes('Barack Obama'));
      assert.equal(snap.regions.filter((r) => r.name === 'Barack Obama').length, 1);
      assert.ok(!existsSync(photo!.replace(/\.[^.]+$/, '.xmp')) && !existsSync(`${photo!}.xmp`), 'no sidecar in embedded mode');
      assert.deepEqual(leftovers(path.dirname(photo!)), []);
      assert.match(execFileSync('getfattr', ['-n', 'user.xdg.tags', photo!], { encoding: 'utf8' }), /user\.xdg\.tags="family"/);
    });
  }

  test('proprietary RAW is never written into, even with embedded on', async () => {
    const [cr3] = copyFixtures(path.join(t.dir, 'raw'), ['raw/nom-exif_canon-r6.cr3']);
    const before = sha(cr3!);
    const file = addFile(db, cr3!);
    addTag(db, file.id, 'camera');
    const res = await writeback(db, writer, file, config, backup);
    assert.equal(res.target.kind, 'sidecar');
    assert.equal(sha(cr3!), before);
  });

  test('a write that changes image data is rolled back and marked WRITE_VERIFY_FAILED', async () => {
    const [jpg] = copyFixtures(path.join(t.dir, 'bad'), ['photos/people/biden_2.jpg']);
    const before = sha(jpg!);
    const file = addFile(db, jpg!);
    addTag(db, file.id, 'smile');
    // A writer that corrupts the JPEG's scan data after writing (a stand-in for a buggy writer).
    const corrupting: XmpWriter = {
      readTags: (f, tags) => writer.readTags(f, tags),
      imageDataHash: (f) => writer.imageDataHash(f),
      end: async () => undefined,
      writeNew: (src, dest, args) => writer.writeNew(src, dest, args),
      async write(f, args) {
        const r = await writer.write(f, args);
        const fd = openSync(f, 'r+');
        const size = fstatSync(fd).size;
        writeSync(fd, Buffer.from([0x12, 0x34, 0x56]), 0, 3, size - 200);
        closeSync(fd);
        return r;
      },
    };
    await assert.rejects(writeback(db, corrupting, file, config, backup), (e: unknown) => isDaemonError(e) && e.code === 'WRITE_VERIFY_FAILED' && /original restored/.test(e.message));
    assert.equal(sha(jpg!), before, 'the original bytes are back');
    const st = xmpStateForFile(db, file.id)!;
    assert.equal(st.status, 'failed');
    assert.equal(st.error?.code, 'WRITE_VERIFY_FAILED');
    assert.deepEqual(leftovers(path.dirname(jpg!)), []);
  });
});
