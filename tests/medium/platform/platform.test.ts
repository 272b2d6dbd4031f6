import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { isDaemonError } from '../../../src/errors/index.js';
import { createPlatform, platformChecks, diskSpaceCheck, logLocationCheck, watchLimitsCheck } from '../../../src/platform/index.js';
import { readWatchLimits } from '../../../src/platform/watch-limits.js';
import { createRunner } from '../../../src/platform/runner.js';
import { agentEnv } from './agent-env.js';
import { FAKE_SYSTEMCTL } from './fake-bin.js';

describe('platform adapter', () => {
  const e = agentEnv({ open: 'return { code: 0 };', 'xdg-open': 'return { code: state.fail ? 4 : 0, stderr: state.fail ? "no handler" : "" };', systemctl: FAKE_SYSTEMCTL });
  after(() => e.cleanup());
  const make = (platform: 'darwin' | 'linux') => createPlatform({ places: e.places, platform, runner: e.runner, env: e.env, homedir: e.home, appRoot: e.appRoot, uid: 501 });

  test('reveal: open -R on macOS, the folder through xdg-open on Linux', async () => {
    const photo = path.join(e.root, 'lib', 'IMG 1.CR3');
    mkdirSync(path.dirname(photo), { recursive: true });
    writeFileSync(photo, 'x');
    await make('darwin').reveal(photo);
    assert.deepEqual(e.bin.calls('open'), [['-R', photo]]);
    await make('linux').reveal(photo);
    await make('linux').reveal(path.dirname(photo));
    assert.deepEqual(e.bin.calls('xdg-open'), [[path.dirname(photo)], [path.dirname(photo)]]);
    e.bin.setState('xdg-open', { fail: true });
    await assert.rejects(make('linux').reveal(photo), (err) => isDaemonError(err) && err.code === 'PLATFORM_COMMAND_FAILED' && /no handler/.test(err.message));
  });

  test('Linux watch limits: the real inotify limit, and the watches this process holds', async () => {
    const max = Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim());
    const base = await readWatchLimits({ platform: 'linux', runner: e.runner });
    const dirs = Array.from({ length: 12 }, (_, i) => path.join(e.root, 'watched', `d${i}`));
    const watchers: FSWatcher[] = [];
    try {
      for (const d of dirs) {
        mkdirSync(d, { recursive: true });
        watchers.push(watch(d));
      }
      const w = await readWatchLimits({ platform: 'linux', runner: e.runner });
      assert.equal(w.kind, 'inotify');
      assert.equal(w.maxUserWatches, max);
      assert.equal(w.usedByThisProcess, (base.usedByThisProcess ?? 0) + 12);
      assert.ok((w.usedWatches ?? 0) >= (w.usedByThisProcess ?? 0));
      assert.ok(w.fdSoftLimit !== null && w.fdSoftLimit > 0);
      const c = await watchLimitsCheck(make('linux'), { watchedDirs: max * 2 });
      assert.equal(c.ok, false, 'twice the limit cannot fit');
      assert.match(c.fix ?? '', /max_user_watches=/);
      assert.equal((await watchLimitsCheck(make('linux'), { watchedDirs: 10 })).ok, true);
    } finally {
      for (const w of watchers) w.close();
    }
  });

  test('macOS watch limits report the open-file limits (same shell builtin here)', async () => {
    const w = await readWatchLimits({ platform: 'darwin', runner: createRunner() });
    const soft = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    assert.equal(w.kind, 'fsevents');
    assert.equal(w.fdSoftLimit, Number(soft));
    assert.equal(w.maxUserWatches, null);
  });

  test('doctor checks: disk space from statfs, log location, and the whole list', async () => {
    const d = await diskSpaceCheck(e.places);
    assert.equal(d.name, 'disk space');
    assert.match(d.detail, /GiB free of .* GiB for the cache/);
    assert.equal((await diskSpaceCheck(e.places, { minFreeBytes: Number.MAX_SAFE_INTEGER })).ok, false);
    const l = logLocationCheck(e.places);
    assert.equal(l.ok, true);
    assert.match(l.detail, new RegExp(e.places.logsDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    e.bin.setState('systemctl', {});
    const all = await platformChecks(make('linux'), { places: e.places, libraries: [path.join(e.root, 'lib')] });
    assert.deepEqual(all.map((c) => c.name), ['agent', 'permissions', `library ${path.join(e.root, 'lib')}`, 'watch limits', 'disk space', 'logs', 'private files']);
    const agent = all[0]!;
    assert.equal(agent.ok, false);
    assert.equal(agent.fix, 'rawlight agent install');
    const perm = all[1]!;
    assert.equal(perm.ok, true);
    assert.ok(perm.detail.includes(e.nodePath), 'names the exact binary');
  });
});
