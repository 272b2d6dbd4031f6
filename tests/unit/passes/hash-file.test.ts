// The content hash (gate 2): SHA-256 of the whole file, read in 1 MiB pieces into reused buffers.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { hashFile } from '../../../src/passes/scan.pass.js';
import { tempDir } from '../../helpers/fixtures.js';

const MiB = 2 ** 20;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** The process's open files (Linux and macOS both list them under /dev/fd). */
const openFds = () => readdirSync('/dev/fd').length;

test('the hash of every size around the read size is the file\'s SHA-256, with many files hashed at once', async () => {
  const t = tempDir('rawlight-hash-');
  try {
    const sizes = [1, 1000, MiB - 1, MiB, MiB + 1, 2 * MiB, 3.5 * MiB, 9 * MiB + 7];
    const files = sizes.map((n, i) => {
      const data = randomBytes(n);
      const f = path.join(t.dir, `f${i}.raw`);
      writeFileSync(f, data);
      return { f, want: sha(data) };
    });
    // All at once, twice over: the reused buffers must never be shared by two reads in flight.
    const got = await Promise.all([...files, ...files].map(({ f }) => hashFile(f)));
    assert.deepEqual(got, [...files, ...files].map((x) => x.want));
    // And one after another, through buffers the runs above gave back.
    for (const { f, want } of files) assert.equal(await hashFile(f), want);
  } finally {
    t.cleanup();
  }
});

test('stopped mid-file (shutdown): it gives up between pieces and leaves no file open', async () => {
  const t = tempDir('rawlight-hash-');
  try {
    const f = path.join(t.dir, 'big.raw');
    writeFileSync(f, randomBytes(32 * MiB));
    const before = openFds();
    const ac = new AbortController();
    const p = hashFile(f, ac.signal);
    setImmediate(() => ac.abort(new Error('shutting down')));
    await assert.rejects(p, /shutting down/);
    assert.equal(openFds(), before);
    await assert.rejects(hashFile(f, ac.signal), /shutting down/, 'already stopped: not even opened');
    assert.equal(openFds(), before);
  } finally {
    t.cleanup();
  }
});

test('a file that is not there, or a folder: the read\'s own error, no file left open', async () => {
  const t = tempDir('rawlight-hash-');
  try {
    const before = openFds();
    await assert.rejects(hashFile(path.join(t.dir, 'gone.raw')), { code: 'ENOENT' });
    await assert.rejects(hashFile(t.dir), { code: 'EISDIR' });
    assert.equal(openFds(), before);
  } finally {
    t.cleanup();
  }
});
