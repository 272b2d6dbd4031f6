// A daemon just started (launchd at login, `rawlight agent restart`) holds its home's lock a moment
// before its API answers. `rawlight index` run then was refused as "another daemon is running"
// (exit 75), and `writeback` was sent to the URL a killed daemon had left behind.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, utimesSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { writeApiUrl } from '../../../src/api/api-url-file.js';
import { indexCommand } from '../../../src/cli/commands/index.command.js';
import { findQueueHolder } from '../../../src/cli/daemon-client.js';
import { isDaemonError } from '../../../src/errors/index.js';
import { acquireLock } from '../../../src/lifecycle/lock.js';
import { resolvePlaces } from '../../../src/platform/places.js';
import { DB_FILE, openDb } from '../../../src/store/db.js';
import { tempDir } from '../../helpers/fixtures.js';

describe('a daemon that is starting: waited for, not refused', () => {
  const t = tempDir('rawlight-daemon-starting-');
  const places = resolvePlaces({ env: { RAWLIGHT_HOME: path.join(t.dir, 'home') } });
  const folder = path.join(t.dir, 'card');
  let server: Server;
  let url: string;
  const asked: string[] = [];

  before(async () => {
    mkdirSync(folder, { recursive: true });
    mkdirSync(places.dataDir, { recursive: true });
    openDb(path.join(places.dataDir, DB_FILE)).db.close();
    // The daemon's API once it is up: the walk of an empty folder, nothing to wait for.
    server = createServer((req, res) => {
      asked.push(`${req.method} ${req.url}`);
      const body = req.url === '/api/index' ? { roots: [{ root: folder, state: 'online', seen: 0, added: 0, changed: 0, moved: 0, gone: 0, unreadable: [] }], waitFor: ['scan'] } : { paused: false };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    t.cleanup();
  });

  test('nobody, a command running the queue itself, a daemon', async () => {
    assert.deepEqual(await findQueueHolder(places), { kind: 'none' });
    const index = acquireLock(places.dataDir, { role: 'index' });
    try {
      assert.deepEqual(await findQueueHolder(places), { kind: 'command', pid: process.pid }, 'an `index` run serves no API: not waited for');
    } finally {
      index.release();
    }
    const daemon = acquireLock(places.dataDir, { role: 'daemon' });
    try {
      writeApiUrl(places, url);
      assert.deepEqual(await findQueueHolder(places), { kind: 'daemon', url });
    } finally {
      daemon.release();
    }
  });

  test('the URL a killed daemon left is not used; the new one is waited for', async () => {
    writeApiUrl(places, 'http://127.0.0.1:9/');
    const old = (Date.now() - 3_600_000) / 1000;
    utimesSync(path.join(places.dataDir, 'api-url'), old, old);
    const daemon = acquireLock(places.dataDir, { role: 'daemon' });
    try {
      const waited: (number | null)[] = [];
      let naps = 0;
      const holder = await findQueueHolder(places, {
        onWait: (pid) => waited.push(pid),
        // The daemon's API comes up while the command waits.
        sleep: async () => void (++naps === 3 && writeApiUrl(places, url)),
      });
      assert.deepEqual(holder, { kind: 'daemon', url });
      assert.deepEqual(waited, [process.pid], 'said once');
      assert.equal(naps, 3);
    } finally {
      daemon.release();
    }
  });

  test('a daemon whose API never comes up: API_FEATURE_UNAVAILABLE after the wait, naming it', async () => {
    const daemon = acquireLock(places.dataDir, { role: 'daemon' });
    try {
      writeApiUrl(places, 'http://127.0.0.1:9/');
      const old = (Date.now() - 3_600_000) / 1000;
      utimesSync(path.join(places.dataDir, 'api-url'), old, old);
      let clock = 0;
      const e = await findQueueHolder(places, { timeoutMs: 60_000, now: () => clock, sleep: async () => void (clock += 200) }).then(() => null, (x: unknown) => x);
      assert.ok(isDaemonError(e) && e.code === 'API_FEATURE_UNAVAILABLE', String(e));
      assert.match(e.message, new RegExp(`the daemon \\(pid ${process.pid}\\) holds this home but its API has not answered in 60 s`));
      assert.equal(clock, 60_000);
    } finally {
      daemon.release();
    }
  });

  test('rawlight index while the daemon starts: it waits, then hands the folder to it', async () => {
    const daemon = acquireLock(places.dataDir, { role: 'daemon' });
    asked.length = 0;
    try {
      const stdout = new PassThrough(), stderr = new PassThrough();
      let out = '', err = '';
      stdout.on('data', (d) => (out += d));
      // The API comes up once the command says it waits for it.
      stderr.on('data', (d) => ((err += d), /is starting; waiting for it to answer/.test(err) && writeApiUrl(places, url)));
      const code = await indexCommand.run([folder, '--json'], { places, io: { stdout, stderr }, env: {} });
      assert.equal(code, 0, err);
      assert.match(err, new RegExp(`rawlight index: the daemon \\(pid ${process.pid}\\) is starting; waiting for it to answer`));
      assert.doesNotMatch(err, /DAEMON_ALREADY_RUNNING/);
      assert.ok(asked.includes('POST /api/index'), asked.join(', '));
      assert.equal(JSON.parse(out).files, 0);
    } finally {
      daemon.release();
    }
  });
});
