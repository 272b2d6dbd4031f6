import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { upstreamPending, WRITEBACK_UPSTREAM } from '../../../src/passes/writeback-settled.js';
import { writebackInputKey } from '../../../src/passes/writeback.pass.js';
import type { WritableDb } from '../../../src/store/db.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';
import { addFile, addTag, openTestDb, testConfig } from '../../medium/writeback/helpers.js';

describe('writeback waits until the passes that feed it have settled for the file', () => {
  const t = tempDir();
  let db: WritableDb;
  before(() => {
    db = openTestDb(t.dir);
  });
  after(() => {
    db.close();
    t.cleanup();
  });
  const job = (fileId: number, pass: string, state = 'pending') =>
    db
      .prepare(`INSERT INTO jobs (file_id, pass, input_key, state, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)`)
      .run(fileId, pass, `k-${pass}-${Math.random()}`, state);

  test('no input key while any upstream job of that file is queued or running; dead jobs do not block', () => {
    const [jpg] = copyFixtures(path.join(t.dir, 'a'), ['photos/people/obama_4.jpg']);
    const file = addFile(db, jpg!);
    addTag(db, file.id, 'portrait');
    const config = testConfig();
    assert.ok(writebackInputKey(db, file, config), 'settled: a key');
    for (const pass of WRITEBACK_UPSTREAM) {
      const r = job(file.id, pass, pass === 'tags' ? 'leased' : 'pending');
      assert.equal(writebackInputKey(db, file, config), null, `${pass} pending`);
      db.prepare('UPDATE jobs SET state = ? WHERE id = ?').run('dead', r.lastInsertRowid);
      assert.ok(writebackInputKey(db, file, config), `${pass} dead: not waited for`);
      db.prepare('DELETE FROM jobs WHERE id = ?').run(r.lastInsertRowid);
    }
    // Another file's jobs and writeback's own job are not upstream.
    const [other] = copyFixtures(path.join(t.dir, 'b'), ['photos/people/obama_3.jpg']);
    job(addFile(db, other!).id, 'tags');
    job(file.id, 'writeback');
    assert.equal(upstreamPending(db, file.id), false);
  });

  test('size: on 200k queued jobs the check is one index probe', () => {
    // Synthetic queue rows without their files: only the index shape matters here.
    db.pragma('foreign_keys = OFF');
    db.exec('BEGIN');
    const ins = db.prepare(`INSERT INTO jobs (file_id, pass, input_key, state, created_at, updated_at) VALUES (?, ?, 'k', 'pending', 0, 0)`);
    for (let i = 0; i < 200_000; i++) ins.run(10_000 + (i >> 2), WRITEBACK_UPSTREAM[i % WRITEBACK_UPSTREAM.length]!);
    db.exec('COMMIT');
    db.pragma('foreign_keys = ON');
    db.exec('ANALYZE');
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT 1 FROM jobs WHERE file_id = ? AND pass IN (${WRITEBACK_UPSTREAM.map(() => '?').join(', ')}) AND state <> 'dead' LIMIT 1`)
      .all(1, ...WRITEBACK_UPSTREAM) as { detail: string }[];
    const text = plan.map((r) => r.detail).join('\n');
    assert.match(text, /SEARCH jobs USING INDEX sqlite_autoindex_jobs_1 \(file_id=\? AND pass=\?\)/);
    assert.doesNotMatch(text, /SCAN jobs/);
    assert.equal(upstreamPending(db, 10_000), true);
    assert.equal(upstreamPending(db, 5), false);
  });
});
