import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { writeApiUrl } from '../../../src/api/api-url-file.js';
import { ensureToken } from '../../../src/api/api-token.js';
import { writebackCommand } from '../../../src/cli/commands/writeback.command.js';
import { isDaemonError } from '../../../src/errors/index.js';
import { acquireLock } from '../../../src/lifecycle/lock.js';
import { resolvePlaces, type Places } from '../../../src/platform/places.js';
import { DB_FILE, openDb, tx } from '../../../src/store/db.js';
import { regionKey } from '../../../src/xmp/fields.js';
import { regionStruct } from '../../../src/xmp/exiftool-args.js';
import { replaceValueRecords, upsertXmpState } from '../../../src/xmp/xmp.repository.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';
import { exiv2List, exiv2Props, exiv2Regions } from '../xmp/readers.js';
import { addFile } from './helpers.js';

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  return { io: { stdout, stderr }, text: () => text };
}

const REGION = { name: 'Marie Curie', x: '0.400000', y: '0.300000', w: '0.200000', h: '0.250000' };

/** A sidecar as an older rawlight left it: its own values twice, and a foreign value twice. */
function olderVersionSidecar(places: Places, dir: string): { photo: string; sidecar: string; fileId: number } {
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
  const { db } = openDb(path.join(places.dataDir, DB_FILE));
  try {
    const file = addFile(db, cr2!);
    tx(db, () => {
      replaceValueRecords(db, file.id, [
        { field: 'subject', value: 'Palisade', status: 'written', fileValue: null },
        { field: 'person', value: 'Marie Curie', status: 'written', fileValue: null },
        { field: 'region', value: regionKey(REGION), status: 'written', fileValue: null },
      ]);
      upsertXmpState(db, file.id, { target: sidecar, targetKind: 'sidecar', status: 'ok' });
    });
    return { photo: cr2!, sidecar, fileId: file.id };
  } finally {
    db.close();
  }
}

describe('rawlight writeback --repair', () => {
  const t = tempDir();
  after(() => t.cleanup());

  test('removes exact duplicates of rawlight\'s own values; foreign duplicates stay; --dry-run writes nothing', async () => {
    const places = resolvePlaces({ env: { RAWLIGHT_HOME: path.join(t.dir, 'home') } });
    const { sidecar } = olderVersionSidecar(places, path.join(t.dir, 'lib'));
    const before = readFileSync(sidecar);

    const dry = io();
    assert.equal(await writebackCommand.run(['--repair', '--dry-run', '--json'], { places, io: dry.io, env: process.env }), 0);
    const report = JSON.parse(dry.text()) as { repair: boolean; files: { changes: { op: string; xmp: string; value: string }[] }[] };
    assert.equal(report.repair, true);
    const changes = report.files[0]!.changes;
    assert.deepEqual(changes.map((c) => `${c.op} ${c.xmp}`).sort(), ['dedupe Iptc4xmpExt:PersonInImage', 'dedupe dc:subject', 'dedupe mwg-rs:RegionList']);
    assert.deepEqual(changes.filter((c) => c.xmp !== 'mwg-rs:RegionList').map((c) => c.value).sort(), ['Marie Curie', 'Palisade']);
    assert.match(changes.find((c) => c.xmp === 'mwg-rs:RegionList')!.value, /Marie Curie/);
    assert.deepEqual(readFileSync(sidecar), before, 'a dry run writes nothing');

    const run = io();
    assert.equal(await writebackCommand.run(['--repair'], { places, io: run.io, env: process.env }), 0);
    assert.match(run.text(), /duplicates removed, one kept/);
    const props = exiv2Props(sidecar);
    const subjects = exiv2List(props, 'Xmp.dc.subject');
    assert.equal(subjects.filter((s) => s === 'Palisade').length, 1);
    assert.equal(subjects.filter((s) => s === 'Foreign').length, 2, 'foreign values, even duplicated, are left alone');
    assert.deepEqual(exiv2List(props, 'Xmp.iptcExt.PersonInImage'), ['Marie Curie']);
    assert.equal(exiv2Regions(props).filter((r) => r.name === 'Marie Curie').length, 1);

    const again = io();
    assert.equal(await writebackCommand.run(['--repair', '--json'], { places, io: again.io, env: process.env }), 0);
    assert.equal((JSON.parse(again.text()) as { summary: { withChanges: number } }).summary.withChanges, 0, 'nothing left to repair');
  });
});

describe('one writer: `rawlight writeback` and the daemon', () => {
  const t = tempDir();
  after(() => t.cleanup());

  test('with no daemon it takes the daemon\'s lock for the run and releases it', async () => {
    const places = resolvePlaces({ env: { RAWLIGHT_HOME: path.join(t.dir, 'home1') } });
    olderVersionSidecar(places, path.join(t.dir, 'lib1'));
    let lockedDuring = false;
    // While the run holds the lock, a daemon starting up is refused.
    const probe = setInterval(() => {
      try {
        acquireLock(places.dataDir).release();
      } catch (e) {
        if (isDaemonError(e) && e.code === 'DAEMON_ALREADY_RUNNING') lockedDuring = true;
      }
    }, 1);
    try {
      assert.equal(await writebackCommand.run(['--repair'], { places, io: io().io, env: process.env }), 0);
    } finally {
      clearInterval(probe);
    }
    assert.ok(lockedDuring, 'the lock was held during the run');
    acquireLock(places.dataDir).release(); // and released after it
  });

  test('with a daemon running it asks the daemon through the API with the token, and writes nothing itself', async () => {
    const places = resolvePlaces({ env: { RAWLIGHT_HOME: path.join(t.dir, 'home2') } });
    const { sidecar } = olderVersionSidecar(places, path.join(t.dir, 'lib2'));
    const before = readFileSync(sidecar);
    const token = ensureToken(places);
    const seen: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, body });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ dryRun: false, repair: true, files: [], unmatched: [], summary: { considered: 1, withChanges: 0, written: 0, conflicts: 0, failed: 0 } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const daemonLock = acquireLock(places.dataDir);
    try {
      writeApiUrl(places, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const out = io();
      assert.equal(await writebackCommand.run(['--repair', path.join(t.dir, 'lib2')], { places, io: out.io, env: process.env }), 0);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.url, '/api/writeback/run');
      assert.equal(seen[0]!.headers['x-rawlight-token'], token);
      assert.deepEqual(JSON.parse(seen[0]!.body), { paths: [path.join(t.dir, 'lib2')], dryRun: false, repair: true, restore: false });
      assert.deepEqual(readFileSync(sidecar), before, 'the CLI wrote nothing itself');
      assert.ok(!existsSync(path.join(places.cacheDir, 'writeback')));
    } finally {
      daemonLock.release();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('a daemon running whose API does not answer: a clear error, nothing written', async () => {
    const places = resolvePlaces({ env: { RAWLIGHT_HOME: path.join(t.dir, 'home3') } });
    const { sidecar } = olderVersionSidecar(places, path.join(t.dir, 'lib3'));
    const before = readFileSync(sidecar);
    const daemonLock = acquireLock(places.dataDir);
    // Its URL written, then nothing listening there (a server started and closed again).
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', () => r()));
    writeApiUrl(places, `http://127.0.0.1:${(gone.address() as AddressInfo).port}/`);
    await new Promise((r) => gone.close(r));
    try {
      await assert.rejects(writebackCommand.run(['--repair'], { places, io: io().io, env: process.env }), (e: unknown) => isDaemonError(e) && e.code === 'API_FEATURE_UNAVAILABLE');
      assert.deepEqual(readFileSync(sidecar), before);
    } finally {
      daemonLock.release();
    }
  });
});
