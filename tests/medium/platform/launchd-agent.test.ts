import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'plist';
import { isDaemonError } from '../../../src/errors/index.js';
import { createPlatform } from '../../../src/platform/index.js';
import { agentEnv } from './agent-env.js';
import { FAKE_LAUNCHCTL } from './fake-bin.js';

const UID = 501;
const TARGET = `gui/${UID}/com.rawlight.agent`;

describe('launchd agent (fake launchctl on PATH)', () => {
  const e = agentEnv({ launchctl: FAKE_LAUNCHCTL, taskpolicy: 'return { code: 0 };' });
  after(() => e.cleanup());
  const platform = (turbo = true) =>
    createPlatform({ places: e.places, turbo, platform: 'darwin', runner: e.runner, env: e.env, homedir: e.home, uid: UID, appRoot: e.appRoot, sleep: async () => {} });
  const plistPath = path.join(e.home, 'Library', 'LaunchAgents', 'com.rawlight.agent.plist');
  const calls = () => e.bin.calls('launchctl');
  let seen = 0;
  const newCalls = () => {
    const all = calls();
    const out = all.slice(seen);
    seen = all.length;
    return out;
  };

  test('install writes the plist and bootstraps it into the gui domain', async () => {
    const r = await platform().agent.install();
    assert.equal(r.changed, true);
    assert.equal(r.mode, 'turbo');
    assert.equal(r.definitionPath, plistPath);
    const p = parse(readFileSync(plistPath, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(p.ProgramArguments, [e.nodePath, path.join(e.appRoot, 'dist', 'cli', 'main.js'), 'run']);
    assert.equal(p.ProcessType, 'Standard');
    assert.equal((p.EnvironmentVariables as Record<string, string>).RAWLIGHT_HOME, e.env.RAWLIGHT_HOME);
    assert.ok(existsSync(e.places.logsDir), 'the logs folder exists before launchd opens StandardOutPath');
    assert.deepEqual(newCalls(), [
      ['print', `gui/${UID}`],
      ['print', TARGET],
      ['enable', TARGET],
      ['bootstrap', `gui/${UID}`, plistPath],
    ]);
  });

  test('a second install changes nothing (idempotent)', async () => {
    const before = readFileSync(plistPath, 'utf8');
    const r = await platform().agent.install();
    assert.equal(r.changed, false);
    assert.equal(readFileSync(plistPath, 'utf8'), before);
    assert.deepEqual(newCalls(), [
      ['print', `gui/${UID}`],
      ['print', TARGET],
    ]);
  });

  test('status reads launchctl print', async () => {
    const s = await platform().agent.status();
    assert.equal(s.manager, 'launchd');
    assert.equal(s.installed, true);
    assert.equal(s.loaded, true);
    assert.equal(s.running, true);
    assert.equal(s.pid, 4242);
    assert.equal(s.lastExitCode, 0);
    assert.equal(s.mode, 'turbo');
    assert.equal(s.upToDate, true);
    newCalls();
  });

  test('settle switches turbo to background without touching the running service', async () => {
    // As inside the daemon launchd started (RAWLIGHT_AGENT=1): the running process is demoted in place.
    const agent = createPlatform({
      places: e.places, turbo: true, platform: 'darwin', runner: e.runner, env: { ...e.env, RAWLIGHT_AGENT: '1' }, homedir: e.home, uid: UID, appRoot: e.appRoot,
    }).agent;
    const r = await agent.settle();
    assert.equal(r.changed, true, r.reason);
    const p = parse(readFileSync(plistPath, 'utf8')) as Record<string, unknown>;
    assert.equal(p.ProcessType, 'Background');
    assert.equal(p.LowPriorityIO, true);
    assert.deepEqual(newCalls(), [], 'no bootout/bootstrap: that would SIGTERM the daemon calling settle()');
    assert.deepEqual(e.bin.calls('taskpolicy'), [['-b', '-p', String(process.pid)]]);
    assert.equal(e.bin.state<{ loaded: boolean }>('launchctl').loaded, true);
    assert.deepEqual(await agent.settle(), { changed: false, reason: 'already settled' });
    // settled is remembered: a later install (say install.sh on upgrade) keeps background mode
    assert.equal(platform().agentSpec().mode, 'background');
  });

  test('install after a change replaces the loaded definition cleanly (bootout, then bootstrap)', async () => {
    e.bin.setState('launchctl', { ...e.bin.state('launchctl'), failBootstrap: 2 }); // old instance still exiting
    const r = await platform().agent.install({ mode: 'turbo' });
    assert.equal(r.changed, true);
    assert.deepEqual(newCalls(), [
      ['print', `gui/${UID}`],
      ['print', TARGET],
      ['bootout', TARGET],
      ['enable', TARGET],
      ['bootstrap', `gui/${UID}`, plistPath],
      ['bootstrap', `gui/${UID}`, plistPath],
      ['bootstrap', `gui/${UID}`, plistPath],
    ]);
    const st = e.bin.state<{ loadedText: string }>('launchctl');
    assert.equal(st.loadedText, readFileSync(plistPath, 'utf8'), 'launchd loaded the new file');
  });

  test('settle leaves a plist alone when it is not the turbo twin of the current one', async () => {
    const foreign = readFileSync(plistPath, 'utf8').replace(e.nodePath, '/elsewhere/node');
    writeFileSync(plistPath, foreign);
    const r = await platform().agent.settle();
    assert.equal(r.changed, false);
    assert.equal(readFileSync(plistPath, 'utf8'), foreign);
    const s = await platform().agent.status();
    assert.equal(s.upToDate, false);
    newCalls();
  });

  test('restart is kickstart -k', async () => {
    await platform().agent.restart();
    assert.deepEqual(newCalls(), [['kickstart', '-k', TARGET]]);
  });

  test('uninstall boots the service out and removes the plist', async () => {
    const r = await platform().agent.uninstall();
    assert.equal(r.removed, true);
    assert.equal(existsSync(plistPath), false);
    assert.deepEqual(newCalls(), [
      ['print', TARGET],
      ['bootout', TARGET],
    ]);
    const s = await platform().agent.status();
    assert.equal(s.installed, false);
    assert.equal(s.loaded, false);
    newCalls();
    await assert.rejects(platform().agent.restart(), (err) => isDaemonError(err) && err.code === 'PLATFORM_COMMAND_FAILED');
  });

  test('no gui domain (nobody logged in): install refuses with AGENT_UNAVAILABLE', async () => {
    e.bin.setState('launchctl', { noDomain: true });
    await assert.rejects(platform().agent.install(), (err) => isDaemonError(err) && err.code === 'AGENT_UNAVAILABLE');
    assert.equal(existsSync(plistPath), false);
  });
});
