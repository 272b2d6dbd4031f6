import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { writeApiUrl } from '../../../src/api/api-url-file.js';
import { indexThroughDaemon } from '../../../src/cli/index-via-daemon.js';
import { loadConfig } from '../../../src/config/index.js';
import { isDaemonError } from '../../../src/errors/index.js';
import { acquireLock, type DaemonLock } from '../../../src/lifecycle/lock.js';
import { resolvePlaces } from '../../../src/platform/places.js';
import { DB_FILE, openDb } from '../../../src/store/db.js';
import { cli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/fixtures.js';

/**
 * What `rawlight index` makes of a daemon's replies other than the happy path: a daemon still
 * running the build before an upgrade (no /api/index), and a grouping that fails after the work.
 */
describe('rawlight index through the daemon: its other replies', () => {
  const t = tempDir('rawlight-index-replies-');
  const places = resolvePlaces({ env: { RAWLIGHT_HOME: path.join(t.dir, 'home') } });
  const folder = path.join(t.dir, 'card');
  const replies = new Map<string, [number, unknown]>();
  let server: Server;
  let lock: DaemonLock;
  const run = (warn: (l: string) => void = () => undefined) =>
    indexThroughDaemon({ places, io: { stdout: new PassThrough(), stderr: new PassThrough() }, env: {} }, { roots: [folder], config: loadConfig(places, { env: {} }), retryWaitMs: 60_000, pollMs: 10, warn });

  before(async () => {
    mkdirSync(folder, { recursive: true });
    mkdirSync(places.dataDir, { recursive: true });
    openDb(path.join(places.dataDir, DB_FILE)).db.close();
    // A stand-in daemon: its lock held, its URL written, its replies set by each test.
    server = createServer((req, res) => {
      const [status, body] = replies.get(req.url ?? '') ?? [404, { error: { code: 'API_NOT_FOUND', message: 'No such resource' } }];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    // As a daemon does: the lock first, the URL once its API listens.
    lock = acquireLock(places.dataDir);
    writeApiUrl(places, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });
  after(async () => {
    lock.release();
    await new Promise((r) => server.close(r));
    t.cleanup();
  });

  test('a daemon started before an upgrade (no /api/index): restart it, said plainly', async () => {
    replies.clear();
    const e = await run().then(() => null, (x: unknown) => x);
    assert.ok(isDaemonError(e), String(e));
    assert.match(e.message, /the running daemon is older than this rawlight and has no \/api\/index: restart it \(`rawlight agent restart`\)/);
  });

  test('one client for both commands that ask the daemon: a refusal said with its status and code', async () => {
    replies.clear();
    const r = await cli(path.join(t.dir, 'home'), ['writeback', '--dry-run']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the daemon refused the writeback \(404 API_NOT_FOUND\): No such resource \[API_FEATURE_UNAVAILABLE\]/);
    replies.set('/api/index', [503, { error: { code: 'DAEMON_STOPPED', message: 'The daemon stopped before the work asked of it was done: the daemon is stopping' } }]);
    const e = await run().then(() => null, (x: unknown) => x);
    assert.ok(isDaemonError(e) && e.code === 'DAEMON_STOPPED', String(e));
    assert.equal(e.message, 'The daemon stopped before the work asked of it was done: the daemon is stopping');
  });

  test('a grouping that fails after the folders\' work: said, and the report still given', async () => {
    replies.clear();
    replies.set('/api/index', [200, { roots: [{ root: folder, state: 'online', seen: 0, added: 0, changed: 0, moved: 0, gone: 0, unreadable: [] }], waitFor: ['scan', 'faces'] }]);
    replies.set('/api/status', [200, { paused: false }]);
    replies.set('/api/people/group', [500, { error: { code: 'INTERNAL', message: 'Unexpected internal error' } }]);
    const said: string[] = [];
    const report = await run((l) => said.push(l));
    assert.equal(report.files, 0);
    assert.deepEqual(report.roots.map((r) => r.root), [folder]);
    assert.match(said.join('\n'), /grouping the new faces failed \(.*500 INTERNAL.*\); the daemon groups them when it is idle/);
  });
});

test('a daemon whose API does not answer (its URL left behind by a crash, its lock held by another): said, with where it asked', async () => {
  const t = tempDir('rawlight-index-noanswer-');
  try {
    const places = resolvePlaces({ env: { RAWLIGHT_HOME: path.join(t.dir, 'home') } });
    mkdirSync(places.dataDir, { recursive: true });
    openDb(path.join(places.dataDir, DB_FILE)).db.close();
    // A port nothing listens on: a server started and closed again.
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/`;
    await new Promise((r) => gone.close(r));
    const lock = acquireLock(places.dataDir);
    writeApiUrl(places, url);
    try {
      const e = await indexThroughDaemon({ places, io: { stdout: new PassThrough(), stderr: new PassThrough() }, env: {} }, { roots: [t.dir], config: loadConfig(places, { env: {} }), retryWaitMs: 60_000 }).then(() => null, (x: unknown) => x);
      assert.ok(isDaemonError(e) && e.code === 'API_FEATURE_UNAVAILABLE', String(e));
      assert.ok(e.message.includes(`the running daemon's API at ${url} did not answer`), e.message);
    } finally {
      lock.release();
    }
  } finally {
    t.cleanup();
  }
});
