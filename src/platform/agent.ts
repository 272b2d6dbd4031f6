import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DaemonError } from '../errors/index.js';
import { allocatorEnv } from './allocator-env.js';
import type { Places } from './places.js';
import type { CommandRunner, RunResult } from './runner.js';

export const AGENT_LABEL = 'com.rawlight.agent';
export const SYSTEMD_UNIT = 'rawlight.service';
/** Marker in the data folder: the first big import is over, so `install` uses the steady-state mode. */
export const SETTLED_MARKER = 'agent-settled';

export type AgentManager = 'launchd' | 'systemd' | 'none';
/** turbo = no background throttling (first big import); background = steady state. */
export type AgentMode = 'turbo' | 'background';

/** Everything the plist and the systemd unit are rendered from. */
export interface AgentSpec {
  label: string;
  /** Absolute, realpath'd Node binary (the one Full Disk Access must be granted to). */
  nodePath: string;
  /** Absolute path of the compiled CLI (dist/cli/main.js). */
  cliPath: string;
  /** Arguments after the CLI path. */
  args: string[];
  workingDirectory: string;
  logsDir: string;
  env: Record<string, string>;
  mode: AgentMode;
  /** Raised soft limit for open files (watchers, sqlite, exiftool pipes). */
  numberOfFiles: number;
  /** Minimum seconds between restarts after a crash. */
  throttleInterval: number;
  /** Seconds launchd/systemd wait after SIGTERM before SIGKILL: the daemon's bounded shutdown fits in it. */
  exitTimeout: number;
}

export interface AgentSpecInput {
  places: Places;
  nodePath: string;
  cliPath: string;
  mode: AgentMode;
  platform: NodeJS.Platform;
  /** The installing shell's environment (RAWLIGHT_HOME / RAWLIGHT_MODELS are carried over when set). */
  env: NodeJS.ProcessEnv;
}

/**
 * launchd starts agents with a minimal PATH, so it is set explicitly: Node's own folder first (for
 * any child `node`), Homebrew, then the system folders (perl for exiftool, sips, heif-convert).
 */
export function agentPath(nodePath: string, platform: NodeJS.Platform): string {
  const dirs = [path.dirname(nodePath)];
  if (platform === 'darwin') dirs.push('/opt/homebrew/bin');
  dirs.push('/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin');
  return [...new Set(dirs)].join(':');
}

export function buildAgentSpec(input: AgentSpecInput): AgentSpec {
  const env: Record<string, string> = { PATH: agentPath(input.nodePath, input.platform), RAWLIGHT_AGENT: '1' };
  for (const k of ['RAWLIGHT_HOME', 'RAWLIGHT_MODELS'] as const) {
    const v = input.env[k];
    if (v) env[k] = path.resolve(v);
  }
  // glibc's arenas otherwise keep what the ML threads freed (see allocator-env.ts).
  Object.assign(env, allocatorEnv(input.platform, input.env));
  return {
    label: AGENT_LABEL,
    nodePath: input.nodePath,
    cliPath: input.cliPath,
    args: ['run'],
    workingDirectory: input.places.dataDir,
    logsDir: input.places.logsDir,
    env,
    mode: input.mode,
    numberOfFiles: 10240,
    throttleInterval: 30,
    exitTimeout: 30,
  };
}

export interface AgentStatus {
  manager: AgentManager;
  /** The plist / unit file exists. */
  installed: boolean;
  /** launchd/systemd knows the service. */
  loaded: boolean;
  running: boolean;
  pid: number | null;
  lastExitCode: number | null;
  /** Where the plist / unit lives (null when there is no service manager). */
  definitionPath: string | null;
  /** The installed file is what `install` would write now (same binary, paths, mode). */
  upToDate: boolean;
  /** Mode of the installed file, when installed. */
  mode: AgentMode | null;
  /** One human line. */
  detail: string;
}

export interface InstallResult {
  /** False when the same definition was already installed and loaded: nothing was touched. */
  changed: boolean;
  definitionPath: string;
  mode: AgentMode;
}

export interface SettleResult {
  changed: boolean;
  reason: string;
}

/** The daemon as a login service: launchd on macOS, a systemd user unit on Linux. */
export interface Agent {
  readonly manager: AgentManager;
  /** Whether the service manager can be used here (a logged-in launchd domain, a running user systemd). */
  available(): Promise<boolean>;
  definitionPath(): string | null;
  /** The plist / unit text `install` would write. */
  render(mode?: AgentMode): string;
  install(opts?: { mode?: AgentMode }): Promise<InstallResult>;
  uninstall(): Promise<{ removed: boolean }>;
  status(): Promise<AgentStatus>;
  restart(): Promise<void>;
  /**
   * Called by the daemon when its queue is empty: if the installed definition is in turbo mode,
   * rewrite it in background mode and demote the running process in place. It never stops or
   * restarts the service (that would SIGTERM the daemon calling it): the file applies from the
   * next start. Cheap to call often.
   */
  settle(): Promise<SettleResult>;
}

/** Writes through a temp file and rename, so launchd/systemd never read half a definition. */
export function writeAtomic(file: string, text: string, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}

export function readIfExists(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function isSettled(places: Places): boolean {
  return existsSync(path.join(places.dataDir, SETTLED_MARKER));
}

export function markSettled(places: Places): void {
  mkdirSync(places.dataDir, { recursive: true });
  writeFileSync(path.join(places.dataDir, SETTLED_MARKER), `${new Date().toISOString()}\n`);
}

export function clearSettled(places: Places): void {
  rmSync(path.join(places.dataDir, SETTLED_MARKER), { force: true });
}

export interface ServiceAgentDeps {
  runner: CommandRunner;
  places: Places;
  homedir: string;
  uid: number;
  /** The spec for a mode (paths, env). */
  specFor: (mode: AgentMode) => AgentSpec;
  /** Mode `install` uses when none is asked for (turbo until the first import settled). */
  defaultMode: () => AgentMode;
  /** Lowers the running daemon's CPU/I-O priority in place (called by settle() inside the agent). */
  demote: () => Promise<void>;
  /** True inside the daemon launchd/systemd started (RAWLIGHT_AGENT=1 in its environment). */
  isAgentProcess: boolean;
  sleep?: (ms: number) => Promise<void>;
  /** Template text override (tests). */
  template?: string;
}

export function assertBuilt(spec: AgentSpec): void {
  const missing = [spec.nodePath, spec.cliPath].filter((p) => !existsSync(p));
  if (missing.length > 0) throw new DaemonError('AGENT_NOT_BUILT', missing.join(', '));
}

export function commandFailed(what: string, r: RunResult): DaemonError {
  const out = (r.stderr || r.stdout).trim();
  return new DaemonError('PLATFORM_COMMAND_FAILED', `${what} exited with ${r.code}${out ? `: ${out}` : ''}`, {
    details: { code: r.code, stderr: r.stderr, stdout: r.stdout },
  });
}

