import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../../src/config/index.js';
import { createExifToolWriter, type XmpWriter } from '../../../src/exiftool/writer.js';
import { createUpkeep, upkeepStatus } from '../../../src/jobs/index.js';
import { silentLogger } from '../../../src/log/index.js';
import { resolvePlaces } from '../../../src/platform/places.js';
import { DB_FILE, openDb, tx, type WritableDb } from '../../../src/store/db.js';
import { regionKey } from '../../../src/xmp/fields.js';
import { regionStruct } from '../../../src/xmp/exiftool-args.js';
import { scheduledRepair } from '../../../src/xmp/index.js';
import { replaceValueRecords, upsertXmpState } from '../../../src/xmp/xmp.repository.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';
import { exiv2List, exiv2Props, exiv2Regions } from '../xmp/readers.js';
import { addFile } from './helpers.js';

const REGION = { name: 'Marie Curie', x: '0.400000', y: '0.300000', w: '0.200000', h: '0.250000' };

/** A sidecar as an older rawlight left it: its own values twice, and a foreign value twice. */
function olderVersionSidecar(db: WritableDb, dir: string): string {
  const [cr2] = copyFixtures(dir, ['raw/exiftool_CanonRaw.cr2']);
  const sidecar = cr2!.replace(/\.cr2$/, '.xmp');
  const r = regionStruct(REGION);
  execFileSync('exiftool', [
    '-q',
    ...['Palisade', 'Palisade', 'Foreign', 'Foreign'].map((v) => `-XMP-dc:Subject+=${v}`),
    '-XMP-iptcExt:PersonInImage+=Marie Curie',
    '-XMP-iptcExt:PersonInImage+=Marie Curie',
    `-XMP-mwg-rs:RegionList+=${r}`,
    `-XMP-mwg-rs:RegionList+=${r}`,
    sidecar,
  ]);
  const file = addFile(db, cr2!);
  tx(db, () => {
    replaceValueRecords(db, file.id, [
      { field: 'subject', value: 'Palisade', status: 'written', fileValue: null },
      { field: 'person', value: 'Marie Curie', status: 'written', fileValue: null },
      { field: 'region', value: regionKey(REGION), status: 'written', fileValue: null },
    ]);
    upsertXmpState(db, file.id, { target: sidecar, targetKind: 'sidecar', status: 'ok' });
  });
  return sidecar;
}

/** The daemon's writer, counted: the job must write through the writer it is given, never its own. */
function countedWriter(real: XmpWriter): { writer: XmpWriter; writes: string[] } {
  const writes: string[] = [];
  const writer: XmpWriter = {
    readTags: (f, tags) => real.readTags(f, tags),
    write: (f, args) => (writes.push(f), real.write(f, args)),
    writeNew: (src, dest, args) => (writes.push(dest), real.writeNew(src, dest, args)),
    imageDataHash: (f) => real.imageDataHash(f),
    end: () => real.end(),
  };
  return { writer, writes };
}

describe('the scheduled repair upkeep job', () => {
  const t = tempDir();
  const real = createExifToolWriter({ timeoutMs: 30_000 });
  after(async () => {
    await real.end();
    t.cleanup();
  });

  test('config has a weekly default and the job is scheduled with it', () => {
    assert.equal(parseConfig({}).schedule.repair, '45 5 * * 0');
    assert.equal(parseConfig({ schedule: { repair: '0 2 * * 1' } }).schedule.repair, '0 2 * * 1');
  });

  test('runs --repair through the daemon\'s writer: own duplicates go, foreign duplicates stay; recorded in upkeep status', async () => {
    const places = resolvePlaces({ env: { RAWLIGHT_HOME: path.join(t.dir, 'home') } });
    const dbPath = path.join(places.dataDir, DB_FILE);
    const { db } = openDb(dbPath);
    try {
      const sidecar = olderVersionSidecar(db, path.join(t.dir, 'lib'));
      const config = parseConfig({});
      const { writer, writes } = countedWriter(real);
      const backupDir = path.join(places.cacheDir, 'writeback');
      const upkeep = createUpkeep({
        db,
        dbPath,
        places,
        config,
        log: silentLogger(),
        deps: { reconcile: async () => ({}), repair: () => scheduledRepair({ db, config, writer, backupDir }) },
      });
      await upkeep.start();
      try {
        const st = upkeep.status().find((j) => j.name === 'repair');
        assert.ok(st, 'the repair job is listed');
        assert.equal(st.schedule, '45 5 * * 0');
        assert.ok(st.nextRunAt !== null, 'it has a next run');

        const r = await upkeep.runNow('repair');
        assert.equal(r.status, 'ok', JSON.stringify(r.error));
        assert.deepEqual(r.result, { skipped: false, considered: 1, repaired: 1, failed: 0, failures: [] });
        assert.deepEqual(writes.map((w) => path.dirname(w)), [path.dirname(sidecar)], 'one write, through the given writer');

        const props = exiv2Props(sidecar);
        const subjects = exiv2List(props, 'Xmp.dc.subject');
        assert.equal(subjects.filter((s) => s === 'Palisade').length, 1);
        assert.equal(subjects.filter((s) => s === 'Foreign').length, 2, 'foreign values, even duplicated, are left alone');
        assert.deepEqual(exiv2List(props, 'Xmp.iptcExt.PersonInImage'), ['Marie Curie']);
        assert.equal(exiv2Regions(props).filter((x) => x.name === 'Marie Curie').length, 1);

        const recorded = upkeepStatus(db).find((j) => j.name === 'repair');
        assert.equal(recorded?.lastStatus, 'ok');

        // A second run finds nothing to repair and writes nothing.
        const before = readFileSync(sidecar);
        const again = await upkeep.runNow('repair');
        assert.deepEqual(again.result, { skipped: false, considered: 1, repaired: 0, failed: 0, failures: [] });
        assert.equal(writes.length, 1);
        assert.deepEqual(readFileSync(sidecar), before);
      } finally {
        await upkeep.stop();
      }
    } finally {
      db.close();
    }
  });

  test('writeback off: nothing is repaired; no writer given: the job is disabled', async () => {
    const places = resolvePlaces({ env: { RAWLIGHT_HOME: path.join(t.dir, 'home2') } });
    const dbPath = path.join(places.dataDir, DB_FILE);
    const { db } = openDb(dbPath);
    try {
      const sidecar = olderVersionSidecar(db, path.join(t.dir, 'lib2'));
      const before = readFileSync(sidecar);
      const off = parseConfig({ writeback: 'off' });
      const { writer, writes } = countedWriter(real);
      const withRepair = createUpkeep({ db, dbPath, places, config: off, log: silentLogger(), deps: { reconcile: async () => ({}), repair: () => scheduledRepair({ db, config: off, writer, backupDir: path.join(t.dir, 'bk') }) } });
      const r = await withRepair.runNow('repair');
      assert.equal(r.status, 'ok');
      assert.equal((r.result as { skipped: boolean }).skipped, true);
      assert.equal(writes.length, 0);
      assert.deepEqual(readFileSync(sidecar), before);

      const without = createUpkeep({ db, dbPath, places, config: off, log: silentLogger(), deps: { reconcile: async () => ({}) } });
      assert.equal((await without.runNow('repair')).status, 'disabled');
    } finally {
      db.close();
    }
  });
});
