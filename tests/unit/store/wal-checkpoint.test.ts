import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { openDb, WAL_AUTOCHECKPOINT_PAGES } from '../../../src/store/db.js';
import { tempDir } from '../../helpers/fixtures.js';

const t = tempDir('rawlight-wal-');
after(() => t.cleanup());

// A commit that crosses the checkpoint threshold folds the WAL back on the daemon's thread, and
// its fsync flushes everything since the last one: the threshold bounds how long that commit takes.
test('the WAL is folded back every WAL_AUTOCHECKPOINT_PAGES pages, not at SQLite default 1000', () => {
  const file = path.join(t.dir, 'rawlight.db');
  const { db } = openDb(file);
  try {
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), WAL_AUTOCHECKPOINT_PAGES);
    assert.ok(WAL_AUTOCHECKPOINT_PAGES < 1000);
    db.exec('CREATE TABLE scratch (id INTEGER PRIMARY KEY, b BLOB)');
    const ins = db.prepare('INSERT INTO scratch (b) VALUES (?)');
    // 600 pages of writes in commits of ten (a page-sized row each), as the pipeline commits.
    for (let c = 0; c < 60; c++) db.transaction(() => { for (let i = 0; i < 10; i++) ins.run(Buffer.alloc(3900, c)); })();
    // Another connection reads how many frames the WAL holds now (nothing left to fold back).
    const other = new Database(file);
    try {
      const [r] = other.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      assert.ok(r!.log > 0 && r!.log <= WAL_AUTOCHECKPOINT_PAGES + 40, `the WAL restarted after a checkpoint: ${r!.log} frames`);
    } finally {
      other.close();
    }
    assert.equal((db.prepare('SELECT count(*) AS n FROM scratch').get() as { n: number }).n, 600);
  } finally {
    db.close();
  }
});
