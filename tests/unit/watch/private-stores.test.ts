import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inPrivateStore, isPrivateStoreName } from '../../../src/watch/private-stores.js';

test('other programs\' private stores, by folder name in any case; photo folders that merely look alike are not', () => {
  for (const n of ['Photos Library.photoslibrary', 'PHOTOS LIBRARY.PHOTOSLIBRARY', 'iPhoto Library.photolibrary', 'Aperture Library.aplibrary', 'Photos Library.migratedphotolibrary',
    'Lightroom Catalog Previews.lrdata', 'Lightroom Catalog Smart Previews.lrdata', 'Lightroom Catalog.lrcat-data', 'Lightroom Library.lrlibrary', 'Capture One Catalog.cocatalog', 'Photo Booth Library',
    '@eaDir', '@EADIR', '#recycle', '#snapshot', '@Recycle', '$RECYCLE.BIN', 'System Volume Information', 'lost+found', 'M4ROOT']) {
    assert.equal(isPrivateStoreName(n), true, n);
  }
  for (const n of ['Photos', 'Library', 'photoslibrary', 'Lightroom', 'Lightroom Catalog', 'Capture One', 'Sessions', 'recycle', 'eaDir', 'Photo Booth', 'snapshots 2024', 'my.lrdata.backup', 'DCIM', '100MSDCF', 'PRIVATE']) {
    assert.equal(isPrivateStoreName(n), false, n);
  }
});

test('only what lies under a library folder is judged: a library chosen inside a store is indexed as asked', () => {
  const root = '/Users/ann/Pictures';
  assert.equal(inPrivateStore(root, '/Users/ann/Pictures/Photos Library.photoslibrary/resources/derivatives/1/1A2B_1_105_c.jpeg'), true);
  assert.equal(inPrivateStore(root, '/Users/ann/Pictures/Photos Library.photoslibrary'), true, 'the store itself');
  assert.equal(inPrivateStore(root, '/Users/ann/Pictures/NAS/2021/@eaDir/IMG_1.JPG/SYNOPHOTO_THUMB_XL.jpg'), true);
  assert.equal(inPrivateStore(root, '/Users/ann/Pictures/2021/IMG_1.CR3'), false);
  assert.equal(inPrivateStore(root, '/Users/ann/Pictures'), false, 'the root');
  assert.equal(inPrivateStore(root, '/Users/ann/Pictures/..@eaDir/x.jpg'), false, 'a folder whose name merely starts with two dots');
  assert.equal(inPrivateStore(root, '/Users/ann/Pictures/..old/@eaDir/x.jpg'), true);
  assert.equal(inPrivateStore(root, '/Users/ann/Documents/x.photoslibrary/a.jpg'), false, 'outside the root: not this root\'s question');
  const inside = '/Users/ann/Pictures/Photos Library.photoslibrary/originals';
  assert.equal(inPrivateStore(inside, `${inside}/A/IMG_0001.HEIC`), false);
});
