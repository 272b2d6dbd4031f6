import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { cli } from '../../helpers/cli.js';
import { okPassRuns } from '../../helpers/db.js';
import { FIXTURES, REPO, tempDir } from '../../helpers/fixtures.js';

const SPINE_ONLY = { passes: { faces: false, embed: false, tags: false, places: false, writeback: false, ocr: false } };

/** A few hundred real photos: the fixture photos copied into several folders. */
function library(dir: string, copies: number): number {
  let n = 0;
  for (const sub of ['photos/gps', 'photos/scenes', 'photos/people']) {
    const files = readdirSync(path.join(FIXTURES, sub)).filter((f) => /\.(jpe?g|png)$/i.test(f));
    for (let c = 0; c < copies; c++) {
      const to = path.join(dir, `copy${c}`, sub);
      mkdirSync(to, { recursive: true });
      for (const f of files) {
        copyFileSync(path.join(FIXTURES, sub, f), path.join(to, f));
        n++;
      }
    }
  }
  return n;
}


test('kill -9 in the middle of indexing, then restart: the run completes, nothing ran twice, no duplicates', async () => {
  const t = tempDir();
  try {
    const lib = path.join(t.dir, 'lib');
    const home = path.join(t.dir, 'home');
    const total = library(lib, 3);
    assert.ok(total >= 250, `${total} files`);
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, 'config.json'), JSON.stringify(SPINE_ONLY));

    // A real child process, killed with SIGKILL once real work has been committed.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), 'index', lib, '--json'], {
      env: { ...process.env, RAWLIGHT_HOME: home },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, sig) => resolve(sig)));
    const deadline = Date.now() + 120_000;
    while (okPassRuns(home) < 150 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const before = okPassRuns(home);
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.ok(before >= 150 && before < total * 3, `killed mid-run after ${before} pass runs (of ${total * 3})`);

    const r = await cli(home, ['index', lib, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.json<{ files: number; executed: Record<string, number>; failed: unknown[] }>();
    assert.equal(out.files, total);
    assert.deepEqual(out.failed, []);

    const d = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      assert.equal(d.pragma('integrity_check', { simple: true }), 'ok');
      const dupRuns = d
        .prepare(`SELECT file_id, pass, input_key, count(*) AS n FROM pass_runs WHERE status = 'ok' GROUP BY file_id, pass, input_key HAVING n > 1`)
        .all();
      assert.deepEqual(dupRuns, [], 'no job ran twice to completion');
      const files = d.prepare(`SELECT count(*) AS n, count(DISTINCT path) AS paths FROM files`).get() as { n: number; paths: number };
      assert.equal(files.n, total);
      assert.equal(files.paths, total);
      const done = d.prepare(`SELECT pass, count(*) AS n FROM pass_results WHERE status = 'ok' GROUP BY pass`).all() as { pass: string; n: number }[];
      for (const p of ['scan', 'metadata', 'preview']) assert.equal(done.find((x) => x.pass === p)?.n, total, `${p} done for every file`);
      const left = d.prepare(`SELECT count(*) AS n FROM jobs`).get() as { n: number };
      assert.equal(left.n, 0);
    } finally {
      d.close();
    }
  } finally {
    t.cleanup();
  }
});
