import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'plist';
import { buildAgentSpec, type AgentMode } from '../../../src/platform/agent.js';
import { plistMode, renderPlist } from '../../../src/platform/darwin/plist.js';
import type { Places } from '../../../src/platform/places.js';

const places: Places = {
  configDir: '/Users/ann/Library/Application Support/rawlight',
  dataDir: '/Users/ann/Library/Application Support/rawlight',
  cacheDir: '/Users/ann/Library/Caches/rawlight',
  logsDir: '/Users/ann/Library/Logs/rawlight',
};

function spec(mode: AgentMode, env: NodeJS.ProcessEnv = {}, nodePath = '/Applications/rawlight/.runtime/node_modules/node/bin/node') {
  return buildAgentSpec({ places, nodePath, cliPath: '/Applications/rawlight/dist/cli/main.js', mode, platform: 'darwin', env });
}

type Dict = Record<string, unknown>;

describe('launchd plist', () => {
  test('parses back key by key (background mode)', () => {
    const text = renderPlist(spec('background'));
    const p = parse(text) as Dict;
    assert.equal(p.Label, 'com.rawlight.agent');
    assert.deepEqual(p.ProgramArguments, ['/Applications/rawlight/.runtime/node_modules/node/bin/node', '/Applications/rawlight/dist/cli/main.js', 'run']);
    assert.equal(p.RunAtLoad, true);
    assert.deepEqual(p.KeepAlive, { SuccessfulExit: false });
    assert.equal(p.ThrottleInterval, 30);
    assert.equal(p.ExitTimeOut, 30);
    assert.equal(p.ProcessType, 'Background');
    assert.equal(p.LowPriorityIO, true);
    assert.deepEqual(p.SoftResourceLimits, { NumberOfFiles: 10240 });
    assert.equal(p.StandardOutPath, '/Users/ann/Library/Logs/rawlight/agent.out.log');
    assert.equal(p.StandardErrorPath, '/Users/ann/Library/Logs/rawlight/agent.err.log');
    assert.equal(p.WorkingDirectory, places.dataDir);
    const env = p.EnvironmentVariables as Dict;
    assert.deepEqual(Object.keys(env).sort(), ['PATH', 'RAWLIGHT_AGENT']);
    assert.equal(env.RAWLIGHT_AGENT, '1');
    assert.equal(env.PATH, '/Applications/rawlight/.runtime/node_modules/node/bin:/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin');
    assert.deepEqual(Object.keys(p).sort(), [
      'EnvironmentVariables', 'ExitTimeOut', 'KeepAlive', 'Label', 'LowPriorityIO', 'ProcessType', 'ProgramArguments', 'RunAtLoad',
      'SoftResourceLimits', 'StandardErrorPath', 'StandardOutPath', 'ThrottleInterval', 'WorkingDirectory',
    ]);
    assert.equal(plistMode(text), 'background');
    if (process.platform === 'darwin') {
      // The brief's extra check where Apple's linter exists (it exists only on macOS).
      const r = spawnSync('plutil', ['-lint', '-'], { input: text });
      assert.equal(r.status, 0, r.stdout.toString() + r.stderr.toString());
    }
  });

  test('turbo mode drops the Background class and low-priority I/O, nothing else', () => {
    const bg = parse(renderPlist(spec('background'))) as Dict;
    const turbo = parse(renderPlist(spec('turbo'))) as Dict;
    assert.equal(turbo.ProcessType, 'Standard');
    assert.equal(turbo.LowPriorityIO, false);
    const { ProcessType: _a, LowPriorityIO: _b, ...restBg } = bg;
    const { ProcessType: _c, LowPriorityIO: _d, ...restTurbo } = turbo;
    assert.deepEqual(restTurbo, restBg);
    assert.equal(plistMode(renderPlist(spec('turbo'))), 'turbo');
  });

  test('RAWLIGHT_HOME and RAWLIGHT_MODELS are carried over only when set, as absolute paths', () => {
    const p = parse(renderPlist(spec('background', { RAWLIGHT_HOME: '/Volumes/Photos Drive/rl', RAWLIGHT_MODELS: '/opt/models' }))) as Dict;
    const env = p.EnvironmentVariables as Dict;
    assert.equal(env.RAWLIGHT_HOME, '/Volumes/Photos Drive/rl');
    assert.equal(env.RAWLIGHT_MODELS, '/opt/models');
  });

  test('paths with XML-special characters survive the round trip', () => {
    const odd = '/Users/ann & bob/<apps>/"rawlight"/node';
    const p = parse(renderPlist(spec('background', { RAWLIGHT_HOME: '/tmp/a&b' }, odd))) as Dict;
    assert.equal((p.ProgramArguments as string[])[0], odd);
    assert.equal((p.EnvironmentVariables as Dict).RAWLIGHT_HOME, '/tmp/a&b');
  });

  test('a template with an unknown placeholder is refused', () => {
    assert.throws(() => renderPlist(spec('background'), '<plist>{{NOPE}}</plist>'), /unknown placeholder \{\{NOPE\}\}/);
  });
});
