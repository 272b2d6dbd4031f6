import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readApiUrl } from '../../../src/api/api-url-file.js';
import { resolvePlaces } from '../../../src/platform/places.js';
import { cli } from '../../helpers/cli.js';
import { REPO, tempDir } from '../../helpers/fixtures.js';

const mode = (p: string) => statSync(p).mode & 0o777;

test('`rawlight run` on an old, world-readable install: tightened at start, new files private, the API needs the sign-in', async () => {
  const t = tempDir('rawlight-run-signin-');
  try {
    const lib = path.join(t.dir, 'lib');
    const home = path.join(t.dir, 'home');
    mkdirSync(lib, { recursive: true });
    mkdirSync(path.join(home, 'logs'), { recursive: true, mode: 0o755 });
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ api: { port: 0 }, passes: { faces: false, embed: false, tags: false, places: false, writeback: false, ocr: false } }), { mode: 0o644 });
    writeFileSync(path.join(home, 'logs', 'old.log'), '{}\n', { mode: 0o644 });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), 'run', '--library', lib], {
      env: { ...process.env, RAWLIGHT_HOME: home },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const places = resolvePlaces({ env: { RAWLIGHT_HOME: home } });
      // The daemon writes its bound URL once the API listens.
      const url = await new Promise<string>((resolve, reject) => {
        const poll = setInterval(() => {
          const u = readApiUrl(places);
          if (u) {
            clearInterval(poll);
            resolve(u);
          }
        }, 100);
        void exited.then(() => {
          clearInterval(poll);
          reject(new Error(`rawlight run exited: ${stderr.slice(-2000)}`));
        });
      });
      for (const d of [home, path.join(home, 'logs'), path.join(home, 'cache')]) assert.equal(mode(d), 0o700, d);
      for (const f of readdirSync(home).filter((f) => statSync(path.join(home, f)).isFile())) assert.equal(mode(path.join(home, f)) & 0o077, 0, `${f} is ${mode(path.join(home, f)).toString(8)}`);
      for (const f of readdirSync(path.join(home, 'logs'))) assert.equal(mode(path.join(home, 'logs', f)) & 0o077, 0, f);
      assert.ok(existsSync(path.join(home, 'rawlight.db')));

      const open = await cli(home, ['open', '--print']);
      assert.equal(open.code, 0, open.stderr);
      const signIn = open.stdout.trim();
      assert.ok(signIn.startsWith(`${url}?token=`), `${signIn} starts with the bound ${url}`);
      assert.equal((await fetch(`${url}api/status`)).status, 401);
      const r = await fetch(signIn, { redirect: 'manual' });
      assert.equal(r.status, 303);
      const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
      assert.equal((await fetch(`${url}api/status`, { headers: { cookie } })).status, 200);
      // Rotation against the running daemon: the cookie dies without a restart.
      assert.equal((await cli(home, ['token', 'rotate'])).code, 0);
      assert.equal((await fetch(`${url}api/status`, { headers: { cookie } })).status, 401);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr.slice(-2000));
    }
    assert.equal(readApiUrl(resolvePlaces({ env: { RAWLIGHT_HOME: home } })), null, 'the api-url file goes with the daemon');
  } finally {
    t.cleanup();
  }
});
