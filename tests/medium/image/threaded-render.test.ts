// The daemon renders previews on worker threads (threaded-render.ts): the same bytes, hashes and
// errors as rendering on the calling thread, one thread per CPU worker, and a thread that dies
// costs only its pending renders (retryable), never the daemon.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DaemonError, isDaemonError, toDaemonError } from '../../../src/errors/index.js';
import { renderPreview, type Rendered } from '../../../src/image/render.js';
import { createThreadedRenderer } from '../../../src/image/threaded-render.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

const JPEG = path.join(FIXTURES, 'photos/camera/nikon-d90_DSC_0003.JPG');
const SMALL = path.join(FIXTURES, 'photos/scenes/dog_pug_yellow.jpg');

async function failure(p: Promise<unknown>): Promise<DaemonError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isDaemonError(e), `a DaemonError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a failure');
}

test('renders on a thread give the same preview, thumbnail and hash as on the calling thread (path, buffer, rotated)', async () => {
  const here = tempDir('rawlight-render-here-');
  const there = tempDir('rawlight-render-there-');
  const renderer = createThreadedRenderer({ threads: 2 });
  try {
    const cases: [Buffer | string, number | null][] = [
      [JPEG, 1],
      [readFileSync(JPEG), 6],
      [SMALL, null],
      [readFileSync(SMALL), 8],
    ];
    for (const [input, orientation] of cases) {
      const a = await renderPreview(input, orientation, { cacheDir: here.dir });
      const b: Rendered = await renderer.render(input, orientation, { cacheDir: there.dir });
      assert.deepEqual(b, a, `same result for ${typeof input === 'string' ? path.basename(input) : 'a buffer'} at orientation ${orientation}`);
      assert.ok(readFileSync(path.join(there.dir, b.path)).equals(readFileSync(path.join(here.dir, a.path))), 'the same preview bytes');
      assert.ok(readFileSync(path.join(there.dir, b.thumbPath)).equals(readFileSync(path.join(here.dir, a.thumbPath))), 'the same thumbnail bytes');
    }
  } finally {
    await renderer.close();
    here.cleanup();
    there.cleanup();
  }
});

test('a bad input and an unwritable cache fail with the codes and messages of a render on the calling thread', async () => {
  const t = tempDir('rawlight-render-bad-');
  const renderer = createThreadedRenderer({ threads: 1 });
  try {
    const garbage = Buffer.from('not an image at all, just text');
    const here = await failure(renderPreview(garbage, 1, { cacheDir: t.dir }));
    const there = await failure(renderer.render(garbage, 1, { cacheDir: t.dir }));
    assert.equal(there.code, 'PREVIEW_DECODE_FAILED');
    assert.equal(there.message, here.message);
    // The cache "folder" is a file: creating the previews folder under it fails.
    const blocked = path.join(t.dir, 'cache-is-a-file');
    writeFileSync(blocked, 'x');
    // On the calling thread it is a plain ENOTDIR the pipeline sorts with toDaemonError.
    const h2 = toDaemonError(await renderPreview(SMALL, 1, { cacheDir: blocked }).then(() => assert.fail('expected a failure'), (e: unknown) => e));
    const t2 = await failure(renderer.render(SMALL, 1, { cacheDir: blocked }));
    assert.equal(t2.code, h2.code);
    assert.equal(t2.message, h2.message);
    // The thread survives its failures.
    const ok = await renderer.render(SMALL, 1, { cacheDir: t.dir });
    assert.ok(ok.previewHash);
  } finally {
    await renderer.close();
    t.cleanup();
  }
});

test('renders at once go to different threads; park ends the idle threads and the next render starts one again', async () => {
  const t = tempDir('rawlight-render-pool-');
  const renderer = createThreadedRenderer({ threads: 2 });
  try {
    assert.equal(renderer.running(), 0, 'no thread before the first render');
    const both = Promise.all([renderer.render(JPEG, 1, { cacheDir: t.dir }), renderer.render(SMALL, 1, { cacheDir: t.dir })]);
    assert.equal(renderer.running(), 2, 'two renders at once: two threads');
    const [a, b] = await both;
    assert.notEqual(a.previewHash, b.previewHash);
    assert.equal(await renderer.park(), true);
    assert.equal(renderer.running(), 0);
    const again = await renderer.render(SMALL, 1, { cacheDir: t.dir });
    assert.equal(again.previewHash, b.previewHash);
    assert.equal(renderer.running(), 1, 'one render after parking: one thread');
  } finally {
    await renderer.close();
    t.cleanup();
  }
});

test('a renderer thread that dies fails its render as retryable INTERNAL; the next render gets a fresh thread', async () => {
  const t = tempDir('rawlight-render-crash-');
  const workerUrl = new URL('../../helpers/crashing-render.worker.ts', import.meta.url);
  const renderer = createThreadedRenderer({ threads: 1, workerUrl });
  try {
    const e = await failure(renderer.render('crash', 1, { cacheDir: t.dir }));
    assert.equal(e.code, 'INTERNAL');
    assert.equal(e.retryable, true, 'the pipeline runs it again');
    assert.match(e.message, /exited \(code 3\)/);
    const ok = await renderer.render(SMALL, 1, { cacheDir: t.dir });
    assert.equal(ok.previewHash, (await renderPreview(SMALL, 1, { cacheDir: t.dir })).previewHash);
  } finally {
    await renderer.close();
    t.cleanup();
  }
});

test('close rejects renders still pending and refuses new ones', async () => {
  const t = tempDir('rawlight-render-close-');
  const renderer = createThreadedRenderer({ threads: 1 });
  try {
    const pending = failure(renderer.render(JPEG, 1, { cacheDir: t.dir }));
    await renderer.close();
    assert.equal((await pending).code, 'INTERNAL');
    assert.equal((await failure(renderer.render(SMALL, 1, { cacheDir: t.dir }))).code, 'INTERNAL');
    assert.equal(renderer.running(), 0);
  } finally {
    t.cleanup();
  }
});
