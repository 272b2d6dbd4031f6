import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';

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
}

/** "Show in Finder": `open -R file` on macOS; on Linux the folder through xdg-open, when there is one. */
export function createRevealer(opts: RevealOptions = {}): (file: string) => Promise<{ revealed: boolean; how: string }> {
  const platform = opts.platform ?? process.platform;
  const run = opts.run ?? execRunner;
  const xdg = opts.xdgOpen ?? '/usr/bin/xdg-open';
  return async (file) => {
    if (platform === 'darwin') {
      await run('/usr/bin/open', ['-R', file]);
      return { revealed: true, how: 'open -R' };
    }
    if (platform === 'linux') {
      const ok = await access(xdg, constants.X_OK).then(() => true, () => false);
      if (!ok) return { revealed: false, how: 'no xdg-open on this machine' };
      await run(xdg, [path.dirname(file)]);
      return { revealed: true, how: 'xdg-open' };
    }
    return { revealed: false, how: `not supported on ${platform}` };
  };
}
