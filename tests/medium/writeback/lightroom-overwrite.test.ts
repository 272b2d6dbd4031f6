import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExifToolWriter } from '../../../src/exiftool/writer.js';
import { writebackInputKey } from '../../../src/passes/writeback.pass.js';
import type { WritableDb } from '../../../src/store/db.js';
import { runWriteback } from '../../../src/xmp/run-writeback.js';
import { xmpStateForFile } from '../../../src/xmp/xmp-state.js';
import { writebackCounts } from '../../../src/xmp/xmp.repository.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';
import { exiv2List, exiv2Props } from '../xmp/readers.js';
import { addFace, addFile, addTag, rawWithLightroomSidecar, testConfig, writeback, suiteWithWriter } from './helpers.js';

describe('Lightroom rewriting its sidecar from the catalog', () => {
  const t = tempDir();
  let db: WritableDb;
  let writer: ExifToolWriter;
  const config = testConfig();
  suiteWithWriter(t, (opened) => ({ db, writer } = opened));

  test('all of rawlight\'s values gone in one save by Lightroom: "overwritten", not fought, shown in status; --restore puts them back', async () => {
    const [cr2, xmp] = rawWithLightroomSidecar(path.join(t.dir, 'lr'));
    const file = addFile(db, cr2);
    addTag(db, file.id, 'squirrel');
    addFace(db, file.id, 'Marie Curie', { x: 0.1, y: 0.1, w: 0.1, h: 0.15 });
    await writeback(db, writer, file, config, path.join(t.dir, 'b'));
    assert.ok(exiv2List(exiv2Props(xmp), 'Xmp.dc.subject').includes('squirrel'));
    const keyBefore = writebackInputKey(db, file, config);

    // Lightroom writes its catalog's view: the sidecar as it knows it, saved with its own MetadataDate.
    copyFileSync(path.join(FIXTURES, 'photos/sidecars/IMG_5910.xmp'), xmp);
    const lightroomBytes = readFileSync(xmp);
    assert.notEqual(writebackInputKey(db, file, config), keyBefore, 'the save makes writeback look again');

    const res = await writeback(db, writer, file, config, path.join(t.dir, 'b'));
    assert.equal(res.written, false, 'no rewrite loop');
    assert.ok(res.warnings.some((w) => /Read Metadata from Files/.test(w)));
    assert.deepEqual(readFileSync(xmp), lightroomBytes);
    const st = xmpStateForFile(db, file.id)!;
    assert.equal(st.status, 'overwritten');
    assert.deepEqual(st.userRemoved, [], 'not taken for a user\'s deletions');
    assert.equal(writebackCounts(db).overwritten, 1);

    // Again (e.g. a new tag): still not fought.
    addTag(db, file.id, 'tree');
    assert.equal((await writeback(db, writer, file, config, path.join(t.dir, 'b'))).written, false);
    assert.deepEqual(readFileSync(xmp), lightroomBytes);

    const report = await runWriteback({ db, config, writer, dryRun: false, restore: true, paths: [cr2], backupDir: path.join(t.dir, 'b') });
    assert.equal(report.summary.written, 1);
    const subjects = exiv2List(exiv2Props(xmp), 'Xmp.dc.subject');
    for (const v of ['squirrel', 'tree', 'Marie Curie', 'Alvin the Squirrel']) assert.ok(subjects.includes(v), v);
    assert.equal(xmpStateForFile(db, file.id)!.status, 'ok');
    assert.equal(writebackCounts(db).overwritten, 0);
  });

  test('a user deleting rawlight\'s values (no other app saving the file) is a deletion: they stay deleted', async () => {
    const [cr2, xmp] = rawWithLightroomSidecar(path.join(t.dir, 'user'));
    const file = addFile(db, cr2);
    addTag(db, file.id, 'squirrel');
    await writeback(db, writer, file, config, path.join(t.dir, 'b'));
    await writer.write(xmp, ['-XMP-dc:Subject-=squirrel', '-XMP-lr:HierarchicalSubject-=rawlight|Objects|squirrel']);
    const res = await writeback(db, writer, file, config, path.join(t.dir, 'b'));
    assert.equal(res.written, false);
    const st = xmpStateForFile(db, file.id)!;
    assert.equal(st.status, 'ok');
    assert.deepEqual(st.userRemoved.map((v) => v.value).sort(), ['rawlight|Objects|squirrel', 'squirrel']);
    assert.ok(!exiv2List(exiv2Props(xmp), 'Xmp.dc.subject').includes('squirrel'));
  });
});
