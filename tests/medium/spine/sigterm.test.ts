import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { cli } from '../../helpers/cli.js';
import { okPassRuns } from '../../helpers/db.js';
import { FIXTURES, REPO, tempDir } from '../../helpers/fixtures.js';


test('SIGTERM mid-indexing: `rawlight run` exits 0 within the bound, no job is lost, the next start finishes', async () => {
  const t = tempDir();
  try {
    const lib = path.join(t.dir, 'lib');
    const home = path.join(t.dir, 'home');
    let total = 0;
    for (const sub of ['photos/gps', 'photos/scenes']) {
      for (let c = 0; c < 2; c++) {
        const to = path.join(lib, `c${c}`, sub);
        mkdirSync(to, { recursive: true });
        for (const f of readdirSync(path.join(FIXTURES, sub)).filter((x) => /\.jpe?g$/i.test(x))) {
          copyFileSync(path.join(FIXTURES, sub, f), path.join(to, f));
          total++;
        }
      }
    }
    mkdirSync(home, { recursive: true });
    writeFileSync(
      path.join(home, 'config.json'),
      JSON.stringify({ api: { port: 0 }, passes: { faces: false, embed: false, tags: false, places: false, writeback: false, ocr: false } }),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), 'run', '--library', lib], {
      env: { ...process.env, RAWLIGHT_HOME: home },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
      let sentAt = 0;
      child.on('exit', (code) => resolve({ code, ms: Date.now() - sentAt }));
      const poll = setInterval(() => {
        if (okPassRuns(home) >= 60) {
          clearInterval(poll);
          sentAt = Date.now();
          child.kill('SIGTERM');
        }
      }, 100);
    });
    const { code, ms } = await exited;
    assert.equal(code, 0, stderr.slice(-2000));
    assert.ok(ms < 15_000, `stopped in ${ms} ms`);
    // Its last words are in its log file and on stderr (launchd's and journald's copy), not lost at exit.
    const logged = readFileSync(path.join(home, 'logs', 'rawlight.1.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    assert.equal(logged.at(-1)?.msg, 'stopped');
    assert.match(stderr.trim().split('\n').at(-1) ?? '', /"msg":"stopped"/);
    const d = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      const leased = d.prepare(`SELECT count(*) AS n FROM jobs WHERE state = 'leased'`).get() as { n: number };
      assert.equal(leased.n, 0, 'leases are released or completed on SIGTERM');
    } finally {
      d.close();
    }
    // The next start (here: index) picks up where it stopped.
    const r = await cli(home, ['index', lib, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.json<{ files: number; failed: unknown[] }>();
    assert.equal(out.files, total);
    assert.deepEqual(out.failed, []);
    const d2 = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      for (const p of ['scan', 'metadata', 'preview']) {
        const n = d2.prepare(`SELECT count(*) AS n FROM pass_results WHERE pass = ? AND status = 'ok'`).get(p) as { n: number };
        assert.equal(n.n, total, `${p} complete after restart`);
      }
      const dup = d2.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM pass_runs WHERE status='ok' GROUP BY file_id, pass, input_key HAVING count(*) > 1)`).get() as { n: number };
      assert.equal(dup.n, 0);
    } finally {
      d2.close();
    }
  } finally {
    t.cleanup();
  }
});
