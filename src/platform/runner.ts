import { spawn } from 'node:child_process';

export interface RunResult {
  /** Exit code; 127 when the command does not exist, -1 when killed by a signal or the timeout. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the command after this long (default 30 s). */
  timeoutMs?: number;
  /** Written to the command's stdin, then closed. */
  input?: string;
}

/**
 * How the platform layer runs every external command (launchctl, systemctl, stat, open, ...).
 * Injectable so tests can put fake executables first on PATH and check what was asked of them.
 * Never throws for a failing command: callers read `code` (the failure is data).
 */
export type CommandRunner = (cmd: string, args: readonly string[], opts?: RunOptions) => Promise<RunResult>;

export interface RunnerDefaults {
  /** Environment for every command (PATH decides which executables are found). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** The real runner: spawn without a shell, so arguments are passed verbatim (spaces, newlines). */
export function createRunner(defaults: RunnerDefaults = {}): CommandRunner {
  return (cmd, args, opts = {}) =>
    new Promise<RunResult>((resolve) => {
      const child = spawn(cmd, args, {
        env: opts.env ?? defaults.env ?? process.env,
        ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: opts.timeoutMs ?? defaults.timeoutMs ?? 30_000,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      let settled = false;
      const finish = (code: number, extraErr = '') => {
        if (settled) return;
        settled = true;
        resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') + extraErr });
      };
      child.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ENOENT' ? 127 : -1, `${cmd}: ${e.message}`));
      child.on('close', (code) => finish(code ?? -1));
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input ?? '');
    });
}
