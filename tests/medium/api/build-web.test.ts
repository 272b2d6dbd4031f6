import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO } from '../../helpers/fixtures.js';
import { buildWeb } from './harness.js';

/**
 * Test files that serve the page build it first, two files at a time: a build must never rewrite
 * a module another test's server may be sending (a file rewritten while fetched goes out short or
 * hangs the request: the browser tests' page loads that never fired "load"). Up to date, a build
 * leaves every file as it was: the same inode, the same mtime.
 */
test('building the page again leaves an up-to-date dist/web untouched', () => {
  buildWeb();
  const dist = path.join(REPO, 'dist', 'web');
  const before = new Map(readdirSync(dist).map((f) => [f, statSync(path.join(dist, f))]));
  assert.ok(before.has('app.js') && before.has('tile.js'), 'the page is built');
  buildWeb();
  for (const [f, st] of before) {
    const now = statSync(path.join(dist, f));
    assert.equal(now.ino, st.ino, `${f} replaced`);
    assert.equal(now.mtimeMs, st.mtimeMs, `${f} rewritten`);
  }
  assert.deepEqual(readdirSync(dist).sort(), [...before.keys()].sort(), 'no leftovers of the build');
});
