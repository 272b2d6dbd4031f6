import assert from 'node:assert/strict';
import { mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import { getJournal, journalBegin, journalFinish } from '../../../src/xmp/journal.repository.js';
import { reconcileJournal, sha256File, statSig } from '../../../src/xmp/own-writes.js';
import { tempDir } from '../../helpers/fixtures.js';
import { plan } from '../../helpers/query-plan.js';

/** A sidecar rawlight wrote (the journal says so), `n` of them in `dir`. */
async function written(db: WritableDb, dir: string, n: number, startedAt = 1): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = path.join(dir, `IMG_${String(i).padStart(5, '0')}.xmp`);
    writeFileSync(p, `<x:xmpmeta>${i}</x:xmpmeta>`);
    journalBegin(db, p, i, null, startedAt);
    journalFinish(db, p, { ...statSig(p)!, sha256: await sha256File(p) }, startedAt);
    out.push(p);
  }
  return out;
}

test('the start-up check of the own-write journal goes through every entry page by page: kept, touched, edited, gone', async () => {
  const t = tempDir();
  const { db } = openDb(':memory:');
  try {
    const all = await written(db, t.dir, 1234); // more than two pages
    const [touched, edited, gone] = [all[3]!, all[700]!, all[1200]!];
    const st = statSync(touched);
    utimesSync(touched, st.atime, new Date(st.mtimeMs + 5000)); // no byte changed
    writeFileSync(edited, '<x:xmpmeta>the user</x:xmpmeta>');
    rmSync(gone);
    assert.deepEqual(await reconcileJournal(db), { kept: 1232, changed: [edited], gone: 1 });
    assert.equal(getJournal(db, touched)?.mtime_ns, statSig(touched)!.mtimeNs, 'a touch is still ours, at its new time');
    assert.equal(getJournal(db, edited), undefined);
    assert.equal(getJournal(db, gone), undefined);
    assert.deepEqual(await reconcileJournal(db), { kept: 1232, changed: [], gone: 0 });
  } finally {
    db.close();
    t.cleanup();
  }
});

test('beside the pipeline: a write begun since the check read the entry, or after the daemon started, is left to its writer', async () => {
  const t = tempDir();
  const { db } = openDb(':memory:');
  try {
    const [a, b] = await written(db, t.dir, 2);
    const start = Date.now();
    // This run's own write of a new sidecar, still in its writing phase: never read.
    const fresh = path.join(t.dir, 'NEW.xmp');
    writeFileSync(fresh, 'half written');
    journalBegin(db, fresh, 9, null, start + 1);
    const check = reconcileJournal(db, { startedBefore: start });
    // The pipeline begins a write to `a` while the check stats the page it read.
    journalBegin(db, a!, 0, statSig(a!), start + 2);
    writeFileSync(a!, '<x:xmpmeta>being rewritten</x:xmpmeta>');
    assert.deepEqual(await check, { kept: 1, changed: [], gone: 0 });
    assert.equal(getJournal(db, a!)?.phase, 'writing', 'the write in progress keeps its entry');
    assert.equal(getJournal(db, fresh)?.phase, 'writing');
    assert.ok(getJournal(db, b!));
  } finally {
    db.close();
    t.cleanup();
  }
});

test('at start the killed writes are found through their partial index, and the check pages the journal by its key', () => {
  const { db } = openDb(':memory:');
  const ins = db.prepare(`INSERT INTO xmp_journal (path, file_id, phase, started_at) VALUES (?, ?, ?, 0)`);
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) ins.run(`/l/${String(i).padStart(5, '0')}.xmp`, i, i % 1000 === 0 ? 'writing' : 'written');
  })();
  db.exec('ANALYZE');
  const writing = plan(db, `SELECT * FROM xmp_journal WHERE phase = 'writing' ORDER BY path`).join(' | ');
  assert.match(writing, /USING INDEX xmp_journal_writing/, writing);
  const page = plan(db, `SELECT * FROM xmp_journal WHERE path > ? AND started_at < ? ORDER BY path LIMIT ?`).join(' | ');
  assert.match(page, /SEARCH xmp_journal USING INDEX sqlite_autoindex_xmp_journal_1 \(path>\?\)/, page);
  assert.doesNotMatch(page, /TEMP B-TREE/, page);
  db.close();
});
