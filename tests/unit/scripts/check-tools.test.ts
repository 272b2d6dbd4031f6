import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { REPO, tempDir } from '../../helpers/fixtures.js';

const SCRIPT = path.join(REPO, 'scripts', 'check-tools.mjs');

describe('scripts/check-tools.mjs (pretest)', () => {
  const t = tempDir('rawlight-tools-');
  after(() => t.cleanup());

  test('on this machine every tool the tests use is present (the list is satisfiable)', () => {
    const r = spawnSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  test('every program a test runs is on the list or part of every base system', async () => {
    const { TOOLS } = (await import(pathToFileURL(SCRIPT).href)) as { TOOLS: { name: string }[] };
    const listed = new Set(TOOLS.map((x) => x.name));
    // POSIX and coreutils (in every Debian and macOS install), mount/umount (Debian's required
    // `mount` package; macOS' own), and macOS's own tools (darwin-only tests).
    const base = new Set(['sh', 'chmod', 'find', 'mkfifo', 'sha256sum', 'mount', 'umount', 'plutil', 'xattr', 'node']);
    const used = new Map<string, string>();
    for (const file of readdirSync(path.join(REPO, 'tests'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
      const src = readFileSync(path.join(REPO, 'tests', file), 'utf8');
      for (const m of src.matchAll(/\b(?:execFileSync|execFile|spawnSync|spawn)\(\s*'([^'\s]+)'/g)) used.set(m[1]!, file);
    }
    assert.ok(used.has('exiftool') && used.has('exiv2'), 'the scan finds the programs the tests run');
    const unlisted = [...used].filter(([cmd]) => !listed.has(cmd) && !base.has(cmd));
    assert.deepEqual(unlisted, [], 'a program a fresh machine may lack: add it to TOOLS in scripts/check-tools.mjs');
  });

  test('with the tools off PATH, --check names each missing one and fails', () => {
    const bin = path.join(t.dir, 'bin-node-only');
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const r = spawnSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8', env: { PATH: bin } });
    assert.equal(r.status, 1);
    for (const tool of ['perl', 'exiv2', 'exiftool', 'djxl']) assert.match(r.stderr, new RegExp(`\\b${tool}\\b`), r.stderr);
    if (process.platform === 'linux') for (const tool of ['heif-convert', 'setfattr', 'systemd-analyze']) assert.match(r.stderr, new RegExp(`\\b${tool}\\b`));
  });

  test('a user who cannot install gets one line saying exactly what to run', (t2) => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) {
      t2.skip('needs root on Linux to run the script as an unprivileged user (nobody)');
      return;
    }
    // nobody gets a world-readable copy of the script (it has no dependencies) and of node.
    const work = path.join(t.dir, 'as-nobody');
    mkdirSync(path.join(work, 'bin'), { recursive: true });
    chmodSync(t.dir, 0o755);
    const script = path.join(work, 'check-tools.mjs');
    copyFileSync(SCRIPT, script);
    const node = path.join(work, 'bin', 'node');
    try {
      linkSync(process.execPath, node);
    } catch {
      copyFileSync(process.execPath, node);
    }
    chmodSync(node, 0o755);
    chmodSync(script, 0o644);
    const r = spawnSync(node, [script], { encoding: 'utf8', uid: 65534, gid: 65534, cwd: work, env: { PATH: path.join(work, 'bin') } });
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    if (existsSync('/etc/debian_version')) assert.match(lines[0]!, /Run: sudo apt-get update && sudo apt-get install -y perl exiv2 libimage-exiftool-perl procps libheif-examples libjxl-tools libopenjp2-tools libavif-bin attr systemd bsdutils util-linux( chromium)?$/);
    else assert.match(lines[0]!, /Run: install perl, exiv2/);
  });
});
