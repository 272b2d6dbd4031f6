import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import type { CliEnv } from '../../../src/cli/command.js';
import { createAgentCommand, EXIT_AGENT_UNAVAILABLE } from '../../../src/cli/commands/agent.command.js';
import { isDaemonError } from '../../../src/errors/index.js';
import { buildAgentSpec } from '../../../src/platform/agent.js';
import { resolveNodeBinary } from '../../../src/platform/app-paths.js';
import { createPlatform } from '../../../src/platform/index.js';
import { renderUnit } from '../../../src/platform/linux/systemd-unit.js';
import { REPO } from '../../helpers/fixtures.js';
import { agentEnv } from './agent-env.js';
import { FAKE_SYSTEMCTL } from './fake-bin.js';

function capture(): { stream: Writable; text: () => string } {
  let buf = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      buf += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => buf };
}

describe('systemd user unit (fake systemctl on PATH)', () => {
  const e = agentEnv({ systemctl: FAKE_SYSTEMCTL, ionice: 'return { code: 0 };' });
  after(() => e.cleanup());
  const platform = (env: NodeJS.ProcessEnv = e.env) => createPlatform({ places: e.places, turbo: true, platform: 'linux', runner: e.runner, env, homedir: e.home, appRoot: e.appRoot });
  const unitPath = path.join(e.home, '.config', 'systemd', 'user', 'rawlight.service');
  let seen = 0;
  const newCalls = () => {
    const all = e.bin.calls('systemctl');
    const out = all.slice(seen);
    seen = all.length;
    return out;
  };
  const cli = (args: string[]) => {
    const out = capture();
    const err = capture();
    const env: CliEnv = { places: e.places, io: { stdout: out.stream, stderr: err.stream }, env: e.env };
    return createAgentCommand({ platform: 'linux', appRoot: e.appRoot })
      .run(args, env)
      .then((code) => ({ code, stdout: out.text(), stderr: err.text() }));
  };

  test('rawlight agent install writes the unit, reloads, enables and starts it', async () => {
    const r = await cli(['install']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Installed the systemd service \(turbo mode\)/);
    const unit = readFileSync(unitPath, 'utf8');
    assert.match(unit, new RegExp(`ExecStart="${e.nodePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" `));
    assert.deepEqual(newCalls(), [
      ['--user', 'is-system-running'],
      ['--user', 'show', 'rawlight.service', '--property=LoadState,ActiveState,SubState,MainPID,ExecMainStatus,UnitFileState'],
      ['--user', 'daemon-reload'],
      ['--user', 'enable', '--now', 'rawlight.service'],
    ]);
    assert.equal(e.bin.state<{ starts: number }>('systemctl').starts, 1);
  });

  test('a second install changes nothing', async () => {
    const before = readFileSync(unitPath, 'utf8');
    const r = await cli(['install', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { changed: boolean }).changed, false);
    assert.equal(readFileSync(unitPath, 'utf8'), before);
    const calls = newCalls().map((c) => c[1]);
    assert.deepEqual(calls, ['is-system-running', 'show', 'enable']);
    const st = e.bin.state<{ starts: number; restarts?: number; reloads: number }>('systemctl');
    assert.equal(st.starts, 1, 'not started twice');
    assert.equal(st.restarts, undefined);
    assert.equal(st.reloads, 1);
  });

  test('status --json', async () => {
    const r = await cli(['status', '--json']);
    assert.equal(r.code, 0);
    const s = JSON.parse(r.stdout) as { manager: string; running: boolean; pid: number; mode: string; upToDate: boolean; binaryPath: string };
    assert.equal(s.manager, 'systemd');
    assert.equal(s.running, true);
    assert.equal(s.pid, 4343);
    assert.equal(s.mode, 'turbo');
    assert.equal(s.upToDate, true);
    assert.equal(s.binaryPath, e.nodePath);
    newCalls();
  });

  test('settle rewrites the unit in background mode and only reloads (no restart)', async () => {
    const r = await platform({ ...e.env, RAWLIGHT_AGENT: '1' }).agent.settle();
    assert.equal(r.changed, true, r.reason);
    assert.match(readFileSync(unitPath, 'utf8'), /^IOSchedulingClass=idle$/m);
    assert.deepEqual(newCalls(), [['--user', 'daemon-reload']]);
    const ionice = e.bin.calls('ionice');
    assert.equal(ionice.length, 1);
    assert.deepEqual(ionice[0]!.slice(0, 3), ['-c', '3', '-p']);
    assert.ok(ionice[0]!.includes(String(process.pid)), 'the main thread is among the demoted threads');
  });

  test('install with a changed unit restarts the running service to apply it', async () => {
    const r = await cli(['install', '--turbo']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(newCalls().map((c) => c.slice(1, 3)), [
      ['is-system-running'],
      ['show', 'rawlight.service'],
      ['daemon-reload'],
      ['enable', '--now'],
      ['restart', 'rawlight.service'],
    ]);
  });

  test('restart, then uninstall disables, stops and removes the unit', async () => {
    assert.equal((await cli(['restart'])).code, 0);
    assert.deepEqual(newCalls().map((c) => c[1]), ['is-system-running', 'restart']);
    const r = await cli(['uninstall']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(unitPath), false);
    assert.deepEqual(newCalls().map((c) => c.slice(1).join(' ')), [
      'is-system-running',
      'show rawlight.service --property=LoadState,ActiveState,SubState,MainPID,ExecMainStatus,UnitFileState',
      'disable --now rawlight.service',
      'daemon-reload',
    ]);
    assert.equal(e.bin.state<{ active: boolean }>('systemctl').active, false);
  });

  test('without a user systemd, install says how to run the daemon and exits 69', async () => {
    e.bin.setState('systemctl', { offline: true });
    const r = await cli(['install']);
    assert.equal(r.code, EXIT_AGENT_UNAVAILABLE);
    assert.match(r.stderr, /rawlight run/);
    assert.equal(existsSync(unitPath), false);
    const s = await cli(['status']);
    assert.equal(s.code, EXIT_AGENT_UNAVAILABLE);
    await assert.rejects(platform().agent.restart(), (err) => isDaemonError(err) && err.code === 'AGENT_UNAVAILABLE');
  });

  test('agent plist / unit print the definitions on any platform; bad usage is refused', async () => {
    const p = await cli(['plist', '--background']);
    assert.equal(p.code, 0);
    assert.match(p.stdout, /<key>ProcessType<\/key>\s*<string>Background<\/string>/);
    const u = await cli(['unit']);
    assert.match(u.stdout, /^\[Service\]$/m);
    await assert.rejects(cli(['install', '--turbo', '--background']), /exclude each other/);
    await assert.rejects(cli([]), /missing subcommand/);
  });

  test('install refuses when the daemon is not built', async () => {
    e.bin.setState('systemctl', {});
    await assert.rejects(
      createPlatform({ places: e.places, platform: 'linux', runner: e.runner, env: e.env, homedir: e.home, appRoot: path.join(e.root, 'nowhere'), nodePath: e.nodePath }).agent.install(),
      (err) => isDaemonError(err) && err.code === 'AGENT_NOT_BUILT' && err.message.includes(path.join(e.root, 'nowhere', 'dist', 'cli', 'main.js')),
    );
  });
});

describe('the unit as systemd itself reads it', () => {
  test('systemd-analyze verify accepts the rendered unit, odd paths included (Linux)', (t) => {
    if (process.platform !== 'linux') {
      t.skip('systemd-analyze exists only on Linux');
      return;
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-unit-'));
    try {
      const places = { configDir: dir, dataDir: path.join(dir, 'data 100%'), cacheDir: path.join(dir, 'cache'), logsDir: path.join(dir, 'logs') };
      for (const mode of ['turbo', 'background'] as const) {
        const spec = buildAgentSpec({ places, nodePath: resolveNodeBinary(REPO), cliPath: path.join(REPO, 'src', 'cli', 'main.ts'), mode, platform: 'linux', env: { RAWLIGHT_HOME: path.join(dir, 'home $x') } });
        const file = path.join(dir, 'rawlight.service');
        writeFileSync(file, renderUnit(spec));
        const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
        assert.equal(r.error, undefined, 'systemd-analyze must be installed on Linux (Debian: systemd)');
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr.trim(), '', `systemd complained about the ${mode} unit`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
