import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureToken } from '../../../src/api/api-token.js';
import { startServer, type RunningServer } from '../../../src/api/server.js';
import { privateFilesCheck } from '../../../src/platform/doctor-checks.js';
import { looseModes, tightenPrivateFiles } from '../../../src/platform/private-files.js';
import type { Places } from '../../../src/platform/places.js';
import { cli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/fixtures.js';
import { addFace, addPerson, makeHarness, seedFile, type Harness } from '../api/harness.js';

const mode = (p: string) => statSync(p).mode & 0o777;
const NOBODY = 65534;

/** A Node binary `nobody` may run: this one if its path is open to others, else the system's. */
function nodeForNobody(): string | null {
  for (const bin of [process.execPath, '/usr/bin/node', '/usr/local/bin/node']) {
    const r = spawnSync(bin, ['-e', 'process.exit(typeof fetch === "function" ? 0 : 3)'], { uid: NOBODY, gid: NOBODY, cwd: '/' });
    if (r.status === 0) return bin;
  }
  return null;
}

/**
 * What another local user gets: a plain script (no project imports, copied into a world-readable
 * folder so it does not depend on where the clone lives) that asks the API without the token and
 * tries to read everything under rawlight's folders, plus one public file as a control.
 */
const PROBE = `
import { readFileSync, readdirSync } from 'node:fs';
const { base, urls, files, dirs, control } = JSON.parse(process.argv[2]);
const out = { api: [], files: [], dirs: [], control: null };
for (const u of urls) {
  try { const r = await fetch(base + u); const t = await r.text(); out.api.push([u, r.status, t.slice(0, 40)]); } catch (e) { out.api.push([u, 0, String(e)]); }
}
for (const f of files) { try { readFileSync(f); out.files.push([f, 'READ']); } catch (e) { out.files.push([f, e.code]); } }
for (const d of dirs) { try { readdirSync(d); out.dirs.push([d, 'LISTED']); } catch (e) { out.dirs.push([d, e.code]); } }
try { out.control = readFileSync(control, 'utf8'); } catch (e) { out.control = e.code; }
process.stdout.write(JSON.stringify(out));
`;

describe('private files: 0700 folders, 0600 files, tightened at start, reported by doctor', () => {
  test('an old install (0755/0644) is reported, then tightened; deep cache files are shut in by their 0700 parent', () => {
    const t = tempDir('rawlight-priv-');
    try {
      const home = path.join(t.dir, 'home');
      const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
      for (const d of [home, places.cacheDir, path.join(places.cacheDir, 'previews'), places.logsDir]) mkdirSync(d, { recursive: true, mode: 0o755 });
      for (const f of ['rawlight.db', 'rawlight.db-wal', 'config.json', 'api-token']) writeFileSync(path.join(home, f), 'x', { mode: 0o644 });
      writeFileSync(path.join(places.logsDir, 'rawlight.log'), 'x', { mode: 0o644 });
      writeFileSync(path.join(places.cacheDir, 'previews', 'p.jpg'), 'x', { mode: 0o644 });
      for (const d of [home, places.cacheDir, places.logsDir]) chmodSync(d, 0o755);

      const loose = looseModes(places).map((l) => path.relative(home, l.path) || '.').sort();
      assert.deepEqual(loose, ['.', 'api-token', 'cache', 'cache/previews', 'config.json', 'logs', 'logs/rawlight.log', 'rawlight.db', 'rawlight.db-wal']);
      const before = privateFilesCheck(places);
      assert.equal(before.ok, false);
      assert.match(before.detail, /readable by other users: .*home \(0755\)/);
      assert.match(before.detail, /and 4 more/);

      assert.equal(tightenPrivateFiles(places).length, loose.length);
      for (const d of [home, places.cacheDir, places.logsDir]) assert.equal(mode(d), 0o700, d);
      for (const f of ['rawlight.db', 'rawlight.db-wal', 'config.json', 'api-token']) assert.equal(mode(path.join(home, f)), 0o600, f);
      assert.equal(mode(path.join(places.logsDir, 'rawlight.log')), 0o600);
      assert.deepEqual(looseModes(places), []);
      assert.equal(privateFilesCheck(places).ok, true);
      assert.deepEqual(tightenPrivateFiles(places), [], 'a second start changes nothing');
    } finally {
      t.cleanup();
    }
  });

  test('rawlight setup creates the folders 0700 and the token and config 0600', async () => {
    const t = tempDir('rawlight-priv-');
    try {
      const home = path.join(t.dir, 'home');
      const r = await cli(home, ['setup', '--library', path.join(t.dir, 'lib')]);
      assert.equal(r.code, 0, r.stderr);
      for (const d of [home, path.join(home, 'cache'), path.join(home, 'logs')]) assert.equal(mode(d), 0o700, d);
      for (const f of ['api-token', 'config.json']) assert.equal(mode(path.join(home, f)), 0o600, f);
      const doctor = await cli(home, ['doctor', '--json']);
      assert.match(doctor.stdout, /private files/);
    } finally {
      t.cleanup();
    }
  });
});

describe('another local user (nobody) gets nothing from the API and reads nothing of rawlight', () => {
  let h: Harness;
  let srv: RunningServer;
  let probeDir = '';
  let node: string | null = null;

  before(async () => {
    if (process.getuid?.() !== 0) return;
    node = nodeForNobody();
    if (!node) return;
    h = makeHarness({ configRaw: { api: { port: 0 } } });
    const fileId = await seedFile(h, { rel: 'photos/scenes/dog_corgi.jpg' });
    await addFace(h, fileId, 0, { x: 0.1, y: 0.1, w: 0.3, h: 0.3 }, addPerson(h, 'Rex'));
    ensureToken(h.places);
    mkdirSync(h.places.logsDir, { recursive: true });
    writeFileSync(path.join(h.places.logsDir, 'rawlight.log'), '{"msg":"Rex at home"}\n', { mode: 0o644 });
    // As an install from before this release left it: everything open to everyone.
    chmodSync(h.dir, 0o755);
    for (const d of [h.places.configDir, h.places.cacheDir, h.places.logsDir]) chmodSync(d, 0o755);
    tightenPrivateFiles(h.places);
    srv = await startServer(h.deps);
    probeDir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-nobody-'));
    chmodSync(probeDir, 0o755);
    writeFileSync(path.join(probeDir, 'probe.mjs'), PROBE, { mode: 0o644 });
    writeFileSync(path.join(probeDir, 'public.txt'), 'public', { mode: 0o644 });
    chmodSync(path.join(probeDir, 'public.txt'), 0o644);
    chmodSync(path.join(probeDir, 'probe.mjs'), 0o644);
  });
  after(async () => {
    await srv?.close();
    h?.cleanup();
    if (probeDir) rmSync(probeDir, { recursive: true, force: true });
  });

  test('every API read, image and stream: 401; every file and folder under rawlight: EACCES', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root to run a client as nobody');
    if (!node) return t.skip('no Node binary that nobody may run');
    const files: string[] = [];
    const dirs: string[] = [];
    const walk = (d: string) => {
      dirs.push(d);
      for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : (p: string) => files.push(p))(path.join(d, e.name));
    };
    walk(h.places.configDir);
    assert.ok(files.some((f) => f.endsWith('rawlight.db')) && files.some((f) => f.includes('/faces/')) && files.some((f) => f.endsWith('api-token')), files.join(', '));
    const urls = ['/api/status', '/api/files', '/api/files/1', '/api/files/1/preview', '/api/files/1/thumbnail', '/api/faces/1/crop', '/api/people', '/api/people/1', '/api/facets', '/api/libraries', '/api/jobs/dead', '/api/events', '/api/session', '/%61pi/files/1/preview', '/'];
    const arg = JSON.stringify({ base: srv.url.replace(/\/$/, ''), urls, files, dirs, control: path.join(probeDir, 'public.txt') });
    // Asynchronously: the server answering the probe runs in this process.
    const r = await promisify(execFile)(node!, [path.join(probeDir, 'probe.mjs'), arg], { uid: NOBODY, gid: NOBODY, cwd: '/', encoding: 'utf8', timeout: 30_000 });
    const out = JSON.parse(r.stdout) as { api: [string, number, string][]; files: [string, string][]; dirs: [string, string][]; control: string };
    assert.equal(out.control, 'public', 'the probe can read what is really public (so it could see a leak)');
    for (const [u, status, body] of out.api) {
      if (u === '/') assert.equal(status, 200, 'the page itself holds no data');
      else assert.equal(status, 401, `${u} → ${status} ${body}`);
    }
    assert.deepEqual(out.files.filter(([, code]) => code !== 'EACCES'), [], 'no file under rawlight is readable');
    assert.deepEqual(out.dirs.filter(([, code]) => code !== 'EACCES'), [], 'no folder of rawlight can be listed');
    accessSync(files.find((f) => f.endsWith('rawlight.db'))!, constants.R_OK); // still ours
  });
});
