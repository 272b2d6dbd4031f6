// A full disk while making a preview is not the photo's fault: the temporary folder a platform
// decoder writes into, or the preview cache, out of room gives DISK_FULL (retried once there is
// room), never a final PREVIEW_NONE nor an embedded thumbnail settled for. heif-convert on a full
// disk exits 0 leaving an empty JPEG: what it left is not taken for the photo either.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { DaemonError, toDaemonError } from '../../../src/errors/index.js';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { viaTemp, type HeicDecoder } from '../../../src/image/heic.js';
import { MIN_TEMP_ROOM } from '../../../src/image/temp-room.js';
import { createPreviewPass } from '../../../src/passes/preview.pass.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
const roomy = async () => 10 * MIN_TEMP_ROOM;
const full = async () => 3 * 2 ** 20;

describe('viaTemp: a decoder writing into the temporary folder', () => {
  test('with room: its largest non-empty output', async () => {
    const out = await viaTemp(async (o) => {
      writeFileSync(o.replace('.jpg', '-1.jpg'), JPEG);
      writeFileSync(o.replace('.jpg', '-2.jpg'), Buffer.alloc(0));
    }, '.jpg', roomy);
    assert.deepEqual(out, JPEG);
  });

  test('with room, a failure is the tool\'s own; an empty output is no image', async () => {
    await assert.rejects(viaTemp(() => Promise.reject(new Error('Invalid input: No \'meta\' box')), '.jpg', roomy), /No 'meta' box/);
    await assert.rejects(viaTemp(async (o) => writeFileSync(o, Buffer.alloc(0)), '.jpg', roomy), /the decoder wrote no image/);
  });

  test('out of room: DISK_FULL (retryable), whether the tool failed or exited 0 leaving an empty file', async () => {
    for (const fn of [() => Promise.reject(new Error('Input Buffer is empty')), async (o: string) => writeFileSync(o, Buffer.alloc(0)), async (o: string) => writeFileSync(o, JPEG)]) {
      await assert.rejects(viaTemp(fn, '.jpg', full), (e: DaemonError) => {
        assert.equal(e.code, 'DISK_FULL');
        assert.equal(e.retryable, true);
        assert.match(e.message, /temporary folder .* has 3 MB free/);
        return true;
      });
    }
  });

  test('Node\'s own no-room errors are DISK_FULL too', () => {
    for (const code of ['ENOSPC', 'EDQUOT']) assert.equal(toDaemonError(Object.assign(new Error(`${code}: no space left on device, write`), { code })).code, 'DISK_FULL');
  });
});

describe('the preview pass on a full disk', () => {
  const t = tempDir('rawlight-disk-full-');
  const heic = path.join(FIXTURES, 'photos/heic/iphone7_himeji-castle.heic');
  const run = async (deps: Pick<Parameters<typeof createPreviewPass>[0], 'heicDecoders' | 'render'>) => {
    const exif = new ExifReader({ maxProcs: 1 });
    try {
      const pass = createPreviewPass({ exif, cacheDir: path.join(t.dir, 'cache'), ...deps });
      const db = { prepare: () => ({ get: () => undefined, all: () => [] }) } as unknown as Parameters<typeof pass.inputKey>[0];
      const file = { id: 1, path: heic, ext: 'heic', content_hash: 'x' } as unknown as Parameters<typeof pass.inputKey>[1];
      return await pass.run({ file, inputKey: 'x:1', db, log: undefined as never, signal: new AbortController().signal });
    } finally {
      await exif.end();
    }
  };

  test('a decoder out of room: DISK_FULL, and the HEIC\'s embedded thumbnail is not settled for', async () => {
    const tried: string[] = [];
    const decoder: HeicDecoder = { name: 'heif-convert', toJpeg: () => (tried.push('heif-convert'), Promise.reject(new DaemonError('DISK_FULL', 'the temporary folder /tmp has 3 MB free'))) };
    const second: HeicDecoder = { name: 'second', toJpeg: () => (tried.push('second'), Promise.resolve(JPEG)) };
    await assert.rejects(run({ heicDecoders: [decoder, second] }), (e: DaemonError) => e.code === 'DISK_FULL');
    assert.deepEqual(tried, ['heif-convert'], 'no other source is tried: it would need room too');
  });

  test('a preview cache out of room (the render\'s ENOSPC): DISK_FULL, not PREVIEW_NONE', async () => {
    let renders = 0;
    const render = async () => {
      renders++;
      throw toDaemonError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    };
    const decoder: HeicDecoder = { name: 'stub', toJpeg: () => Promise.resolve(JPEG) };
    await assert.rejects(run({ heicDecoders: [decoder], render }), (e: DaemonError) => e.code === 'DISK_FULL');
    assert.equal(renders, 1);
  });

  test('cleanup', () => t.cleanup());
});
