// libuv's threadpool is sized for the CPU workers (sharp's decodes and encodes, fs and crypto share
// it): set once, by the CLI entry's first import, never over the user's own UV_THREADPOOL_SIZE.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sizeThreadpool, threadpoolSize } from '../../../src/platform/threadpool-size.js';
import { REPO } from '../../helpers/fixtures.js';

test('two threads per core plus libuv\'s four, bounded', () => {
  assert.equal(threadpoolSize(2), 8);
  assert.equal(threadpoolSize(8), 20);
  assert.equal(threadpoolSize(0), 6, 'a machine reporting no cores still gets one core\'s share');
  assert.equal(threadpoolSize(100), 64);
});

test('set when the user has not set it; a user\'s value is kept', () => {
  const env: NodeJS.ProcessEnv = {};
  assert.equal(sizeThreadpool(env, 8), '20');
  assert.equal(env.UV_THREADPOOL_SIZE, '20');
  const mine: NodeJS.ProcessEnv = { UV_THREADPOOL_SIZE: '3' };
  assert.equal(sizeThreadpool(mine, 8), '3');
  assert.equal(mine.UV_THREADPOOL_SIZE, '3');
});

test('the CLI entry sizes it in its first import, before anything can start the pool', () => {
  const src = readFileSync(path.join(REPO, 'src/cli/main.ts'), 'utf8');
  const imports = [...src.matchAll(/^import\s+(?:[^'"]*from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  assert.equal(imports[0], './size-threadpool.js');
});
