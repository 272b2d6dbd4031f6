import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referencedCachePaths } from '../../../src/jobs/upkeep.repository.js';
import { openDb } from '../../../src/store/db.js';

test('the cache paths rows point at are read whole, window by window of ids, whatever the gaps between ids', async () => {
  const { db } = openDb(':memory:');
  const file = db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (?, ?, '/l', 'jpg', 'image', 0, 0)`);
  const preview = db.prepare(`INSERT INTO previews (file_id, preview_hash, source, width, height, bytes, path, thumb_path, orientation, made_at) VALUES (?, ?, 'x', 1, 1, 1, ?, ?, 1, 0)`);
  const face = db.prepare(`INSERT INTO faces (id, file_id, preview_hash, idx, box_x, box_y, box_w, box_h, score, detector, embedder, embedding, crop_path, created_at) VALUES (?, ?, ?, 0, 0, 0, 1, 1, 1, 'd', 'e', x'00', ?, 0)`);
  const want = new Set<string>();
  // Ids with gaps wider than a window, the first and last ids of a window, and faces without a crop.
  for (const id of [1, 2, 3, 9, 10, 11, 40, 41]) {
    file.run(id, `/l/${id}.jpg`);
    preview.run(id, `h${id}`, `previews/h${id}.jpg`, `thumbs/h${id}.jpg`);
    want.add(`previews/h${id}.jpg`).add(`thumbs/h${id}.jpg`);
  }
  for (const [id, fileId, crop] of [[1, 1, 'faces/h1-0.jpg'], [5, 2, null], [6, 3, 'faces/h3-0.jpg'], [30, 40, 'faces/h40-0.jpg']] as const) {
    face.run(id, fileId, `h${fileId}`, crop);
    if (crop) want.add(crop);
  }
  for (const window of [1, 3, 5, 10, 5000]) assert.deepEqual([...(await referencedCachePaths(db, window))].sort(), [...want].sort(), `window ${window}`);
  db.close();
});
