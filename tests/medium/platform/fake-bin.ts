import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Fake executables for the platform tests: each is a tiny Node script placed first on PATH that
 * appends its argv (as one JSON line) to <dir>/<name>.calls and answers according to `behaviour`,
 * a function body given (args, state, env) that returns { code?, stdout?, stderr? }. `state` is a
 * JSON object persisted between calls in <dir>/<name>.state (e.g. "is the service loaded").
 */
export interface FakeBin {
  dir: string;
  /** PATH with the fakes first. */
  path: string;
  calls(name: string): string[][];
  state<T = Record<string, unknown>>(name: string): T;
  setState(name: string, state: Record<string, unknown>): void;
}

export function makeFakeBin(dir: string, fakes: Record<string, string>): FakeBin {
  mkdirSync(dir, { recursive: true });
  for (const [name, behaviour] of Object.entries(fakes)) {
    const log = path.join(dir, `${name}.calls`);
    const stateFile = path.join(dir, `${name}.state`);
    writeFileSync(log, '');
    const script = `#!${process.execPath}
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
let state = {};
try { state = JSON.parse(fs.readFileSync(${JSON.stringify(stateFile)}, 'utf8')); } catch {}
const r = (function (args, state, env) { ${behaviour} })(args, state, process.env) || {};
fs.writeFileSync(${JSON.stringify(stateFile)}, JSON.stringify(state));
if (r.stdout) process.stdout.write(r.stdout);
if (r.stderr) process.stderr.write(r.stderr);
process.exitCode = r.code || 0;
`;
    const file = path.join(dir, name);
    writeFileSync(file, script);
    chmodSync(file, 0o755);
  }
  return {
    dir,
    path: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    calls: (name) =>
      readFileSync(path.join(dir, `${name}.calls`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string[]),
    state: <T,>(name: string) => {
      try {
        return JSON.parse(readFileSync(path.join(dir, `${name}.state`), 'utf8')) as T;
      } catch {
        return {} as T;
      }
    },
    setState: (name, state) => writeFileSync(path.join(dir, `${name}.state`), JSON.stringify(state)),
  };
}

/** launchctl as launchctl 2 behaves, for one service in one gui domain. */
export const FAKE_LAUNCHCTL = `
  const [cmd, ...rest] = args;
  const target = rest[rest.length - 1];
  if (cmd === 'print') {
    if (/^gui\\/\\d+$/.test(target)) return state.noDomain ? { code: 112, stderr: 'Could not find domain' } : { code: 0, stdout: target + ' = {\\n}\\n' };
    if (!state.loaded) return { code: 113, stderr: 'Could not find service "' + target + '" in domain' };
    return { code: 0, stdout: target + ' = {\\n\\tactive count = 1\\n\\tpath = ' + state.plist + '\\n\\tstate = running\\n\\tpid = 4242\\n\\tlast exit code = 0\\n}\\n' };
  }
  if (cmd === 'bootout') {
    if (!state.loaded) return { code: 3, stderr: 'Boot-out failed: 3: No such process' };
    state.loaded = false; return { code: 0 };
  }
  if (cmd === 'enable') return { code: 0 };
  if (cmd === 'bootstrap') {
    if (state.failBootstrap > 0) { state.failBootstrap--; return { code: 5, stderr: 'Bootstrap failed: 5: Input/output error' }; }
    if (state.loaded) return { code: 5, stderr: 'Bootstrap failed: 5: Input/output error' };
    if (!fs.existsSync(target)) return { code: 2, stderr: 'no such file' };
    state.loaded = true; state.plist = target; state.bootstraps = (state.bootstraps || 0) + 1;
    state.loadedText = fs.readFileSync(target, 'utf8');
    return { code: 0 };
  }
  if (cmd === 'kickstart') return state.loaded ? { code: 0 } : { code: 113, stderr: 'Could not find service' };
  return { code: 64, stderr: 'unknown ' + cmd };
`;

/** systemctl --user for one unit. */
export const FAKE_SYSTEMCTL = `
  if (args[0] !== '--user') return { code: 64, stderr: 'expected --user' };
  const [cmd, ...rest] = args.slice(1);
  const unitFile = (env.XDG_CONFIG_HOME || (env.HOME + '/.config')) + '/systemd/user/rawlight.service';
  if (cmd === 'is-system-running') return state.offline ? { code: 1, stdout: 'offline\\n' } : { code: 0, stdout: 'running\\n' };
  if (cmd === 'show') {
    const known = fs.existsSync(unitFile) && state.reloaded;
    return { code: 0, stdout: [
      'LoadState=' + (known ? 'loaded' : 'not-found'),
      'ActiveState=' + (state.active ? 'active' : 'inactive'),
      'SubState=' + (state.active ? 'running' : 'dead'),
      'MainPID=' + (state.active ? '4343' : '0'),
      'ExecMainStatus=0',
      'UnitFileState=' + (state.enabled ? 'enabled' : 'disabled'),
    ].join('\\n') + '\\n' };
  }
  if (cmd === 'daemon-reload') { state.reloaded = fs.existsSync(unitFile); state.reloads = (state.reloads || 0) + 1; return { code: 0 }; }
  if (cmd === 'enable') {
    if (!fs.existsSync(unitFile) || !state.reloaded) return { code: 1, stderr: 'Unit rawlight.service not found.' };
    state.enabled = true; if (rest.includes('--now') && !state.active) { state.active = true; state.starts = (state.starts || 0) + 1; }
    return { code: 0 };
  }
  if (cmd === 'restart') { if (!state.reloaded) return { code: 5, stderr: 'not found' }; state.active = true; state.restarts = (state.restarts || 0) + 1; return { code: 0 }; }
  if (cmd === 'disable') { state.enabled = false; if (rest.includes('--now')) state.active = false; return { code: 0 }; }
  return { code: 64, stderr: 'unknown ' + cmd };
`;
