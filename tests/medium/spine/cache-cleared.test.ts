// The user clears rawlight's cache folder (previews, thumbnails): the photos are still there. The
// passes that read the cached preview render it again instead of marking the photo gone.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { cli } from '../../helpers/cli.js';
import { copyFixtures, MODELS, tempDir } from '../../helpers/fixtures.js';

const t = tempDir('rawlight-cache-cleared-');
after(() => t.cleanup());
const lib = path.join(t.dir, 'lib');
const home = path.join(t.dir, 'home');
copyFixtures(lib, ['photos/people/biden_1.jpg', 'photos/gps/kenya_lizard.jpg']);
mkdirSync(home, { recursive: true });
const ML_OFF = { faces: false, embed: false, tags: false, places: false, writeback: false, ocr: false };

interface IndexJson {
  files: number;
  executed: Record<string, number>;
  failed: { path: string; pass: string; code: string | null }[];
}

test('faces and fingerprints after the cache was cleared: previews rendered again, nothing marked gone', async () => {
  writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: MODELS, passes: ML_OFF }));
  const first = await cli(home, ['index', lib, '--passes', 'preview', '--json']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.json<IndexJson>().executed.preview, 2);

  rmSync(path.join(home, 'cache'), { recursive: true, force: true });
  writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: MODELS, passes: { ...ML_OFF, faces: true } }));
  const r = await cli(home, ['index', lib, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = r.json<IndexJson>();
  assert.deepEqual(report.failed, []);
  assert.equal(report.files, 2, 'both photos are still in the library');
  assert.equal(report.executed.preview, 2, 'both previews were rendered again');
  assert.equal(report.executed.faces, 2);

  const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
  try {
    assert.deepEqual(db.prepare(`SELECT DISTINCT state FROM files`).pluck().all(), ['present']);
    const results = db.prepare(`SELECT pass, status, count(*) AS n FROM pass_results WHERE pass IN ('preview', 'faces', 'fingerprint') GROUP BY pass, status ORDER BY pass`).all();
    assert.deepEqual(results, [
      { pass: 'faces', status: 'ok', n: 2 },
      { pass: 'fingerprint', status: 'ok', n: 2 },
      { pass: 'preview', status: 'ok', n: 2 },
    ]);
    const face = db.prepare(`SELECT count(*) FROM faces JOIN files f ON f.id = faces.file_id WHERE f.path LIKE '%biden_1.jpg'`).pluck().get() as number;
    assert.ok(face >= 1, 'the face is found on the re-rendered preview');
    const missing = db.prepare(`SELECT count(*) FROM pass_runs WHERE error_code = 'PREVIEW_MISSING'`).pluck().get() as number;
    assert.ok(missing >= 2, `the missing previews were noticed (${missing} runs), not silently skipped`);
  } finally {
    db.close();
  }
});
