import assert from 'node:assert/strict';
import type { BigIntStats } from 'node:fs';
import { test } from 'node:test';
import { compileExcludes, isIgnoredName, mediaKind, sidecarCandidates, sidecarOwnerStem } from '../../../src/watch/media.js';
import { Settler } from '../../../src/watch/settle.js';

test('media kinds: RAW, images, and what is never a photo', () => {
  for (const f of ['a.CR3', 'b.nef', 'c.ARW', 'd.dng', 'e.RAF', 'f.orf', 'g.rw2', 'h.pef', 'i.gpr', 'j.x3f', 'k.3FR', 'l.fff', 'P5010001.ORI']) assert.equal(mediaKind(f), 'raw', f);
  for (const f of ['a.jpg', 'b.JPEG', 'c.heic', 'd.HIF', 'e.tif', 'f.png', 'g.webp', 'h.psd', 'i.PSB', 'j.jpe', 'k.GIF', 'IMG_20240501_101010_00_001.insp', 'l.avif', 'm.jxl']) assert.equal(mediaKind(f), 'image', f);
  for (const f of ['._IMG_1.CR3', '.hidden.jpg', 'IMG_1.jpg_exiftool_tmp', 'IMG_1.jpg_original', 'notes.txt', 'IMG_1.xmp', 'movie.mov']) assert.equal(mediaKind(f), null, f);
  assert.equal(isIgnoredName('._x'), true);
});

test('sidecar names: IMG.CR3.xmp names one photo, IMG.xmp any photo of that stem', () => {
  assert.deepEqual(sidecarCandidates('/p/IMG_1.CR3'), ['/p/IMG_1.CR3.xmp', '/p/IMG_1.CR3.XMP', '/p/IMG_1.xmp', '/p/IMG_1.XMP']);
  assert.deepEqual(sidecarOwnerStem('/p/IMG_1.CR3.xmp'), { exact: '/p/IMG_1.CR3', stem: '/p/IMG_1' });
  assert.deepEqual(sidecarOwnerStem('/p/IMG_1.xmp'), { exact: null, stem: '/p/IMG_1' });
});

test('exclusions: plain fragments and globs', () => {
  const ex = compileExcludes(['/Exports/', '**/tmp/*.jpg', 'Lightroom Previews.lrdata']);
  assert.equal(ex('/lib/Exports/a.jpg'), true);
  assert.equal(ex('/lib/2024/tmp/a.jpg'), true);
  assert.equal(ex('/lib/2024/tmp/sub/a.jpg'), false);
  assert.equal(ex('/lib/Cat/Lightroom Previews.lrdata/x.jpg'), true);
  assert.equal(ex('/lib/2024/a.jpg'), false);
  // The folders themselves, as the walk and the watcher meet them (no trailing slash): "/Exports/"
  // names the folder, "**/tmp/*.jpg" only some files in one.
  assert.equal(ex('/lib/Exports'), true);
  assert.equal(ex('/lib/2024/Exports-old'), false);
  assert.equal(ex('/lib/2024/tmp'), false);
  assert.equal(ex('/lib/Cat/Lightroom Previews.lrdata'), true);
  const dirs = compileExcludes(['**/tmp/*', '/2019']);
  assert.equal(dirs('/lib/2024/tmp'), true, 'everything in it is excluded, so the folder is');
  assert.equal(dirs('/lib/2019'), true);
  assert.equal(dirs('/lib/2024'), false);
});

test('a file still being copied is reported once, after its size has stopped changing', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  // The file as the settler sees it: a copy appending 10 bytes every 100 ms, then gone.
  let size: number | null = 1;
  const stat = async (): Promise<BigIntStats> => {
    if (size === null) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return { size: BigInt(size), mtimeNs: BigInt(size) * 1000n } as BigIntStats;
  };
  let now = 0;
  const advance = async (ms: number): Promise<void> => {
    now += ms;
    t.mock.timers.tick(ms);
    // Let the settler's stat (a promise) resolve before looking at what it did.
    for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
  };
  const seen: { at: number; size: number | null }[] = [];
  const s = new Settler(150, (_p, st) => seen.push({ at: now, size: st ? Number(st.size) : null }), stat);
  const f = '/lib/IMG_1.CR3';
  s.touch(f);
  for (let i = 0; i < 6; i++) {
    await advance(100);
    size += 10;
    s.touch(f);
  }
  assert.equal(seen.length, 0, 'nothing while the copy runs');
  await advance(150); // first quiet look: remembered, not yet trusted
  assert.equal(seen.length, 0, 'one quiet period is not enough: the size must be seen unchanged twice');
  await advance(150);
  assert.equal(seen.length, 1, 'once');
  assert.equal(seen[0]!.size, 1 + 6 * 10, 'with its final size');
  assert.equal(seen[0]!.at, 600 + 300, 'not before the copy ended and two quiet looks agreed');
  await advance(1000);
  assert.equal(seen.length, 1, 'never twice');
  size = null;
  s.touch(f);
  await advance(150);
  assert.deepEqual(seen.at(-1), { at: now, size: null }, 'a vanished file is reported as gone');
  assert.equal(s.pending, 0);
  s.close();
});
