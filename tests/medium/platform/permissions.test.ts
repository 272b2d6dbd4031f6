import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, linkSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { LibraryStatus } from '../../../src/platform/library-state.js';
import { libraryStatus } from '../../../src/platform/library-state.js';
import { createPermissions, loadNodeMacPermissions, type MacPermissionsModule } from '../../../src/platform/permissions.js';
import { pinnedNodePath, resolveNodeBinary } from '../../../src/platform/app-paths.js';
import { REPO, tempDir } from '../../helpers/fixtures.js';

/**
 * The state of a folder the current user may not list. As root (this machine, CI), permissions
 * never bite, so the check runs in a child process as `nobody`; as any other user, in-process.
 * The child gets a world-readable copy of what it runs (the module, and node itself when nobody
 * cannot reach ours): the clone may live under a folder only its owner can enter.
 */
function deniedStatus(dir: string, work: string): LibraryStatus {
  const asNobody = { uid: 65534, gid: 65534, cwd: work, encoding: 'utf8' } as const;
  chmodSync(work, 0o755);
  // library-state.ts imports node:* modules and mount-table.ts (which imports only node:*); node
  // strips their types itself once the import names the .ts file.
  writeFileSync(path.join(work, 'library-state.ts'), readFileSync(path.join(REPO, 'src/platform/library-state.ts'), 'utf8').replace("'./mount-table.js'", "'./mount-table.ts'"));
  copyFileSync(path.join(REPO, 'src/platform/mount-table.ts'), path.join(work, 'mount-table.ts'));
  const script = path.join(work, 'probe.mts');
  writeFileSync(
    script,
    `import { libraryStatus } from './library-state.ts';\n` +
      `process.stdout.write(JSON.stringify(await libraryStatus(process.argv[2], { platform: 'linux', readText: () => '' })));\n`,
  );
  let node = process.execPath;
  if (spawnSync(node, ['--version'], asNobody).status !== 0) {
    node = path.join(work, 'node');
    try {
      linkSync(process.execPath, node);
    } catch {
      copyFileSync(process.execPath, node);
    }
    chmodSync(node, 0o755);
  }
  for (const f of [script, path.join(work, 'library-state.ts'), path.join(work, 'mount-table.ts')]) chmodSync(f, 0o644);
  const r = spawnSync(node, ['--no-warnings', script, dir], asNobody);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as LibraryStatus;
}

describe('permissions and library state', () => {
  const t = tempDir('rawlight-perm-');
  after(() => t.cleanup());
  const lib = path.join(t.dir, 'Pictures');
  mkdirSync(lib);
  writeFileSync(path.join(lib, 'a.CR3'), 'x');
  const secret = path.join(t.dir, 'Secret');
  mkdirSync(secret);
  writeFileSync(path.join(secret, 'b.CR3'), 'x');
  chmodSync(secret, 0o700);

  test('a folder the daemon may not list is denied, not offline', async () => {
    let st: LibraryStatus;
    if (process.getuid?.() === 0) st = deniedStatus(secret, t.dir);
    else {
      chmodSync(secret, 0o000);
      st = await libraryStatus(secret, { platform: 'linux', readText: () => '' });
      chmodSync(secret, 0o700);
    }
    assert.equal(st.state, 'denied');
    assert.match(st.reason, /EACCES|EPERM/);
    assert.equal((await libraryStatus(lib, { platform: 'linux', readText: () => '' })).state, 'online');
  });

  test('macOS report: real reads decide; node-mac-permissions only fills in Full Disk Access', async () => {
    const fake = (answer: string): (() => Promise<MacPermissionsModule>) => async () => ({ getAuthStatus: (type) => (type === 'full-disk-access' ? answer : 'x') });
    const binaryPath = '/Applications/rawlight/.runtime/node_modules/node/bin/node';
    const libOpts = { platform: 'darwin' as const, readText: () => '' };

    const granted = await createPermissions({ platform: 'darwin', binaryPath, loadMacPermissions: fake('denied'), libraryOptions: libOpts }).check([lib]);
    assert.equal(granted.state, 'granted', 'readable libraries need nothing, whatever FDA says');
    assert.equal(granted.fullDiskAccess, 'denied');
    assert.deepEqual(granted.steps, []);

    const none = await createPermissions({ platform: 'darwin', binaryPath, loadMacPermissions: async () => null, libraryOptions: libOpts }).check([]);
    assert.equal(none.state, 'not-determined', 'no module and nothing to read: cannot tell');
    assert.ok(none.steps.some((s) => s.includes(binaryPath)), 'the steps name the exact binary');

    const auth = await createPermissions({ platform: 'darwin', binaryPath, loadMacPermissions: fake('authorized'), libraryOptions: libOpts }).check([]);
    assert.equal(auth.state, 'granted');

    const offline = await createPermissions({ platform: 'darwin', binaryPath, loadMacPermissions: fake('not determined'), libraryOptions: libOpts }).check(['/Volumes/rawlight-no-drive/Photos']);
    assert.equal(offline.libraries[0]!.state, 'offline');
    assert.equal(offline.state, 'not-determined');
  });

  test('Linux report has no Full Disk Access and lists each library', async () => {
    const r = await createPermissions({ platform: 'linux', binaryPath: '/x/node', libraryOptions: { platform: 'linux', readText: () => '' } }).check([lib, path.join(t.dir, 'gone')]);
    assert.equal(r.fullDiskAccess, 'not-applicable');
    assert.equal(r.state, 'granted');
    assert.deepEqual(r.libraries.map((l) => l.state), ['online', 'offline']);
  });

  test('node-mac-permissions is optional: absent here, its loader answers null instead of throwing', async () => {
    assert.equal(await loadNodeMacPermissions(), null);
  });

  test('the binary to grant is the realpath of the pinned Node', () => {
    const pinned = pinnedNodePath(REPO);
    assert.equal(resolveNodeBinary(REPO), realpathSync(pinned));
    assert.equal(resolveNodeBinary(path.join(t.dir, 'no-app'), process.execPath), realpathSync(process.execPath));
  });
});
