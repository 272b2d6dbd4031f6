import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { notWritable } from '../../../src/platform/folder-writable.js';
import { tempDir } from '../../helpers/fixtures.js';

test('notWritable: a folder rawlight may write in, or one that is missing, is not refused here', () => {
  const t = tempDir();
  try {
    assert.equal(notWritable(t.dir), null);
    assert.equal(notWritable(path.join(t.dir, 'missing')), null, 'a missing folder is the write\'s own error to report');
  } finally {
    t.cleanup();
  }
});

test('notWritable: a read-only volume and a folder without permission say which', () => {
  const errno = (code: string) => () => {
    throw Object.assign(new Error(code), { code });
  };
  assert.deepEqual(notWritable('/Volumes/NTFS', errno('EROFS'))?.code, 'EROFS');
  assert.match(notWritable('/Volumes/NTFS', errno('EROFS'))!.why, /read-only volume \(an NTFS drive on a Mac/);
  for (const code of ['EACCES', 'EPERM']) assert.match(notWritable('/shared', errno(code))!.why, /not writable for this user/);
  assert.equal(notWritable('/x', errno('EIO')), null, 'another failure is left to the write itself');
});
