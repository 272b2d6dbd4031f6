// The batched ExifTool reader: several files per command, yet every file's answer is what a read
// of that file alone gives, and one bad file never fails or changes its neighbours.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DefaultExifToolOptions, ExifTool, type Tags } from 'exiftool-vendored';
import { isDaemonError } from '../../../src/errors/index.js';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { toMetadataRow } from '../../../src/passes/metadata.pass.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

const GOOD = [
  'photos/gps/kenya_lizard.jpg',
  'photos/camera/canon-eos-rp__MG_0635.JPG',
  'photos/people/curie_portrait-orientation-6.jpg',
  'photos/sidecars/IMG_5910.xmp',
].map((r) => path.join(FIXTURES, r));
const FOREIGN = path.join(FIXTURES, 'bad/wrong-extension/git-lfs-pointer-named-as.jpg'); // a text file
const EMPTY = path.join(FIXTURES, 'bad/empty/empty-zero-bytes.jpg');
const TRUNCATED = path.join(FIXTURES, 'bad/truncated/fujifilm-gfx50r_header-only-128B.raf');

/** Reference: exiftool-vendored's own one-file read, with the arguments the reader used before batching. */
let plain: ExifTool;
const alone = (f: string): Promise<Tags> => plain.read(f);
const same = (a: Tags, b: Tags) => {
  assert.deepEqual(toMetadataRow(a, null, []), toMetadataRow(b, null, []));
  assert.deepEqual([a.errors, a.warnings, a.Error, a.Warning], [b.errors, b.warnings, b.Error, b.Warning]);
};
const settle = (p: Promise<Tags>) => p.then((tags) => ({ tags }), (error: unknown) => ({ error }));

describe('ExifReader batching', () => {
  const tmp = tempDir('rawlight-reader-');
  before(() => {
    // FocalLength numeric, as the reader asks for it.
    plain = new ExifTool({ maxProcs: 1, readArgs: ['-fast', '-api', 'LargeFileSupport=1'], ignoreZeroZeroLatLon: true, useMWG: true, numericTags: [...DefaultExifToolOptions.numericTags, 'FocalLength'] });
  });
  after(async () => {
    await plain.end();
    tmp.cleanup();
  });

  test('corrupt and foreign files in a batch: the good ones get the fields a lone read gives', async () => {
    const reader = new ExifReader({ maxProcs: 1, maxBatch: 16 });
    try {
      const files = [GOOD[0]!, FOREIGN, GOOD[1]!, EMPTY, GOOD[2]!, TRUNCATED, GOOD[3]!];
      const got = await Promise.all(files.map((f) => settle(reader.read(f))));
      assert.ok(reader.stats.batches >= 1 && reader.stats.batchedFiles >= GOOD.length, `read in batches: ${JSON.stringify(reader.stats)}`);
      for (const [i, f] of files.entries()) {
        const r = got[i]!;
        assert.ok('tags' in r, `${path.basename(f)} resolves (ExifTool reports bad files in their tags)`);
        same(r.tags, await alone(f));
      }
      const byFile = new Map(files.map((f, i) => [f, (got[i] as { tags: Tags }).tags]));
      assert.equal(byFile.get(GOOD[0]!)!.FileType, 'JPEG');
      assert.ok(toMetadataRow(byFile.get(GOOD[0]!)!, null, []).gps_lat !== null, 'GPS read');
      assert.ok(toMetadataRow(byFile.get(GOOD[1]!)!, null, []).make, 'camera make read');
      assert.equal(toMetadataRow(byFile.get(GOOD[2]!)!, null, []).orientation, 6);
      assert.equal(byFile.get(GOOD[3]!)!.FileType, 'XMP');
      assert.equal(byFile.get(FOREIGN)!.FileType, 'TXT');
      assert.ok(byFile.get(EMPTY)!.Error, 'an empty file carries its error');
      assert.ok(byFile.get(TRUNCATED)!.Error, 'a truncated RAW carries its error');
    } finally {
      await reader.end();
    }
  });

  test('a file that vanished gives FILE_NOT_FOUND for that file only', async () => {
    const reader = new ExifReader({ maxProcs: 1, maxBatch: 16 });
    try {
      const gone = path.join(tmp.dir, 'gone.jpg');
      copyFileSync(GOOD[0]!, gone);
      rmSync(gone);
      const files = [GOOD[0]!, gone, GOOD[1]!, GOOD[2]!];
      const got = await Promise.all(files.map((f) => settle(reader.read(f))));
      assert.ok(reader.stats.batches >= 1, 'went through a batch');
      const lost = got[1]!;
      assert.ok('error' in lost && isDaemonError(lost.error) && lost.error.code === 'FILE_NOT_FOUND', `vanished file: ${JSON.stringify(lost)}`);
      for (const i of [0, 2, 3]) {
        const r = got[i]!;
        assert.ok('tags' in r, `${path.basename(files[i]!)} still reads`);
        same(r.tags, await alone(files[i]!));
      }
    } finally {
      await reader.end();
    }
  });

  test('a batch that times out is read again file by file: only the stuck file fails', async () => {
    // A FIFO with no writer: ExifTool blocks opening it, so its command can only time out.
    const fifo = path.join(tmp.dir, 'stuck.jpg');
    execFileSync('mkfifo', [fifo]);
    const reader = new ExifReader({ maxProcs: 1, maxBatch: 16, taskTimeoutMillis: 1500 });
    try {
      const files = [GOOD[0]!, fifo, GOOD[1]!];
      const got = await Promise.all(files.map((f) => settle(reader.read(f))));
      const stuck = got[1]!;
      assert.ok('error' in stuck && isDaemonError(stuck.error) && stuck.error.code === 'METADATA_UNREADABLE', `stuck file: ${JSON.stringify(stuck)}`);
      for (const i of [0, 2]) {
        const r = got[i]!;
        assert.ok('tags' in r, `${path.basename(files[i]!)} still reads`);
        same(r.tags, await alone(files[i]!));
      }
      assert.ok(reader.stats.singles >= 3, `fell back to single reads: ${JSON.stringify(reader.stats)}`);
    } finally {
      await reader.end();
    }
  });

  test('every fixture reads the same batched as alone (metadata row, errors, warnings)', async () => {
    const reader = new ExifReader({ maxProcs: 2, maxBatch: 8 });
    try {
      const files = execFileSync('find', [path.join(FIXTURES, 'photos'), path.join(FIXTURES, 'raw'), path.join(FIXTURES, 'bad'), '-type', 'f', '!', '-name', '*.json', '!', '-name', '*.md'], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
      const got = await Promise.all(files.map((f) => settle(reader.read(f))));
      assert.ok(reader.stats.batchedFiles > files.length / 2, `mostly batched: ${JSON.stringify(reader.stats)}`);
      for (const [i, f] of files.entries()) {
        const r = got[i]!;
        const ref = await settle(alone(f));
        assert.equal('tags' in r, 'tags' in ref, `${f}: same outcome`);
        if ('tags' in r && 'tags' in ref) same(r.tags, ref.tags);
      }
    } finally {
      await reader.end();
    }
  });
});

describe('ExifReader and an AbortSignal', () => {
  test('a read aborted while queued is cancelled (ExifTool never sees it); its batch-mates are answered', async () => {
    const reader = new ExifReader({ maxProcs: 1, maxBatch: 8 });
    try {
      const job = new AbortController();
      const kept = reader.read(GOOD[0]!);
      const cancelled = settle(reader.read(GOOD[1]!, job.signal));
      job.abort(new Error('metadata ran longer than 10 ms')); // same tick: still in the queue
      const r = await cancelled;
      assert.ok('error' in r && isDaemonError(r.error) && r.error.code === 'PASS_TIMEOUT', 'the aborted read rejects with PASS_TIMEOUT');
      assert.equal((await kept).FileType, 'JPEG');
      assert.equal(reader.stats.batchedFiles + reader.stats.singles, 1, 'only the kept file was read');
      const pre = new AbortController();
      pre.abort();
      await assert.rejects(reader.read(GOOD[2]!, pre.signal), (e: unknown) => isDaemonError(e) && e.code === 'PASS_TIMEOUT');
      assert.equal(reader.stats.batchedFiles + reader.stats.singles, 1, 'an already aborted read never reaches ExifTool');
    } finally {
      await reader.end();
    }
  });
});
