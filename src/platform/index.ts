import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { DaemonError } from '../errors/index.js';
import { buildAgentSpec, isSettled, type Agent, type AgentMode, type AgentSpec } from './agent.js';
import { cliEntryPath, defaultAppRoot, resolveNodeBinary } from './app-paths.js';
import { createLaunchdAgent } from './darwin/launchd-agent.js';
import { createDatalessProbe, type DatalessProbe } from './dataless.js';
import { libraryState, libraryStatus, type LibraryState, type LibraryStatus } from './library-state.js';
import { createSystemdAgent } from './linux/systemd-agent.js';
import { createPermissions, type MacPermissionsModule, type Permissions } from './permissions.js';
import type { Places } from './places.js';
import { createRunner, type CommandRunner } from './runner.js';
import { readWatchLimits, type WatchLimits } from './watch-limits.js';
import { lowerCpuPriority, type CpuPriorityDeps, type CpuPriorityResult } from './cpu-priority.js';

export type { Agent, AgentMode, AgentSpec, AgentStatus, InstallResult, SettleResult } from './agent.js';
export { AGENT_LABEL, SYSTEMD_UNIT, buildAgentSpec } from './agent.js';
export { renderPlist, plistMode } from './darwin/plist.js';
export { renderUnit, unitMode } from './linux/systemd-unit.js';
export type { DatalessProbe } from './dataless.js';
export { createDatalessProbe } from './dataless.js';
export type { LibraryState, LibraryStatus } from './library-state.js';
export { libraryState, libraryStatus } from './library-state.js';
export type { PermissionReport, PermissionState, Permissions } from './permissions.js';
export type { CommandRunner, RunResult, RunOptions } from './runner.js';
export { createRunner } from './runner.js';
export type { WatchLimits } from './watch-limits.js';
export type { CpuPriorityResult } from './cpu-priority.js';
export { resolveNodeBinary, pinnedNodePath, cliEntryPath, defaultAppRoot } from './app-paths.js';

/** Everything rawlight asks of the operating system, behind one interface per platform. */
export interface Platform {
  readonly name: 'darwin' | 'linux';
  /** The daemon as a login service (launchd agent / systemd user unit). */
  readonly agent: Agent;
  /** iCloud placeholder probe (a no-op on Linux). */
  readonly dataless: DatalessProbe;
  readonly permissions: Permissions;
  /** Shows a file in the file manager (macOS: selected in Finder; Linux: its folder). */
  reveal(target: string): Promise<void>;
  watchLimits(): Promise<WatchLimits>;
  /** Puts this process's CPU work behind the user's apps (nice on Linux; launchd's ProcessType on macOS). */
  lowerCpuPriority(): CpuPriorityResult;
  libraryState(root: string): Promise<LibraryState>;
  libraryStatus(root: string): Promise<LibraryStatus>;
  /** The spec the agent definition is rendered from (paths shown by doctor). */
  agentSpec(mode?: AgentMode): AgentSpec;
}

export interface PlatformOptions {
  places: Places;
  /** config.agent.turbo: install without background throttling until the first import settles. */
  turbo?: boolean;
  /** Override for tests (e.g. the darwin code paths on Linux with fake executables). */
  platform?: NodeJS.Platform;
  runner?: CommandRunner;
  env?: NodeJS.ProcessEnv;
  homedir?: string;
  uid?: number;
  /** The installed rawlight folder (default: found from this module). */
  appRoot?: string;
  /** The Node binary the agent starts (default: the pinned one, realpath'd). */
  nodePath?: string;
  log?: Logger;
  sleep?: (ms: number) => Promise<void>;
  loadMacPermissions?: () => Promise<MacPermissionsModule | null>;
  /** `stat` for the dataless probe (default /usr/bin/stat: BSD stat, not a GNU one on PATH). */
  statPath?: string;
  /** Fakes for the priority calls (tests). */
  setPriority?: CpuPriorityDeps['setPriority'];
  threadIds?: CpuPriorityDeps['threadIds'];
}

/** Linux niceness is per thread: apply to every thread of this process. */
function threadIds(): string[] {
  try {
    return readdirSync('/proc/self/task');
  } catch {
    return [String(process.pid)];
  }
}

export function createPlatform(opts: PlatformOptions): Platform {
  const name: 'darwin' | 'linux' = (opts.platform ?? process.platform) === 'darwin' ? 'darwin' : 'linux';
  const env = opts.env ?? process.env;
  const runner = opts.runner ?? createRunner({ env });
  const homedir = opts.homedir ?? os.homedir();
  const uid = opts.uid ?? process.getuid?.() ?? 0;
  const appRoot = opts.appRoot ?? defaultAppRoot();
  const nodePath = opts.nodePath ?? resolveNodeBinary(appRoot);
  const places = opts.places;
  const log = opts.log;

  const agentSpec = (mode: AgentMode = defaultMode()) =>
    buildAgentSpec({ places, nodePath, cliPath: cliEntryPath(appRoot), mode, platform: name, env });
  function defaultMode(): AgentMode {
    return opts.turbo && !isSettled(places) ? 'turbo' : 'background';
  }

  /** In-place equivalent of the Background class for the daemon already running. */
  async function demote(): Promise<void> {
    const ids = name === 'linux' ? threadIds() : [String(process.pid)];
    for (const id of ids) {
      try {
        os.setPriority(Number(id), 10);
      } catch {
        // a thread that just ended
      }
    }
    const r = name === 'darwin' ? await runner('taskpolicy', ['-b', '-p', String(process.pid)]) : await runner('ionice', ['-c', '3', '-p', ...ids]);
    if (r.code !== 0) log?.warn({ code: r.code, stderr: r.stderr.trim() }, 'could not lower I/O priority in place; it applies from the next start');
  }

  const deps = {
    runner,
    places,
    homedir,
    uid,
    specFor: (mode: AgentMode) => agentSpec(mode),
    defaultMode,
    demote,
    isAgentProcess: env.RAWLIGHT_AGENT === '1',
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  };
  const agent = name === 'darwin' ? createLaunchdAgent(deps) : createSystemdAgent({ ...deps, env });
  const libOpts = { platform: name };

  return {
    name,
    agent,
    dataless: createDatalessProbe(runner, { platform: name, ...(opts.statPath ? { statPath: opts.statPath } : {}) }),
    permissions: createPermissions({
      platform: name,
      binaryPath: nodePath,
      libraryOptions: libOpts,
      ...(opts.loadMacPermissions ? { loadMacPermissions: opts.loadMacPermissions } : {}),
    }),
    async reveal(target) {
      const abs = path.resolve(target);
      let args: [string, string[]];
      if (name === 'darwin') args = ['open', ['-R', abs]];
      else {
        let dir = path.dirname(abs);
        try {
          if (statSync(abs).isDirectory()) dir = abs;
        } catch {
          // gone: show the folder it was in
        }
        args = ['xdg-open', [dir]];
      }
      const r = await runner(args[0], args[1]);
      if (r.code !== 0) {
        throw new DaemonError('PLATFORM_COMMAND_FAILED', `${args[0]} ${args[1].join(' ')} exited with ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}`);
      }
    },
    watchLimits: () => readWatchLimits({ platform: name, runner, uid }),
    lowerCpuPriority: () =>
      lowerCpuPriority({
        platform: name,
        isAgentProcess: env.RAWLIGHT_AGENT === '1',
        ...(opts.setPriority ? { setPriority: opts.setPriority } : {}),
        ...(opts.threadIds ? { threadIds: opts.threadIds } : {}),
      }),
    libraryState: (root) => libraryState(root, libOpts),
    libraryStatus: (root) => libraryStatus(root, libOpts),
    agentSpec,
  };
}
export type { CheckResult } from './doctor-checks.js';
export { agentCheck, permissionsCheck, watchLimitsCheck, diskSpaceCheck, logLocationCheck, privateFilesCheck, platformChecks } from './doctor-checks.js';
export { applyPrivateUmask, tightenPrivateFiles, looseModes } from './private-files.js';
