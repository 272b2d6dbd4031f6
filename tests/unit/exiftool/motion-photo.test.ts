import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tags } from 'exiftool-vendored';
import { motionPhotoOf } from '../../../src/exiftool/motion-photo.js';

const item = (Semantic: string, Mime: string, Length?: number) => ({ Item: { Semantic, Mime, ...(Length === undefined ? {} : { Length }) } });
const tags = (t: Record<string, unknown>) => t as Tags;

test('motion photo format 1.0: the video starts its own length plus the later items\' before the end', () => {
  // As Samsung One UI 6 writes it (immich-app/test-assets samsung-one-ui-6.heic, read by ExifTool 13).
  const samsung = { MotionPhoto: 1, ContainerDirectory: [item('Primary', 'image/heic', 452276), item('MotionPhoto', 'video/mp4', 3226668)] };
  assert.deepEqual(motionPhotoOf(tags(samsung)), { format: 'google-motion-photo', videoOffsetFromEnd: 3226668, videoMime: 'video/mp4' });
  // An item after the video (a depth map, say) is counted in.
  const after = { MotionPhoto: 1, ContainerDirectory: [item('Primary', 'image/jpeg', 0), item('MotionPhoto', 'video/mp4', 1000), item('Depth', 'image/jpeg', 200)] };
  assert.equal(motionPhotoOf(tags(after))?.videoOffsetFromEnd, 1200);
  // Without a "MotionPhoto" semantic the first video item is the one.
  assert.equal(motionPhotoOf(tags({ MotionPhoto: '1', ContainerDirectory: [item('Primary', 'image/jpeg'), item('Other', 'video/mp4', 500)] }))?.videoOffsetFromEnd, 500);
});

test('what the file does not say stays unknown, never guessed', () => {
  // A later item of unknown length: where the video starts is not known.
  const gap = { MotionPhoto: 1, ContainerDirectory: [item('Primary', 'image/jpeg', 0), item('MotionPhoto', 'video/mp4', 1000), item('Depth', 'image/jpeg')] };
  assert.deepEqual(motionPhotoOf(tags(gap)), { format: 'google-motion-photo', videoOffsetFromEnd: null, videoMime: 'video/mp4' });
  // No video item; the primary image marked as the video (nothing appended): no offset.
  assert.equal(motionPhotoOf(tags({ MotionPhoto: 1, ContainerDirectory: [item('Primary', 'image/jpeg', 0)] }))?.videoOffsetFromEnd, null);
  assert.equal(motionPhotoOf(tags({ MotionPhoto: 1, ContainerDirectory: [item('MotionPhoto', 'video/mp4', 10)] }))?.videoOffsetFromEnd, null);
  // A malformed directory (not a list, items without a structure).
  assert.equal(motionPhotoOf(tags({ MotionPhoto: 1, ContainerDirectory: 'x' }))?.videoOffsetFromEnd, null);
  assert.equal(motionPhotoOf(tags({ MotionPhoto: 1, ContainerDirectory: [null, 3] }))?.videoOffsetFromEnd, null);
  // The micro video offset, when present, is the file's own word.
  assert.equal(motionPhotoOf(tags({ MicroVideo: 1, MicroVideoOffset: 67 }))?.videoOffsetFromEnd, 67);
  // Samsung's trailer: seen, no offset; a plain photo: null.
  assert.deepEqual(motionPhotoOf(tags({ EmbeddedVideoType: 'MotionPhoto_Data' })), { format: 'samsung', videoOffsetFromEnd: null });
  assert.equal(motionPhotoOf(tags({ Make: 'Canon' })), null);
});
