// Issue 14: a caught-up daemon ends ExifTool's perl processes (30-70 MB each) at the idle release;
// the next read or write starts one again, and nothing in flight is cut short.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, test } from 'node:test';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { createExifToolWriter } from '../../../src/exiftool/writer.js';
import { copyFixtures, FIXTURES, tempDir } from '../../helpers/fixtures.js';

const PHOTO = path.join(FIXTURES, 'photos/gps/kenya_lizard.jpg');

/** Perl processes this test process has started (pgrep: Linux and macOS alike). */
function perlChildren(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), 'perl'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const reader = new ExifReader({ maxProcs: 1 });
after(() => reader.end());

test('reader: park ends its ExifTool process; the next read starts one and reads the same tags', async () => {
  const first = await reader.read(PHOTO);
  await new Promise((r) => setImmediate(r));
  const before = reader.et.pids;
  assert.equal(before.length, 1, 'one process after a read');
  assert.equal(await reader.park(), true);
  assert.deepEqual(reader.et.pids, [], 'no process left in the pool');
  assert.equal(alive(before[0]!), false, 'the perl process has exited');
  const again = await reader.read(PHOTO);
  assert.equal(again.GPSLatitude, first.GPSLatitude);
  assert.equal(again.Model, first.Model);
  assert.notDeepEqual(reader.et.pids, before, 'a new process served it');
});

test('reader: park refuses while a read waits or runs, and that read completes', async () => {
  const pending = reader.read(PHOTO);
  assert.equal(await reader.park(), false, 'a read is queued: nothing is ended');
  const tags = await pending;
  assert.ok(tags.GPSLatitude !== undefined, 'the read got its tags');
});

test('reader: a read issued while the pool is being parked still gets its tags (race)', async () => {
  await reader.read(PHOTO);
  await new Promise((r) => setImmediate(r)); // the batch's bookkeeping ends just after its readers resolve
  const parking = reader.park();
  const racing = reader.read(PHOTO);
  const [parked, tags] = await Promise.all([parking, racing]);
  assert.equal(parked, true);
  assert.ok(tags.GPSLatitude !== undefined, 'the racing read was served by a new process');
});

test('writer: park ends its ExifTool process; the next write-side command starts one again', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const [copy] = copyFixtures(tmp.dir, ['photos/gps/kenya_lizard.jpg']);
  const writer = createExifToolWriter({ timeoutMs: 30_000 });
  t.after(() => writer.end());
  const known = new Set(perlChildren());
  const hash = await writer.imageDataHash(copy!);
  const started = perlChildren().filter((p) => !known.has(p));
  assert.equal(started.length, 1, 'the writer runs one process');
  assert.equal(await writer.park(), true);
  assert.equal(alive(started[0]!), false, 'it has exited');
  assert.equal(await writer.imageDataHash(copy!), hash, 'the next command works as before');
});
