// The embedded-image task gathers ExifTool's (large, base64) output itself and hands it to
// batch-cluster once: batch-cluster's own per-chunk handling re-scans everything received so far.
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
      assert.equal(seen.join(''), text, `chunks of ${size} bytes: the output is whole and decoded right`);
      // What batch-cluster then parses gives the image back byte for byte.
      const parsed = task.parse(seen.join('').replace('{ready}\n', ''));
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
});
