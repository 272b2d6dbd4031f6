import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { compileExcludes, isIgnoredName, mediaKind, sidecarCandidates, sidecarOwnerStem } from '../../../src/watch/media.js';
import { Settler } from '../../../src/watch/settle.js';

test('media kinds: RAW, images, and what is never a photo', () => {
  for (const f of ['a.CR3', 'b.nef', 'c.ARW', 'd.dng', 'e.RAF', 'f.orf', 'g.rw2', 'h.pef', 'i.gpr', 'j.x3f']) assert.equal(mediaKind(f), 'raw', f);
  for (const f of ['a.jpg', 'b.JPEG', 'c.heic', 'd.HIF', 'e.tif', 'f.png', 'g.webp']) assert.equal(mediaKind(f), 'image', f);
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
});

test('a file still being copied is reported once, after its size has stopped changing', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-settle-'));
  try {
    const f = path.join(dir, 'IMG_1.CR3');
    writeFileSync(f, 'x');
    const seen: { at: number; size: number | null }[] = [];
    const s = new Settler(150, (_p, st) => seen.push({ at: Date.now(), size: st ? Number(st.size) : null }));
    s.touch(f);
    const t0 = Date.now();
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      appendFileSync(f, 'more bytes');
      s.touch(f);
    }
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(seen.length, 1, 'once');
    assert.equal(seen[0]!.size, 1 + 6 * 10, 'with its final size');
    assert.ok(seen[0]!.at - t0 >= 600 + 150, 'not before the copy ended');
    rmSync(f);
    s.touch(f);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(seen.at(-1)!.size, null, 'a vanished file is reported as gone');
    s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
