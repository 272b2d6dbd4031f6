import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, statSync, utimesSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { writebackCommand } from '../../../src/cli/commands/writeback.command.js';
import { isDaemonError } from '../../../src/errors/index.js';
import { createExifToolWriter, type ExifToolWriter } from '../../../src/exiftool/writer.js';
import { silentLogger } from '../../../src/log/index.js';
import type { PassContext } from '../../../src/passes/pass.js';
import { createWritebackPass } from '../../../src/passes/writeback.pass.js';
import { WRITEBACK_UPSTREAM } from '../../../src/passes/writeback-settled.js';
import { resolvePlaces } from '../../../src/platform/places.js';
import { DB_FILE, openDb, tx, type WritableDb } from '../../../src/store/db.js';
import type { FileRow } from '../../../src/store/repositories/file.repository.js';
import { isOwnWrite, reconcileJournal } from '../../../src/xmp/own-writes.js';
import { xmpStateForFile } from '../../../src/xmp/xmp-state.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';
import { addFile, addTag, testConfig, suiteWithWriter } from './helpers.js';

function ctx(db: WritableDb, file: FileRow, inputKey: string): PassContext {
  return { file, inputKey, db, log: silentLogger(), signal: new AbortController().signal };
}

async function runPass(pass: ReturnType<typeof createWritebackPass>, db: WritableDb, file: FileRow) {
  const key = pass.inputKey(db, file);
  assert.ok(key, 'the pass applies');
  const out = await pass.run(ctx(db, file, key));
  tx(db, () => out.commit?.(db));
  return out;
}

describe('writeback pass', () => {
  const t = tempDir();
  let db: WritableDb;
  let writer: ExifToolWriter;
  suiteWithWriter(t, (opened) => ({ db, writer } = opened));
  const deps = (over: Parameters<typeof testConfig>[0] = {}) => ({ db, writer, config: testConfig(over), backupDir: path.join(t.dir, 'b') });

  test('input key: null when off, when nothing is known, and follows the desired state', () => {
    const [cr3] = copyFixtures(path.join(t.dir, 'k'), ['raw/exiv2_Canon-R6-pruned.CR3']);
    const file = addFile(db, cr3!);
    const pass = createWritebackPass(deps());
    assert.equal(pass.name, 'writeback');
    assert.deepEqual(pass.after, [...WRITEBACK_UPSTREAM]);
    assert.equal(pass.inputKey(db, file), null, 'nothing to write');
    addTag(db, file.id, 'camera');
    const k1 = pass.inputKey(db, file);
    assert.ok(k1?.startsWith('auto:'));
    addTag(db, file.id, 'lens', 0.05);
    assert.equal(pass.inputKey(db, file), k1, 'a tag under minTagScore changes nothing');
    addTag(db, file.id, 'strap');
    assert.notEqual(pass.inputKey(db, file), k1);
    assert.equal(createWritebackPass(deps({ writeback: 'off' })).inputKey(db, file), null);
    assert.equal(createWritebackPass(deps({ passes: { writeback: false } })).inputKey(db, file), null);
    assert.ok(createWritebackPass(deps({ writeback: 'review' })).inputKey(db, file)?.startsWith('review:'));
  });

  test('auto: writes, journals its own write for the watcher, reconciles after a restart', async () => {
    const [nef] = copyFixtures(path.join(t.dir, 'auto'), ['raw/exiftool_Nikon.nef']);
    const file = addFile(db, nef!);
    addTag(db, file.id, 'bird');
    const out = await runPass(createWritebackPass(deps()), db, file);
    const sidecar = nef!.replace(/\.nef$/, '.xmp');
    assert.equal(out.output?.written, true);
    assert.equal(out.output?.target, sidecar);
    assert.ok(isOwnWrite(db, sidecar, statSync(sidecar)), 'our write is recognised (Stats)');
    assert.ok(isOwnWrite(db, sidecar, statSync(sidecar, { bigint: true })), 'our write is recognised (BigIntStats)');
    assert.deepEqual(await reconcileJournal(db), { kept: 1, changed: [], gone: 0 });

    // A touch that changes no byte is still ours after a restart (hash check).
    const st = statSync(sidecar);
    utimesSync(sidecar, st.atime, new Date(st.mtimeMs + 5000));
    assert.equal(isOwnWrite(db, sidecar, statSync(sidecar)), false);
    assert.deepEqual(await reconcileJournal(db), { kept: 1, changed: [], gone: 0 });
    assert.ok(isOwnWrite(db, sidecar, statSync(sidecar)));

    // Someone else edits the sidecar: not ours, and reported for a metadata re-import.
    writeFileSync(sidecar, readFileSync(sidecar, 'utf8').replace('bird', 'birb'));
    assert.equal(isOwnWrite(db, sidecar, statSync(sidecar)), false);
    assert.deepEqual((await reconcileJournal(db)).changed, [sidecar]);
  });

  test('a new sidecar takes its photo\'s permissions, not the daemon\'s private umask; a rewritten one keeps its own', async () => {
    const [a, b] = copyFixtures(path.join(t.dir, 'modes'), ['raw/exiftool_Nikon.nef', 'raw/exiftool_CanonRaw.cr2']);
    chmodSync(a!, 0o644); // the usual photo: others may read it (a shared folder, a NAS)
    chmodSync(b!, 0o640);
    // The daemon and the CLI run with umask 0077 (their own folders private, platform/private-files.ts),
    // set before ExifTool starts: its processes create files under it too.
    const saved = process.umask(0o077);
    const own = createExifToolWriter({ timeoutMs: 30_000 });
    try {
      const pass = createWritebackPass({ ...deps(), writer: own });
      const modeOf = (p: string) => statSync(p).mode & 0o777;
      const fa = addFile(db, a!);
      addTag(db, fa.id, 'heron');
      await runPass(pass, db, fa);
      const sa = a!.replace(/\.nef$/, '.xmp');
      assert.equal(modeOf(sa).toString(8), '644', 'readable wherever its photo is');
      const fb = addFile(db, b!);
      addTag(db, fb.id, 'egret');
      await runPass(pass, db, fb);
      assert.equal(modeOf(b!.replace(/\.cr2$/, '.xmp')).toString(8), '640');
      // A sidecar whose permissions the user (or Lightroom) set keeps them through our rewrite.
      chmodSync(sa, 0o664);
      addTag(db, fa.id, 'pond');
      const out = await runPass(pass, db, fa);
      assert.equal(out.output?.written, true);
      assert.match(readFileSync(sa, 'utf8'), /pond/);
      assert.equal(modeOf(sa).toString(8), '664');
    } finally {
      process.umask(saved);
      await own.end();
    }
  });

  test('review: records the plan, writes nothing; `rawlight writeback --dry-run` lists it; `rawlight writeback` applies', async () => {
    const home = path.join(t.dir, 'home');
    const places = resolvePlaces({ env: { RAWLIGHT_HOME: home } });
    const { db: cliDb } = openDb(path.join(places.dataDir, DB_FILE)); // the real, full schema
    const [cr2] = copyFixtures(path.join(t.dir, 'review'), ['raw/exiftool_CanonRaw.cr2']);
    const sidecar = cr2!.replace(/\.cr2$/, '.xmp');
    try {
      const file = addFile(cliDb, cr2!);
      addTag(cliDb, file.id, 'tripod');
      const pass = createWritebackPass({ db: cliDb, writer, config: testConfig({ writeback: 'review' }), backupDir: path.join(t.dir, 'b') });
      const out = await runPass(pass, cliDb, file);
      assert.equal(out.output?.planned, 2);
      assert.equal(existsSync(sidecar), false, 'review mode writes nothing');
      const st = xmpStateForFile(cliDb, file.id)!;
      assert.equal(st.status, 'pending');
      assert.deepEqual(
        st.pending!.changes.map((c) => [c.field, c.op, c.value]),
        [
          ['subject', 'add', 'tripod'],
          ['hierarchical', 'add', 'rawlight|Objects|tripod'],
        ],
      );

      const io = () => {
        const stdout = new PassThrough();
        const stderr = new PassThrough();
        let text = '';
        stdout.on('data', (d: Buffer) => (text += d.toString()));
        return { io: { stdout, stderr }, text: () => text };
      };
      const dry = io();
      assert.equal(await writebackCommand.run(['--dry-run', '--json', cr2!], { places, io: dry.io, env: process.env }), 0);
      const report = JSON.parse(dry.text()) as { dryRun: boolean; files: { target: string; changes: { xmp: string; op: string; value: string }[] }[] };
      assert.equal(report.dryRun, true);
      assert.equal(report.files[0]!.target, sidecar);
      assert.deepEqual(report.files[0]!.changes.map((c) => `${c.op} ${c.xmp} ${c.value}`), ['add dc:subject tripod', 'add lr:hierarchicalSubject rawlight|Objects|tripod']);
      assert.equal(existsSync(sidecar), false, 'a dry run writes nothing');

      const text = io();
      assert.equal(await writebackCommand.run([path.dirname(cr2!)], { places, io: text.io, env: process.env }), 0);
      assert.match(text.text(), /\+ dc:subject "tripod"/);
      assert.ok(existsSync(sidecar));
      assert.equal(xmpStateForFile(cliDb, file.id)!.status, 'ok');
      assert.equal(xmpStateForFile(cliDb, file.id)!.pending, null);

      const again = io();
      assert.equal(await writebackCommand.run([], { places, io: again.io, env: process.env }), 0);
      assert.match(again.text(), /^0 of 1 file\(s\) with changes/m);
    } finally {
      cliDb.close();
    }
  });

  test('a malformed sidecar fails the pass with SIDECAR_MALFORMED, recorded for show/status', async () => {
    const [rw2] = copyFixtures(path.join(t.dir, 'bad'), ['raw/exiftool_Panasonic.rw2']);
    writeFileSync(rw2!.replace(/\.rw2$/, '.xmp'), '');
    const file = addFile(db, rw2!);
    addTag(db, file.id, 'x');
    const pass = createWritebackPass(deps());
    await assert.rejects(pass.run(ctx(db, file, pass.inputKey(db, file)!)), (e: unknown) => isDaemonError(e) && e.code === 'SIDECAR_MALFORMED');
    assert.equal(xmpStateForFile(db, file.id)!.error?.code, 'SIDECAR_MALFORMED');
  });

  test('an aborted run (timeout or shutdown) never starts the XMP write', async () => {
    const [nef] = copyFixtures(path.join(t.dir, 'abort'), ['raw/exiftool_Nikon.nef']);
    const file = addFile(db, nef!);
    addTag(db, file.id, 'heron');
    const pass = createWritebackPass(deps());
    const job = new AbortController();
    job.abort(new Error('writeback ran longer than 10 ms'));
    await assert.rejects(
      pass.run({ ...ctx(db, file, pass.inputKey(db, file)!), signal: job.signal }),
      (e: unknown) => isDaemonError(e) && e.code === 'PASS_TIMEOUT' && /writing XMP/.test(e.message),
    );
    const sidecar = nef!.replace(/\.nef$/, '.xmp');
    assert.equal(existsSync(sidecar), false, 'no sidecar written');
    await runPass(pass, db, file);
    assert.equal(existsSync(sidecar), true, 'the same run without the abort writes it');
  });
});
