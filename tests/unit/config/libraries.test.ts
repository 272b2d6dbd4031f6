import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../src/config/index.js';
import { checkNewLibrary, libraryOverlap, resolveLibraryRoot } from '../../../src/config/libraries.js';
import { isDaemonError } from '../../../src/errors/index.js';

test('a folder inside or around a library is refused, naming the library that covers it', () => {
  const libs = ['/photos/lib', '/other'];
  assert.throws(
    () => checkNewLibrary(libs, '/photos/lib/people'),
    (e: unknown) => isDaemonError(e) && e.code === 'LIBRARY_NESTED' && e.message.includes('inside the library /photos/lib'),
  );
  assert.throws(
    () => checkNewLibrary(libs, '/photos'),
    (e: unknown) => isDaemonError(e) && e.code === 'LIBRARY_NESTED' && e.message.includes('contains the library /photos/lib'),
  );
  // Names that share a prefix are not nested.
  assert.doesNotThrow(() => checkNewLibrary(libs, '/photos/library'));
  assert.doesNotThrow(() => checkNewLibrary(libs, '/photos/li'));
  assert.equal(libraryOverlap(libs, '/other')?.relation, 'same');
});

test('config with nested libraries is refused at load; symlinked roots are resolved once', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-libs-'));
  try {
    const real = path.join(dir, 'real');
    mkdirSync(path.join(real, 'inner'), { recursive: true });
    const link = path.join(dir, 'link');
    symlinkSync(real, link);
    assert.equal(resolveLibraryRoot(link), resolveLibraryRoot(real));
    assert.deepEqual(parseConfig({ libraries: [link] }).libraries, [resolveLibraryRoot(real)]);
    // The link and its target are one library, not two.
    assert.deepEqual(parseConfig({ libraries: [link, real] }).libraries, [resolveLibraryRoot(real)]);
    assert.throws(
      () => parseConfig({ libraries: [real, path.join(link, 'inner')] }),
      (e: unknown) => isDaemonError(e) && e.code === 'CONFIG_INVALID' && e.message.includes(`inside the library ${resolveLibraryRoot(real)}`),
    );
    assert.equal(resolveLibraryRoot(path.join(dir, 'missing', '..', 'nope')), path.join(dir, 'nope'), 'a missing folder is kept as written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
