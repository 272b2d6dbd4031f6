import { DaemonError } from '../errors/index.js';
import type { CommandRunner } from './runner.js';

/**
 * Whether a window can be opened: always on macOS (a login session has the window server); on
 * Linux only with a display (X11 or Wayland); a server over ssh has neither, and xdg-open would
 * fail there with a message nobody can act on.
 */
export function hasDesktop(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  if (platform === 'darwin') return true;
  if (platform !== 'linux') return false;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

export interface UrlOpenerOptions {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  runner: CommandRunner;
}

/**
 * Opens a URL or a file in the user's browser / default app: `open X` on macOS, `xdg-open X` on Linux. Without a
 * desktop, or when the command fails, a PLATFORM_NO_DESKTOP / PLATFORM_COMMAND_FAILED error says
 * what to do instead (`rawlight open --print`).
 */
export function createUrlOpener(opts: UrlOpenerOptions): (url: string) => Promise<void> {
  return async (target) => {
    if (!hasDesktop(opts.platform, opts.env)) {
      throw new DaemonError('PLATFORM_NO_DESKTOP', 'no desktop session here (no DISPLAY or WAYLAND_DISPLAY): run `rawlight open --print` and open the URL in a browser on this machine');
    }
    const cmd = opts.platform === 'darwin' ? 'open' : 'xdg-open';
    const r = await opts.runner(cmd, [target]);
    if (r.code === 127) throw new DaemonError('PLATFORM_NO_DESKTOP', `${cmd} is not installed: run \`rawlight open --print\` and open the URL in a browser`);
    if (r.code !== 0) throw new DaemonError('PLATFORM_COMMAND_FAILED', `${cmd} exited with ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}; run \`rawlight open --print\` instead`);
  };
}
