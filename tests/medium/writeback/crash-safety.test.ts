import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, truncateSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { createExifToolWriter, type ExifToolWriter, type XmpWriter } from '../../../src/exiftool/writer.js';
import { tx } from '../../../src/store/db.js';
import { isDaemonError } from '../../../src/errors/index.js';
import { reconcileJournal } from '../../../src/xmp/own-writes.js';
import { recoverInterruptedWrites, recoveryCounts } from '../../../src/xmp/recover-writes.js';
import { applyWriteback, prepareWriteback } from '../../../src/xmp/writeback.js';
import { writebackCounts } from '../../../src/xmp/xmp.repository.js';
import { copyFixtures, REPO, tempDir } from '../../helpers/fixtures.js';
import { exiv2List, exiv2Props, leftovers } from '../xmp/readers.js';
import { addFile, addTag, openTestDb, rawWithLightroomSidecar, testConfig, writeback } from './helpers.js';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const CHILD = path.join(REPO, 'tests/medium/writeback/write-child.ts');

/** Runs write-child.ts and resolves with the signal that ended it. */
function runChild(dir: string, photo: string, step: string, mode = 'sidecar'): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, photo, step, mode], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    c.on('error', reject);
    c.on('exit', (code, signal) => (signal ? resolve(signal) : reject(new Error(`child exited ${code} without being killed: ${err}`))));
  });
}

const OLD_SUBJECTS = ['Alvin the Squirrel', 'Berkley', 'USA'];

describe('crash-safe sidecar writes (kill -9 at each step)', () => {
  const t = tempDir();
  after(() => t.cleanup());

  for (const step of ['journaled', 'temp-written', 'temp-synced', 'checked', 'renamed', 'dir-synced'] as const) {
    test(`killed after "${step}": the Lightroom sidecar is the old or the new one, complete; start-up removes the leftover`, async () => {
      const dir = path.join(t.dir, step);
      const [jpg, xmp] = rawWithLightroomSidecar(dir);
      const db = openTestDb(dir);
      const file = addFile(db, jpg!);
      addTag(db, file.id, 'squirrel');
      const before = sha(xmp!);
      db.close();

      assert.equal(await runChild(dir, jpg!, step), 'SIGKILL');

      const props = exiv2Props(xmp!);
      const subjects = exiv2List(props, 'Xmp.dc.subject');
      const renamed = step === 'renamed' || step === 'dir-synced';
      if (renamed) {
        assert.deepEqual([...subjects].sort(), [...OLD_SUBJECTS, 'squirrel'].sort(), 'the new sidecar, whole');
        assert.equal(props.get('Xmp.crs.Temperature')?.value, '4300', 'foreign values kept');
      } else {
        assert.equal(sha(xmp!), before, 'the old sidecar, byte for byte');
      }
      const db2 = openTestDb(dir);
      try {
        const rec = await recoverInterruptedWrites(db2);
        const temps = readdirSync(path.dirname(xmp!)).filter((n) => n.includes('.rawlight-'));
        assert.deepEqual(temps, [], 'no temp file left after start-up');
        assert.deepEqual(leftovers(dir), []);
        const hadTemp = step !== 'journaled' && !renamed;
        assert.equal(rec.filter((r) => r.action === 'temp-removed').length, hadTemp ? 1 : 0);
        await reconcileJournal(db2);
        // The pass runs again after the crash: the value lands once.
        const writer = createExifToolWriter({ timeoutMs: 30_000 });
        try {
          await writeback(db2, writer, file, testConfig(), path.join(dir, 'backup'));
        } finally {
          await writer.end();
        }
        const again = exiv2List(exiv2Props(xmp!), 'Xmp.dc.subject');
        assert.deepEqual([...again].sort(), [...OLD_SUBJECTS, 'squirrel'].sort());
      } finally {
        db2.close();
      }
    });
  }

  test('a new sidecar killed before its rename: no sidecar, no temp file after start-up', async () => {
    const dir = path.join(t.dir, 'new');
    const [nef] = copyFixtures(dir, ['raw/exiftool_Nikon.nef']);
    const db = openTestDb(dir);
    const file = addFile(db, nef!);
    addTag(db, file.id, 'camera');
    db.close();
    assert.equal(await runChild(dir, nef!, 'temp-synced'), 'SIGKILL');
    const sidecar = nef!.replace(/\.nef$/i, '.xmp');
    assert.ok(!existsSync(sidecar));
    const folder = path.dirname(nef!);
    assert.equal(readdirSync(folder).filter((n) => n.includes('.rawlight-')).length, 1, 'the killed write left its temp file');
    const db2 = openTestDb(dir);
    try {
      const rec = await recoverInterruptedWrites(db2);
      assert.deepEqual(rec.map((r) => r.action), ['temp-removed']);
      assert.deepEqual(readdirSync(folder).filter((n) => n.includes('.rawlight-')), []);
      assert.equal(recoveryCounts(db2).tempRemoved, 1);
    } finally {
      db2.close();
    }
  });
});

describe('crash-safe embedded writes (kill -9, journaled backup restored at start)', () => {
  const t = tempDir();
  after(() => t.cleanup());

  for (const step of ['journaled', 'written'] as const) {
    test(`killed after "${step}"${step === 'journaled' ? ' with the photo torn mid-copy' : ''}: the original is restored, verified by hash, and reported`, async () => {
      const dir = path.join(t.dir, step);
      const [jpg] = copyFixtures(dir, ['photos/people/obama_4.jpg']);
      const original = sha(jpg!);
      const db = openTestDb(dir);
      const file = addFile(db, jpg!);
      addTag(db, file.id, 'portrait');
      db.close();
      assert.equal(await runChild(dir, jpg!, step, 'embedded'), 'SIGKILL');
      // A kill during ExifTool's copy over the original leaves it torn: make it so.
      if (step === 'journaled') truncateSync(jpg!, Math.floor(statSync(jpg!).size / 2));
      assert.notEqual(sha(jpg!), original);
      const db2 = openTestDb(dir);
      try {
        const rec = await recoverInterruptedWrites(db2);
        assert.deepEqual(rec.map((r) => r.action), ['restored']);
        assert.equal(sha(jpg!), original, 'the original bytes are back');
        assert.deepEqual(leftovers(dir), []);
        assert.deepEqual(existsSync(path.join(dir, 'backup')) ? readdirSync(path.join(dir, 'backup')) : [], [], 'backup removed once restored');
        const w = writebackCounts(db2);
        assert.equal(w.recoveries.restored, 1);
        assert.equal(w.recoveries.restoreFailed, 0);
        assert.equal((await reconcileJournal(db2)).changed.length, 0, 'the journal entry is settled');
      } finally {
        db2.close();
      }
    });
  }

  test('a backup that does not match its hash is never copied over the photo', async () => {
    const dir = path.join(t.dir, 'badbackup');
    const [jpg] = copyFixtures(dir, ['photos/people/obama_4.jpg']);
    const db = openTestDb(dir);
    const file = addFile(db, jpg!);
    addTag(db, file.id, 'portrait');
    db.close();
    assert.equal(await runChild(dir, jpg!, 'written', 'embedded'), 'SIGKILL');
    const afterWrite = sha(jpg!);
    const db2 = openTestDb(dir);
    try {
      const j = db2.prepare('SELECT backup_path FROM xmp_journal WHERE path = ?').get(jpg!) as { backup_path: string };
      writeFileSync(j.backup_path, 'not the original');
      const rec = await recoverInterruptedWrites(db2);
      assert.deepEqual(rec.map((r) => r.action), ['restore-failed']);
      assert.equal(sha(jpg!), afterWrite, 'the photo is left as it is');
      assert.equal(writebackCounts(db2).recoveries.restoreFailed, 1);
    } finally {
      db2.close();
    }
  });
});

describe('lost update: a sidecar saved by another app between plan and write', () => {
  const t = tempDir();
  let writer: ExifToolWriter;
  before(() => {
    writer = createExifToolWriter({ timeoutMs: 30_000 });
  });
  after(async () => {
    await writer.end();
    t.cleanup();
  });

  test('the write is planned again on the new sidecar: the other app\'s change and ours are both kept', async () => {
    const [jpg, xmp] = rawWithLightroomSidecar(t.dir);
    const db = openTestDb(t.dir);
    const file = addFile(db, jpg!);
    addTag(db, file.id, 'squirrel');
    const config = testConfig();
    const prepared = await prepareWriteback({ db, writer, config }, file);
    // Lightroom saves now: a keyword added, same size is not needed (content hash is checked too).
    await writer.write(xmp!, ['-XMP-dc:Subject+=Lightroom keyword']);
    const res = await applyWriteback({ db, writer, config, backupDir: path.join(t.dir, 'b') }, prepared);
    tx(db, () => res.commit(db));
    const subjects = exiv2List(exiv2Props(xmp!), 'Xmp.dc.subject');
    assert.deepEqual([...subjects].sort(), [...OLD_SUBJECTS, 'Lightroom keyword', 'squirrel'].sort());
    db.close();
  });

  test('a same-size, same-mtime edit is caught by the hash', async () => {
    const dir = path.join(t.dir, 'samesize');
    const [jpg, xmp] = rawWithLightroomSidecar(dir);
    const db = openTestDb(dir);
    const file = addFile(db, jpg!);
    addTag(db, file.id, 'squirrel');
    const config = testConfig();
    const prepared = await prepareWriteback({ db, writer, config }, file);
    const st = statSync(xmp!);
    writeFileSync(xmp!, readFileSync(xmp!, 'utf8').replace('Berkley', 'Berkeley'.slice(0, 7)));
    utimesSync(xmp!, st.atime, st.mtime);
    // Not the same text: "Berkele" vs "Berkley" (same length).
    const res = await applyWriteback({ db, writer, config, backupDir: path.join(dir, 'b') }, prepared);
    tx(db, () => res.commit(db));
    const subjects = exiv2List(exiv2Props(xmp!), 'Xmp.dc.subject');
    assert.ok(subjects.includes('Berkele') && !subjects.includes('Berkley'), 'the other app\'s edit survives');
    assert.ok(subjects.includes('squirrel'));
    db.close();
  });

  test('a sidecar that changes on every attempt: SIDECAR_BUSY, nothing of ours written', async () => {
    const dir = path.join(t.dir, 'busy');
    const [jpg, xmp] = rawWithLightroomSidecar(dir);
    const db = openTestDb(dir);
    const file = addFile(db, jpg!);
    addTag(db, file.id, 'squirrel');
    const config = testConfig();
    let n = 0;
    // Another app saving each time rawlight's temp file is ready.
    const busy: XmpWriter = {
      readTags: (f, tags) => writer.readTags(f, tags),
      imageDataHash: (f) => writer.imageDataHash(f),
      write: (f, a) => writer.write(f, a),
      end: async () => undefined,
      async writeNew(src, dest, a) {
        const r = await writer.writeNew(src, dest, a);
        await writer.write(xmp!, [`-XMP-dc:Subject+=save ${++n}`]);
        return r;
      },
    };
    const prepared = await prepareWriteback({ db, writer: busy, config }, file);
    await assert.rejects(applyWriteback({ db, writer: busy, config, backupDir: path.join(dir, 'b') }, prepared), (e: unknown) => isDaemonError(e) && e.code === 'SIDECAR_BUSY');
    const subjects = exiv2List(exiv2Props(xmp!), 'Xmp.dc.subject');
    assert.equal(n, 3);
    assert.ok(!subjects.includes('squirrel'));
    assert.deepEqual(subjects.filter((s) => s.startsWith('save ')).sort(), ['save 1', 'save 2', 'save 3']);
    assert.deepEqual(readdirSync(path.dirname(xmp!)).filter((x) => x.includes('.rawlight-')), []);
    db.close();
  });
});
