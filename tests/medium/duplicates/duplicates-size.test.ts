import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { findDuplicates } from '../../../src/duplicates/find-duplicates.js';
import { DUPLICATE_CANDIDATES_SQL } from '../../../src/duplicates/image-hash.repository.js';
import { openDb, tx } from '../../../src/store/db.js';
import { tempDir } from '../../helpers/fixtures.js';

test('duplicates at size: 20K photos, one scan of the library (plan pinned), planted pairs found, no false groups', async () => {
  const t = tempDir('rawlight-dup-size-');
  const { db } = openDb(path.join(t.dir, 'rawlight.db'));
  try {
    let s = 12345;
    const rnd32 = () => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return BigInt(s >>> 0);
    };
    const planted: [number, number][] = [];
    tx(db, () => {
      const f = db.prepare(`INSERT INTO files (path, root, ext, kind, state, content_hash, size, first_seen_at, last_seen_at) VALUES (?, '/lib', 'jpg', 'image', 'present', ?, 1000, 0, 0)`);
      const p = db.prepare(`INSERT INTO previews (file_id, preview_hash, source, width, height, bytes, path, thumb_path, orientation, made_at) VALUES (?, ?, 'file', 100, 100, 1, ?, ?, 1, 0)`);
      const h = db.prepare(`INSERT INTO image_hashes (file_id, preview_hash, dhash, made_at) VALUES (?, ?, ?, 0)`);
      const add = (i: number, hash: bigint) => {
        const id = Number(f.run(`/lib/${i}.jpg`, `c${i}`).lastInsertRowid);
        p.run(id, `p${i}`, `previews/missing-${i}.jpg`, `thumbs/missing-${i}.jpg`);
        h.run(id, `p${i}`, BigInt.asIntN(64, hash));
        return id;
      };
      for (let i = 0; i < 20_000; i++) {
        const hash = (rnd32() << 32n) | rnd32();
        const id = add(i, hash);
        // Every 400th photo gets a re-encoded twin (2 bits off).
        if (i % 400 === 0) planted.push([id, add(1_000_000 + i, hash ^ 0b101n)]);
      }
    });
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${DUPLICATE_CANDIDATES_SQL}`).all() as { detail: string }[]).map((r) => r.detail);
    for (const tbl of ['m', 'p', 'h']) assert.ok(plan.some((d) => new RegExp(`SEARCH ${tbl} USING (INTEGER PRIMARY KEY|.*INDEX)`).test(d)), plan.join(' | '));
    const groups = await findDuplicates({ db, cacheDir: t.dir, judge: null });
    assert.equal(groups.length, planted.length, `${groups.length} groups for ${planted.length} planted pairs`);
    for (const g of groups) assert.equal(g.kind, 'near');
    const ids = new Set(groups.map((g) => g.fileIds.slice().sort((a, b) => a - b).join(',')));
    for (const [a, b] of planted) assert.ok(ids.has([a, b].sort((x, y) => x - y).join(',')), `pair ${a},${b}`);
  } finally {
    db.close();
    t.cleanup();
  }
});
