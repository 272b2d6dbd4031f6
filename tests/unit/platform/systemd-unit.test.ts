import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildAgentSpec, type AgentMode } from '../../../src/platform/agent.js';
import { execArg, renderUnit, unitMode } from '../../../src/platform/linux/systemd-unit.js';

/** A reader of systemd's quoting (the subset used: double quotes, backslash escapes, %%, $$). */
function splitExec(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    let word = '';
    if (line[i] === '"') {
      i++;
      while (line[i] !== '"') {
        if (line[i] === '\\') i++;
        word += line[i++];
      }
      i++;
    } else while (i < line.length && line[i] !== ' ') word += line[i++];
    out.push(word.replace(/%%/g, '%').replace(/\$\$/g, '$'));
  }
  return out;
}

const places = { configDir: '/home/ann/.config/rawlight', dataDir: '/home/ann/.local/share/rawlight', cacheDir: '/home/ann/.cache/rawlight', logsDir: '/home/ann/.local/state/rawlight/logs' };
const spec = (mode: AgentMode, nodePath = '/opt/rawlight/.runtime/node_modules/node/bin/node', env: NodeJS.ProcessEnv = {}) =>
  buildAgentSpec({ places, nodePath, cliPath: '/opt/rawlight/dist/cli/main.js', mode, platform: 'linux', env });

function directive(text: string, key: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1));
}

describe('systemd user unit', () => {
  test('background mode: the service, restart policy, limits and low priority', () => {
    const u = renderUnit(spec('background'));
    assert.deepEqual(splitExec(directive(u, 'ExecStart')[0]!), ['/opt/rawlight/.runtime/node_modules/node/bin/node', '/opt/rawlight/dist/cli/main.js', 'run']);
    assert.deepEqual(directive(u, 'Restart'), ['on-failure']);
    assert.deepEqual(directive(u, 'RestartSec'), ['30']);
    assert.deepEqual(directive(u, 'KillMode'), ['mixed']);
    assert.deepEqual(directive(u, 'LimitNOFILE'), ['10240']);
    assert.deepEqual(directive(u, 'Nice'), ['10']);
    assert.deepEqual(directive(u, 'IOSchedulingClass'), ['idle']);
    assert.deepEqual(directive(u, 'WantedBy'), ['default.target']);
    assert.deepEqual(directive(u, 'WorkingDirectory'), [places.dataDir]);
    assert.equal(unitMode(u), 'background');
  });

  test('turbo mode has no priority lowering', () => {
    const u = renderUnit(spec('turbo'));
    assert.deepEqual(directive(u, 'Nice'), []);
    assert.deepEqual(directive(u, 'IOSchedulingClass'), []);
    assert.deepEqual(directive(u, 'CPUSchedulingPolicy'), []);
    assert.equal(unitMode(u), 'turbo');
  });

  test('odd paths are quoted so systemd reads them back verbatim', () => {
    const odd = '/home/ann/my apps/100% "node"/$HOME\\bin/node';
    const u = renderUnit(spec('background', odd, { RAWLIGHT_HOME: '/home/ann/photo db' }));
    assert.equal(splitExec(directive(u, 'ExecStart')[0]!)[0], odd);
    const envs = directive(u, 'Environment').map((e) => splitExec(e)[0]);
    assert.ok(envs.includes('RAWLIGHT_HOME=/home/ann/photo db'), envs.join(' | '));
    assert.ok(envs.includes('RAWLIGHT_AGENT=1'));
    assert.equal(execArg('plain'), 'plain');
  });
});
