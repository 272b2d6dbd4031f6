import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { DaemonError } from '../errors/index.js';
import { hasDesktop } from '../platform/desktop.js';

/** Runs a program without a shell (arguments are never interpreted). */
export type CommandRunner = (cmd: string, args: readonly string[]) => Promise<void>;

export const execRunner: CommandRunner = (cmd, args) =>
  new Promise((resolve, reject) => {
    execFile(cmd, [...args], { timeout: 10_000 }, (err) => (err ? reject(err) : resolve()));
  });

export interface RevealOptions {
  platform?: NodeJS.Platform;
  run?: CommandRunner;
  /** Where to look for xdg-open on Linux. */
  xdgOpen?: string;
  env?: NodeJS.ProcessEnv;
}

/** "Show in Finder": `open -R file` on macOS; on Linux the folder through xdg-open, when there is one. */
export function createRevealer(opts: RevealOptions = {}): (file: string) => Promise<{ revealed: boolean; how: string }> {
  const platform = opts.platform ?? process.platform;
  const run = opts.run ?? execRunner;
  const xdg = opts.xdgOpen ?? '/usr/bin/xdg-open';
  const env = opts.env ?? process.env;
  // A failing command is the desktop's trouble, not ours: a clear error, never a 500.
  const runOrExplain = (cmd: string, args: string[]) =>
    run(cmd, args).catch((e: unknown) => {
      throw new DaemonError('PLATFORM_COMMAND_FAILED', `${path.basename(cmd)} could not show the file: ${(e as Error).message.split('\n')[0]}`);
    });
  return async (file) => {
    if (platform === 'darwin') {
      await runOrExplain('/usr/bin/open', ['-R', file]);
      return { revealed: true, how: 'open -R' };
    }
    if (platform === 'linux') {
      if (!hasDesktop(platform, env)) throw new DaemonError('PLATFORM_NO_DESKTOP', 'No desktop session on this machine (no DISPLAY): cannot show the file in a file manager');
      const ok = await access(xdg, constants.X_OK).then(() => true, () => false);
      if (!ok) return { revealed: false, how: 'no xdg-open on this machine' };
      await runOrExplain(xdg, [path.dirname(file)]);
      return { revealed: true, how: 'xdg-open' };
    }
    return { revealed: false, how: `not supported on ${platform}` };
  };
}
