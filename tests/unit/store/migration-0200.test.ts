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

test('0200: a file whose name is missing from file_names, or not its last part, still lands in its own folder', () => {
  const { db, done } = dbBefore(200);
  const w = db as WritableDb;
  try {
    const file = w.prepare(`INSERT INTO files (path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, 'jpg', 'image', 'present', 0, 0)`);
    const kept = Number(file.run('/Volumes/Photos/2023/Iceland/a.jpg', '/Volumes/Photos').lastInsertRowid);
    const missing = Number(file.run('/Volumes/Photos/2023/Iceland/b.jpg', '/Volumes/Photos').lastInsertRowid);
    const partial = Number(file.run('/Volumes/Photos/2023/Oslo/DSC_1.jpg', '/Volumes/Photos').lastInsertRowid);
    const stale = Number(file.run('/Volumes/Photos/Paris/c.jpg', '/Volumes/Photos').lastInsertRowid);
    // The bulk fill reads each name from file_names (0120's triggers keep it): here it is not to be trusted.
    assert.equal(db.prepare(`SELECT name FROM file_names WHERE rowid = ?`).pluck().get(kept), 'a.jpg');
    w.prepare(`DELETE FROM file_names WHERE rowid = ?`).run(missing);
    w.prepare(`UPDATE file_names SET name = '1.jpg' WHERE rowid = ?`).run(partial);
    w.prepare(`UPDATE file_names SET name = 'Paris/c.jpg' WHERE rowid = ?`).run(stale);
    migrate(db, defaultMigrationsDir());
    assert.deepEqual(db.prepare(`SELECT path, rel, files FROM folders ORDER BY path`).all(), [
      { path: '/Volumes/Photos/2023/Iceland', rel: '2023/Iceland', files: 2 },
      { path: '/Volumes/Photos/2023/Oslo', rel: '2023/Oslo', files: 1 },
      { path: '/Volumes/Photos/Paris', rel: 'Paris', files: 1 },
    ]);
  } finally {
    db.close();
    done();
  }
});
