import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseEmbedded } from '../../../src/image/choose-embedded.js';

const c = (name: string, long: number) => ({ name, buf: Buffer.alloc(0), long });

test('the smallest embedded image that still covers the preview size wins over a full-size JpgFromRaw', () => {
  const got = chooseEmbedded([c('JpgFromRaw', 6000), c('OtherImage', 2560), c('PreviewImage', 1620), c('ThumbnailImage', 160)], 2048);
  assert.equal(got?.name, 'OtherImage');
});

test('when nothing covers the preview size, the largest is taken', () => {
  assert.equal(chooseEmbedded([c('PreviewImage', 1620), c('ThumbnailImage', 160), c('OtherImage', 1080)], 2048)?.name, 'PreviewImage');
});

test('exactly the preview size covers it; ties keep the caller order (best tag first)', () => {
  assert.equal(chooseEmbedded([c('JpgFromRaw', 2048), c('PreviewImage', 2048)], 2048)?.name, 'JpgFromRaw');
  assert.equal(chooseEmbedded([], 2048), null);
});
