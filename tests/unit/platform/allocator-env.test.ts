// Issue 14: the daemon is launched with glibc's allocator told to keep fewer arenas, so the memory
// the ML threads freed goes back to the OS once caught up. Checked where the daemon is launched:
// the systemd unit `rawlight agent install` writes, and bin/rawlight itself.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { buildAgentSpec } from '../../../src/platform/agent.js';
import { allocatorEnv, GLIBC_MALLOC_ENV } from '../../../src/platform/allocator-env.js';
import { renderUnit } from '../../../src/platform/linux/systemd-unit.js';
import { REPO, tempDir } from '../../helpers/fixtures.js';

const places = { configDir: '/home/ann/.config/rawlight', dataDir: '/home/ann/.local/share/rawlight', cacheDir: '/home/ann/.cache/rawlight', logsDir: '/home/ann/.local/state/rawlight/logs' };
const spec = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv = {}) =>
  buildAgentSpec({ places, nodePath: '/opt/rawlight/.runtime/node_modules/node/bin/node', cliPath: '/opt/rawlight/dist/cli/main.js', mode: 'background', platform, env });

test('the systemd unit sets glibc malloc variables for the daemon; the installing user’s own values win', () => {
  assert.deepEqual(Object.keys(GLIBC_MALLOC_ENV).sort(), ['MALLOC_ARENA_MAX', 'MALLOC_TRIM_THRESHOLD_']);
  const unit = renderUnit(spec('linux'));
  for (const [k, v] of Object.entries(GLIBC_MALLOC_ENV)) assert.ok(unit.includes(`Environment="${k}=${v}"\n`), `${k}=${v} in:\n${unit}`);
  const tuned = renderUnit(spec('linux', { MALLOC_ARENA_MAX: '4' }));
  assert.ok(tuned.includes('Environment="MALLOC_ARENA_MAX=4"\n'));
  assert.ok(!tuned.includes('MALLOC_ARENA_MAX=2'));
});

test('macOS: no allocator variable in the launchd agent (libmalloc has no arenas to cap)', () => {
  assert.deepEqual(allocatorEnv('darwin'), {});
  assert.deepEqual(Object.keys(spec('darwin').env).filter((k) => k.startsWith('MALLOC_')), []);
});

/** bin/rawlight in a copy of the install layout, with a `node` that prints its environment. */
function launcher(): { bin: string; cleanup: () => void } {
  const t = tempDir('rawlight-launcher-');
  mkdirSync(path.join(t.dir, 'bin'));
  mkdirSync(path.join(t.dir, '.runtime/node_modules/.bin'), { recursive: true });
  mkdirSync(path.join(t.dir, 'dist/cli'), { recursive: true });
  copyFileSync(path.join(REPO, 'bin/rawlight'), path.join(t.dir, 'bin/rawlight'));
  writeFileSync(path.join(t.dir, 'dist/cli/main.js'), '');
  const node = path.join(t.dir, '.runtime/node_modules/.bin/node');
  writeFileSync(node, '#!/bin/sh\nenv\n');
  chmodSync(node, 0o755);
  return { bin: path.join(t.dir, 'bin/rawlight'), cleanup: t.cleanup };
}

function launchedEnv(bin: string, extra: NodeJS.ProcessEnv): Record<string, string> {
  const env = { ...process.env, ...extra };
  for (const k of Object.keys(GLIBC_MALLOC_ENV)) if (!(k in extra)) delete env[k];
  const out = execFileSync('sh', [bin, 'run'], { env, encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter((l) => l.startsWith('MALLOC_')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

test('bin/rawlight launches the daemon with the same allocator variables on Linux (none elsewhere); a user’s own value wins', (t) => {
  const l = launcher();
  t.after(l.cleanup);
  assert.deepEqual(launchedEnv(l.bin, {}), allocatorEnv(process.platform));
  assert.deepEqual(launchedEnv(l.bin, { MALLOC_ARENA_MAX: '4' }), process.platform === 'linux' ? { ...GLIBC_MALLOC_ENV, MALLOC_ARENA_MAX: '4' } : { MALLOC_ARENA_MAX: '4' });
});
