import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ErrorCodes, NEEDS_INSTALL } from '../../../src/errors/codes.js';
import { DaemonError, toDaemonError } from '../../../src/errors/index.js';
import { REPO } from '../../helpers/fixtures.js';

test('every error code is documented in docs/errors.md and every documented code exists', () => {
  const doc = readFileSync(path.join(REPO, 'docs/errors.md'), 'utf8');
  const documented = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual([...documented].sort(), Object.keys(ErrorCodes).sort());
  // The codes only an install heals are the ones documented "yes, once installed".
  const onceInstalled = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \|.*\| yes, once installed \|$/gm)].map((m) => m[1]);
  assert.deepEqual(onceInstalled.sort(), [...NEEDS_INSTALL].sort());
});

test('fs errors map to codes; DaemonError keeps its code and retryability', () => {
  assert.equal(toDaemonError(Object.assign(new Error('x'), { code: 'ENOENT' })).code, 'FILE_NOT_FOUND');
  assert.equal(toDaemonError(Object.assign(new Error('x'), { code: 'EACCES' })).code, 'FILE_PERMISSION_DENIED');
  const e = new DaemonError('PREVIEW_NONE', 'only 8x8');
  assert.equal(e.retryable, false);
  assert.match(e.message, /only 8x8/);
  assert.equal(toDaemonError(e), e);
});
