import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
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

  test('with the tools off PATH, --check names each missing one and fails', () => {
    const bin = path.join(t.dir, 'bin-node-only');
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const r = spawnSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8', env: { PATH: bin } });
    assert.equal(r.status, 1);
    for (const tool of ['perl', 'exiv2', 'djxl']) assert.match(r.stderr, new RegExp(`\\b${tool}\\b`), r.stderr);
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
    if (existsSync('/etc/debian_version')) assert.match(lines[0]!, /Run: sudo apt-get update && sudo apt-get install -y perl exiv2 libheif-examples libjxl-tools attr systemd util-linux( chromium)?$/);
    else assert.match(lines[0]!, /Run: install perl, exiv2/);
  });
});
