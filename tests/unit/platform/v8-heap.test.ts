// The daemon's V8 settings (platform/v8-heap.ts): buffers that die young (decoded previews, sharp's
// outputs, tensors) no longer start a full mark-compact every few photos, and are still freed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DAEMON_V8_FLAGS, tuneV8Heap } from '../../../src/platform/v8-heap.js';
import { REPO } from '../../helpers/fixtures.js';

/**
 * A child that allocates `n` 1 MiB buffers, each dead at once, while keeping a small live JS set
 * (as a pass does per photo), with or without the daemon's settings; reports its major GCs and the
 * ArrayBuffer memory still held at the end.
 */
function allocate(tuned: boolean, n = 1500): { majorGcs: number; arrayBuffersMiB: number } {
  const code = `
    import { constants, PerformanceObserver } from 'node:perf_hooks';
    ${tuned ? `import ${JSON.stringify(path.join(REPO, 'src/cli/tune-heap.ts'))};` : ''}
    let major = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++; }).observe({ entryTypes: ['gc'] });
    const live = [];
    for (let i = 0; i < ${n}; i++) {
      live.push({ i, name: 'photo-' + i });
      if (live.length > 500) live.shift();
      Buffer.alloc(1 << 20)[0] = i & 255;
      if (i % 25 === 0) await new Promise((r) => setImmediate(r));
    }
    // Freed by young-generation collections alone: two of them, then what is still held. (Waiting
    // for V8 to run one by itself depended on the machine's load: 196 MiB were once still held.)
    const majorBefore = major;
    globalThis.gc({ type: 'minor' });
    globalThis.gc({ type: 'minor' });
    await new Promise((r) => setTimeout(r, 20));
    console.log(JSON.stringify({ majorGcs: majorBefore, arrayBuffersMiB: process.memoryUsage().arrayBuffers / 2 ** 20 }));
  `;
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as { majorGcs: number; arrayBuffersMiB: number };
}

test('the daemon applies its V8 flags, each once', () => {
  const seen: string[] = [];
  assert.deepEqual(tuneV8Heap((f) => seen.push(f)), DAEMON_V8_FLAGS);
  assert.deepEqual(seen, ['--external-memory-accounted-in-global-limit']);
});

test('buffers that die young start no full collections, and are still freed', () => {
  const plain = allocate(false);
  const tuned = allocate(true);
  // V8's default: its external-memory trigger runs a mark-compact every few dozen MiB (~40 here).
  assert.ok(plain.majorGcs >= 10, `without the flags V8 collected fully ${plain.majorGcs} times: the premise of the setting no longer holds`);
  assert.ok(tuned.majorGcs <= plain.majorGcs / 5, `with the flags ${tuned.majorGcs} full collections against ${plain.majorGcs} without`);
  // 1.5 GiB went through; after young-generation collections alone nothing dead is left held.
  assert.ok(tuned.arrayBuffersMiB < 16, `${tuned.arrayBuffersMiB.toFixed(0)} MiB of ArrayBuffers still held after 1500 dead 1 MiB buffers`);
});

test('the CLI entry sets them right after sizing the threadpool, before any command runs', () => {
  const src = readFileSync(path.join(REPO, 'src/cli/main.ts'), 'utf8');
  const imports = [...src.matchAll(/^import\s+(?:[^'"]*from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  assert.deepEqual(imports.slice(0, 2), ['./size-threadpool.js', './tune-heap.js']);
});
