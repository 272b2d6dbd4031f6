import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { tokenPath, tokenReader } from '../../../src/api/api-token.js';
import { writeApiUrl } from '../../../src/api/api-url-file.js';
import { acquireDaemonLock } from '../../../src/cli/lock.js';
import { createOpenCommand } from '../../../src/cli/commands/open.command.js';
import { resolvePlaces } from '../../../src/platform/places.js';
import { cli } from '../../helpers/cli.js';
import { REPO, tempDir } from '../../helpers/fixtures.js';
import { makeFakeBin, type FakeBin } from '../platform/fake-bin.js';

describe('rawlight open / open --print / token rotate', () => {
  let dir: string;
  let cleanup: () => void;
  let home: string;
  let bin: FakeBin;

  before(async () => {
    ({ dir, cleanup } = tempDir('rawlight-open-'));
    home = path.join(dir, 'home');
    bin = makeFakeBin(path.join(dir, 'bin'), { 'xdg-open': 'return { code: state.fail || 0, stderr: state.fail ? "no method available for opening" : "" };', open: 'return {};' });
    assert.equal((await cli(home, ['setup', '--library', path.join(dir, 'lib')])).code, 0);
  });
  after(() => cleanup());

  const token = () => readFileSync(tokenPath(resolvePlaces({ env: { RAWLIGHT_HOME: home } })), 'utf8').trim();

  test('--print prints the sign-in URL with the current token (and says the daemon is not running)', async () => {
    const r = await cli(home, ['open', '--print']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `http://127.0.0.1:7414/?token=${token()}\n`);
    assert.match(r.stderr, /not running/);
  });

  test('a daemon still starting (install.sh\'s last line comes right after it): the URL it binds, waited for', async () => {
    const places = resolvePlaces({ env: { RAWLIGHT_HOME: home } });
    const lock = acquireDaemonLock(places, 'daemon');
    try {
      const stdout = new PassThrough(), stderr = new PassThrough();
      let out = '', err = '';
      stdout.on('data', (d) => (out += d));
      // Its configured port taken, it binds the next one, and writes that once it listens.
      stderr.on('data', (d) => ((err += d), /is starting; waiting for it to answer/.test(err) && writeApiUrl(places, 'http://127.0.0.1:7415/')));
      assert.equal(await createOpenCommand().run(['--print'], { places, io: { stdout, stderr }, env: {} }), 0);
      assert.equal(out, `http://127.0.0.1:7415/?token=${token()}\n`);
      assert.match(err, new RegExp(`^rawlight open: the daemon \\(pid ${process.pid}\\) is starting; waiting for it to answer\n$`));
    } finally {
      lock.release();
    }
  });

  test('a running daemon on another port: the URL it bound, from its api-url file', async () => {
    const places = resolvePlaces({ env: { RAWLIGHT_HOME: home } });
    const lock = acquireDaemonLock(places, 'daemon');
    try {
      writeApiUrl(places, 'http://127.0.0.1:7420/');
      const r = await cli(home, ['open', '--print']);
      assert.equal(r.stdout, `http://127.0.0.1:7420/?token=${token()}\n`);
      assert.equal(r.stderr, '');
    } finally {
      lock.release();
    }
    // A stale file from a crashed daemon is ignored when nobody holds the lock.
    assert.equal((await cli(home, ['open', '--print'])).stdout, `http://127.0.0.1:7414/?token=${token()}\n`);
  });

  test('Linux with a desktop: xdg-open gets a private launcher file, never the token on its command line', async () => {
    const r = await cli(home, ['open'], { PATH: bin.path, DISPLAY: ':0', WAYLAND_DISPLAY: '' });
    assert.equal(r.code, 0, r.stderr);
    const calls = bin.calls('xdg-open');
    const launcher = path.join(home, 'open.html');
    assert.deepEqual(calls, [[launcher]]);
    assert.ok(!calls.flat().join(' ').includes(token()), 'the token is not in any argv');
    assert.equal(statSync(launcher).mode & 0o777, 0o600);
    assert.match(readFileSync(launcher, 'utf8'), new RegExp(`url=http://127\\.0\\.0\\.1:7414/\\?token=${token()}"`));
    assert.deepEqual(bin.calls('open'), []);
  });

  test('Linux without a desktop: a clear message pointing at --print, nothing run', async () => {
    const before = bin.calls('xdg-open').length;
    const r = await cli(home, ['open'], { PATH: bin.path, DISPLAY: '', WAYLAND_DISPLAY: '' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no desktop session.*rawlight open --print.*\[PLATFORM_NO_DESKTOP\]/);
    assert.equal(bin.calls('xdg-open').length, before);
  });

  test('xdg-open failing: its message and the way out, exit 1', async () => {
    bin.setState('xdg-open', { fail: 3 });
    const r = await cli(home, ['open'], { PATH: bin.path, DISPLAY: ':0' });
    bin.setState('xdg-open', {});
    assert.equal(r.code, 1);
    assert.match(r.stderr, /xdg-open exited with 3: no method available.*--print.*\[PLATFORM_COMMAND_FAILED\]/);
  });

  test('macOS: `open <launcher>` exactly', async () => {
    let out = '';
    const stdout = new PassThrough().on('data', (d) => (out += d));
    const env = { ...process.env, RAWLIGHT_HOME: home, PATH: bin.path, DISPLAY: '' };
    const code = await createOpenCommand({ platform: 'darwin' }).run([], { places: resolvePlaces({ env }), io: { stdout, stderr: new PassThrough() }, env });
    assert.equal(code, 0);
    assert.deepEqual(bin.calls('open'), [[path.join(home, 'open.html')]]);
    assert.match(out, /opened http:\/\/127\.0\.0\.1:7414\/ \(signed in\)/);
  });

  test('race: another process rotating 300 times while the daemon reads: never a torn or empty token', async () => {
    const places = resolvePlaces({ env: { RAWLIGHT_HOME: home } });
    const read = tokenReader(places, token());
    const src = pathToFileURL(path.join(REPO, 'src/api/api-token.ts')).href;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', `const { rotateToken } = await import(${JSON.stringify(src)}); for (let i = 0; i < 300; i++) rotateToken(${JSON.stringify(places)});`], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let running = true;
    void exited.then(() => (running = false));
    const seen = new Set<string>();
    while (running) {
      const t = read();
      assert.match(t, /^[A-Za-z0-9_-]{43}$/, 'a whole token, every time');
      seen.add(t);
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(await exited, 0, stderr);
    assert.ok(seen.size > 1, `the reader followed the rotations (${seen.size} tokens seen)`);
    assert.equal(read(), token(), 'and ends on the last one');
  });

  test('token rotate: a new 0600 token; the next sign-in URL carries it', async () => {
    const old = token();
    const r = await cli(home, ['token', 'rotate']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /every browser is signed out/);
    const now = token();
    assert.notEqual(now, old);
    assert.ok(now.length >= 32);
    assert.equal(statSync(tokenPath(resolvePlaces({ env: { RAWLIGHT_HOME: home } }))).mode & 0o777, 0o600);
    assert.equal((await cli(home, ['open', '--print'])).stdout, `http://127.0.0.1:7414/?token=${now}\n`);
    assert.equal((await cli(home, ['token'])).code, 64);
    assert.equal((await cli(home, ['token', 'show'])).code, 64);
  });
});
