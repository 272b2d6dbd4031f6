import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { readApiUrl } from '../../../src/api/api-url-file.js';
import { ensureToken } from '../../../src/api/api-token.js';
import { TOKEN_HEADER } from '../../../src/api/security.hook.js';
import { indexCommand } from '../../../src/cli/commands/index.command.js';
import { indexThroughDaemon } from '../../../src/cli/index-via-daemon.js';
import { daemonRunning } from '../../../src/cli/lock.js';
import { loadConfig } from '../../../src/config/index.js';
import { isDaemonError } from '../../../src/errors/index.js';
import { Priority } from '../../../src/queue/queue.js';
import { resolvePlaces, type Places } from '../../../src/platform/places.js';
import { DB_FILE, openReadonlyDb } from '../../../src/store/db.js';
import { cli } from '../../helpers/cli.js';
import { copyFixtures, MODELS, REPO, tempDir } from '../../helpers/fixtures.js';

interface IndexJson {
  files: number;
  executed: Record<string, number>;
  failed: unknown[];
  roots: { root: string; added: number }[];
}

/**
 * `rawlight index DIR` while the daemon runs (install.sh starts one): the daemon holds the home's
 * lock, so the command hands the folders to it and follows the work in the database. It used to
 * refuse with DAEMON_ALREADY_RUNNING.
 */
describe('rawlight index with the daemon running: the daemon does the work', () => {
  const t = tempDir('rawlight-index-daemon-');
  const home = path.join(t.dir, 'home');
  const places: Places = resolvePlaces({ env: { RAWLIGHT_HOME: home } });
  let child: ChildProcess;
  let exited: Promise<number | null>;
  let stderr = '';

  before(async () => {
    mkdirSync(home, { recursive: true });
    mkdirSync(path.join(t.dir, 'lib'), { recursive: true });
    // Faces on (its grouping is part of the wait); the slow passes off.
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: MODELS, api: { port: 0 }, passes: { embed: false, tags: false, places: false, ocr: false } }));
    child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), 'run', '--library', path.join(t.dir, 'lib')], {
      env: { ...process.env, RAWLIGHT_HOME: home },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d) => (stderr += d));
    exited = new Promise((resolve) => child.on('exit', resolve));
    // Ready once it has written the URL its API listens on.
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (readApiUrl(places)) (clearInterval(poll), resolve());
      }, 50);
      void exited.then(() => (clearInterval(poll), reject(new Error(`rawlight run exited: ${stderr.slice(-2000)}`))));
    });
  });
  after(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    t.cleanup();
  });

  test('--passes metadata: the daemon walks a folder outside its libraries and the command returns once the metadata is in', async () => {
    const dir = path.join(t.dir, 'card');
    copyFixtures(dir, ['photos/gps/kenya_lizard.jpg', 'photos/scenes/aurora.jpg', 'raw/exiftool_CanonRaw.cr2']);
    const r = await cli(home, ['index', dir, '--passes', 'metadata', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = r.json<IndexJson>();
    assert.equal(j.files, 3);
    assert.deepEqual(j.failed, []);
    assert.equal(j.roots[0]!.added, 3);
    // The runs of the passes asked for, as when `index` runs the queue itself.
    assert.deepEqual(j.executed, { scan: 3, metadata: 3 });
    // Read as the command returned: every photo has its metadata, taken by the daemon's queue.
    const db = openReadonlyDb(path.join(places.dataDir, DB_FILE));
    try {
      const n = db.prepare(`SELECT count(*) FROM metadata m JOIN files f ON f.id = m.file_id WHERE f.path LIKE ?`).pluck().get(`${dir}/%`);
      assert.equal(n, 3);
      const camera = db.prepare(`SELECT m.model FROM metadata m JOIN files f ON f.id = m.file_id WHERE f.path = ?`).pluck().get(path.join(dir, 'raw/exiftool_CanonRaw.cr2'));
      assert.match(String(camera), /Canon/);
      // The folder's other passes, queued as its metadata came in, wait behind what users ask for.
      const ahead = db.prepare(`SELECT j.pass, j.priority FROM jobs j JOIN files f ON f.id = j.file_id WHERE f.path LIKE ? AND j.pass NOT IN ('scan', 'metadata') AND j.priority >= ?`).all(`${dir}/%`, Priority.userRest + 1);
      assert.deepEqual(ahead, []);
    } finally {
      db.close();
    }
    assert.equal(daemonRunning(places), true, 'the daemon kept its lock and goes on');
    assert.doesNotMatch(stderr, /DAEMON_ALREADY_RUNNING/);
  });

  test('every pass: faces found, grouped into people and the whole queue of the folder done before it returns', async () => {
    const dir = path.join(t.dir, 'people');
    copyFixtures(dir, ['photos/people/obama_1.jpg', 'photos/people/obama_2.jpg', 'photos/people/obama_3.jpg']);
    const r = await cli(home, ['index', dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = r.json<IndexJson>();
    assert.equal(j.files, 3);
    assert.equal(j.executed.faces, 3);
    assert.equal(j.executed.preview, 3);
    const db = openReadonlyDb(path.join(places.dataDir, DB_FILE));
    try {
      const left = db.prepare(`SELECT count(*) FROM jobs j JOIN files f ON f.id = j.file_id WHERE f.path LIKE ? AND j.state <> 'dead'`).pluck().get(`${dir}/%`);
      assert.equal(left, 0, 'nothing of the folder is left in the queue');
      // The three faces of one man are one group when the command returns (it asks for the grouping).
      const grouped = db
        .prepare(`SELECT count(DISTINCT fp.person_id) AS people, count(*) AS faces FROM faces fa JOIN files f ON f.id = fa.file_id JOIN face_person fp ON fp.face_id = fa.id WHERE f.path LIKE ?`)
        .get(`${dir}/%`) as { people: number; faces: number };
      assert.deepEqual(grouped, { people: 1, faces: 3 });
    } finally {
      db.close();
    }
  });

  test('a pass name no pass has is refused by the daemon as a usage error, before anything is walked', async () => {
    const dir = path.join(t.dir, 'typo');
    copyFixtures(dir, ['photos/gps/kenya_lizard.jpg']);
    const r = await cli(home, ['index', dir, '--passes', 'metadata,facez']);
    assert.equal(r.code, 64);
    assert.match(r.stderr, /--passes: no pass has that name: facez; the passes are scan, metadata, preview, faces/);
    const db = openReadonlyDb(path.join(places.dataDir, DB_FILE));
    try {
      assert.equal(db.prepare(`SELECT count(*) FROM files WHERE path LIKE ?`).pluck().get(`${dir}/%`), 0);
    } finally {
      db.close();
    }
  });

  test('on a terminal: one progress line, rewritten, ended before the summary', async () => {
    const dir = path.join(t.dir, 'terminal');
    copyFixtures(dir, ['photos/gps/kenya_lizard.jpg']);
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    const stdout = new PassThrough();
    let err = '';
    let out = '';
    terminal.on('data', (d: Buffer) => (err += d));
    stdout.on('data', (d: Buffer) => (out += d));
    assert.equal(await indexCommand.run([dir, '--passes', 'metadata'], { places, io: { stdout, stderr: terminal }, env: process.env }), 0);
    assert.match(err, /^\rthe running daemon is indexing these folders: \d+ step\(s\) left {3}(\r.*)*\n$/);
    assert.match(out, /^1 photos in 1 folder\(s\); ran: .*metadata 1.*; 0 with errors; 0 cloud-only \([\d.]+ s\); the daemon goes on with the other passes\n$/);
  });

  // Last: it stops the daemon.
  test('the daemon paused, then stopped while the command waits: said so (DAEMON_STOPPED), not a wait forever', async () => {
    const url = readApiUrl(places)!;
    const paused = await fetch(new URL('api/pause', url), { method: 'POST', headers: { [TOKEN_HEADER]: ensureToken(places) } });
    assert.equal(paused.status, 200);
    const dir = path.join(t.dir, 'late');
    copyFixtures(dir, ['photos/scenes/aurora.jpg']);
    // A photo the daemon already queued (its watcher found it in the library), waiting in the
    // backlog at the watcher's priority: asked for by `index`, it goes first too.
    const early = path.join(t.dir, 'lib', 'early');
    copyFixtures(early, ['photos/gps/kenya_lizard.jpg']);
    const ro = openReadonlyDb(path.join(places.dataDir, DB_FILE));
    const priorityOf = (p: string) => ro.prepare(`SELECT max(j.priority) FROM jobs j JOIN files f ON f.id = j.file_id WHERE f.path = ?`).pluck().get(p) as number | null;
    const found = path.join(early, 'photos/gps/kenya_lizard.jpg');
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => priorityOf(found) !== null && (clearInterval(poll), resolve()), 20);
      void exited.then(() => (clearInterval(poll), reject(new Error(stderr.slice(-2000)))));
    });
    assert.equal(priorityOf(found), Priority.watch);
    const said: string[] = [];
    let waiting!: () => void;
    const isWaiting = new Promise<void>((r) => (waiting = r));
    const io = { stdout: new PassThrough(), stderr: new PassThrough() };
    const run = indexThroughDaemon(
      { places, io, env: process.env },
      { roots: [dir, early], config: loadConfig(places, { env: {} }), retryWaitMs: 60_000, pollMs: 20, warn: (l) => said.push(l), onProgress: (left) => left > 0 && waiting() },
    );
    // Taken at once: it ends while the test waits for the daemon's exit.
    const outcome = run.then(() => null, (e: unknown) => e);
    await Promise.race([isWaiting, outcome]);
    assert.match(said.join('\n'), /the daemon is paused/);
    assert.equal(priorityOf(found), Priority.user, 'the backlogged photo goes first now');
    assert.equal(priorityOf(path.join(dir, 'photos/scenes/aurora.jpg')), Priority.user);
    ro.close();
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr.slice(-2000));
    const e = await outcome;
    assert.ok(isDaemonError(e) && e.code === 'DAEMON_STOPPED', String(e));
    assert.match(e.message, /2 step\(s\) of these folders were not done yet; they run when it starts again/);
  });
});
