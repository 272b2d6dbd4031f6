// The embedded-image task gathers ExifTool's (large, base64) output itself and hands it to
// batch-cluster once: batch-cluster's own per-chunk handling re-scans everything received so far.
// The base64 values are decoded from the bytes and replaced by placeholders before that: what
// batch-cluster and JSON.parse see on the daemon's thread is a few hundred bytes, not megabytes.
import assert from 'node:assert/strict';
import { afterEach, describe, mock, test } from 'node:test';
import { Task } from 'batch-cluster';
import { EmbeddedImagesTask } from '../../../src/exiftool/embedded-images-task.js';

describe('EmbeddedImagesTask output', () => {
  afterEach(() => mock.restoreAll());

  const chunksOf = (b: Buffer, size: number) => {
    const out: Buffer[] = [];
    for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
    return out;
  };

  test('many chunks reach batch-cluster as one at the ready token, whatever the chunk boundaries', () => {
    const jpeg = Buffer.alloc(40_000, 0xab);
    // A multi-byte file name and a token both split across chunk boundaries (7-byte chunks at the end).
    // Written without the space ExifTool puts after a colon: both spellings are JSON.
    const text = `[{"SourceFile":"/photos/été.nef","JpgFromRaw":"base64:${jpeg.toString('base64')}"}]\n{ready}\n`;
    const bytes = Buffer.from(text);
    for (const size of [65_536, 4096, 7, 3]) {
      const seen: string[] = [];
      const spy = mock.method(Task.prototype, 'onStdout', function (this: Task<unknown>, buf: string | Buffer) {
        seen.push(String(buf));
      });
      const task = EmbeddedImagesTask.for(['/photos/été.nef'], ['JpgFromRaw']);
      for (const c of chunksOf(bytes, size)) task.onStdout(c);
      // Once with everything up to the token; bytes after it (the token's newline) may follow.
      assert.ok(spy.mock.callCount() <= 2, `chunks of ${size} bytes: ${spy.mock.callCount()} hand-overs`);
      assert.ok(seen[0]!.endsWith('{ready}') || seen[0]!.endsWith('{ready}\n'), `chunks of ${size} bytes: handed over at the token`);
      assert.equal(seen.join(''), text.replace(/base64:[^"]*/, 'rawlight-binary:0'), `chunks of ${size} bytes: the output is whole, decoded right, the image cut out`);
      // What batch-cluster then parses gives the image back byte for byte.
      const parsed = task.parse(seen.join('').replace(/\{ready\}\n$/, ''));
      assert.ok(parsed.get('/photos/été.nef')?.get('JpgFromRaw')?.equals(jpeg));
      spy.mock.restore();
    }
  });

  test('output after the token (a late flush) still reaches batch-cluster', () => {
    const seen: string[] = [];
    mock.method(Task.prototype, 'onStdout', (buf: string | Buffer) => void seen.push(String(buf)));
    const task = EmbeddedImagesTask.for(['/a.nef'], ['PreviewImage']);
    task.onStdout('[]\n{rea');
    assert.equal(seen.length, 0, 'nothing handed over before the token is complete');
    task.onStdout('dy}\n');
    task.onStdout('\n');
    assert.deepEqual(seen, ['[]\n{ready}\n', '\n']);
  });

  test('ExifTool\'s own layout, several files and images: batch-cluster gets no base64, every image comes back byte for byte', () => {
    const seen: string[] = [];
    mock.method(Task.prototype, 'onStdout', (buf: string | Buffer) => void seen.push(String(buf)));
    const big = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) & 255));
    const small = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const thumb = Buffer.from([0xff, 0xd8, 9, 9]);
    // A file name holding the marker text (escaped quotes, as ExifTool writes them) is not an image.
    const odd = '/photos/a \\"base64:AAAA\\" b.cr2';
    const json = [
      '[{',
      '  "SourceFile": "/photos/one.nef",',
      `  "JpgFromRaw": "base64:${big.toString('base64')}",`,
      `  "PreviewImage": "base64:${small.toString('base64')}"`,
      '},',
      '{',
      `  "SourceFile": "${odd}",`,
      `  "ThumbnailImage": "base64:${thumb.toString('base64')}"`,
      '}]',
    ].join('\n');
    const task = EmbeddedImagesTask.for(['/photos/one.nef', JSON.parse(`"${odd}"`) as string], ['JpgFromRaw', 'PreviewImage', 'ThumbnailImage']);
    for (const c of chunksOf(Buffer.from(`${json}\n{ready}\n`), 65_536)) task.onStdout(c);
    assert.equal(seen.length, 1);
    assert.ok(seen[0]!.length < 1000, `what batch-cluster scans is small (${seen[0]!.length} chars)`);
    assert.ok(!seen[0]!.includes('base64:' + big.toString('base64').slice(0, 20)));
    const parsed = task.parse(seen[0]!.replace(/\{ready\}\n$/, ''));
    assert.ok(parsed.get('/photos/one.nef')?.get('JpgFromRaw')?.equals(big));
    assert.ok(parsed.get('/photos/one.nef')?.get('PreviewImage')?.equals(small));
    const second = parsed.get(JSON.parse(`"${odd}"`) as string);
    assert.ok(second?.get('ThumbnailImage')?.equals(thumb));
    assert.equal(second?.size, 1);
  });
});
