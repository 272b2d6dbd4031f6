// 0200 from 0190: every folder holding indexed files gets its row (path inside the library,
// files counted) and its folder-name index entry; the library root itself has no words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultMigrationsDir, type WritableDb } from '../../../src/store/db.js';
import { migrate } from '../../../src/store/migrate.js';
import { dbBefore } from '../../helpers/migrations.js';

test('0200: the folders of the files already indexed, counted, their names indexed', () => {
  const { db, done } = dbBefore(200);
  const w = db as WritableDb;
  try {
    const file = w.prepare(`INSERT INTO files (path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, 'jpg', 'image', ?, 0, 0)`);
    file.run('/Volumes/Photos/top.jpg', '/Volumes/Photos', 'present');
    file.run('/Volumes/Photos/2023/Iceland/a.jpg', '/Volumes/Photos', 'present');
    file.run('/Volumes/Photos/2023/Iceland/b.jpg', '/Volumes/Photos', 'gone');
    file.run('/Users/me/Pictures/Trip/c.jpg', '/Users/me/Pictures', 'offline');
    migrate(db, defaultMigrationsDir());
    assert.deepEqual(db.prepare(`SELECT path, rel, files FROM folders ORDER BY path`).all(), [
      { path: '/Users/me/Pictures/Trip', rel: 'Trip', files: 1 },
      { path: '/Volumes/Photos', rel: '', files: 1 },
      { path: '/Volumes/Photos/2023/Iceland', rel: '2023/Iceland', files: 2 },
    ]);
    assert.deepEqual(db.prepare(`SELECT rel FROM folder_names WHERE folder_names MATCH '"iceland"'`).pluck().all(), ['2023/Iceland']);
    assert.equal(db.prepare(`SELECT count(*) FROM folder_names`).pluck().get(), 2, 'the library root has no words of its own');
    // Kept from here by the triggers: a new file, a file moved out, the last file of a folder deleted.
    file.run('/Volumes/Photos/2024/Oslo/d.jpg', '/Volumes/Photos', 'present');
    w.prepare(`UPDATE files SET path = '/Volumes/Photos/2024/Oslo/a.jpg' WHERE path = '/Volumes/Photos/2023/Iceland/a.jpg'`).run();
    w.prepare(`DELETE FROM files WHERE path = '/Users/me/Pictures/Trip/c.jpg'`).run();
    assert.deepEqual(db.prepare(`SELECT rel, files FROM folders WHERE rel <> '' ORDER BY rel`).all(), [
      { rel: '2023/Iceland', files: 1 },
      { rel: '2024/Oslo', files: 2 },
    ]);
    assert.deepEqual(db.prepare(`SELECT rel FROM folder_names ORDER BY rel`).pluck().all(), ['2023/Iceland', '2024/Oslo']);
  } finally {
    db.close();
    done();
  }
});
