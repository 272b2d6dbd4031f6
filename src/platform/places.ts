import os from 'node:os';
import path from 'node:path';

/** Where rawlight keeps its things on this machine. */
export interface Places {
  /** config.json and the API token. */
  configDir: string;
  /** rawlight.db, backups, the daemon lock. */
  dataDir: string;
  /** previews, thumbnails, face crops: all rebuildable. */
  cacheDir: string;
  logsDir: string;
}

export interface PlacesEnv {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  homedir?: string;
}

/**
 * RAWLIGHT_HOME overrides everything (tests and scripts use it). Otherwise the platform's own
 * conventions: ~/Library/... on macOS, the XDG base directories on Linux.
 */
export function resolvePlaces(opts: PlacesEnv = {}): Places {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const home = opts.homedir ?? os.homedir();
  if (env.RAWLIGHT_HOME) {
    const root = path.resolve(env.RAWLIGHT_HOME);
    return { configDir: root, dataDir: root, cacheDir: path.join(root, 'cache'), logsDir: path.join(root, 'logs') };
  }
  if (platform === 'darwin') {
    const lib = path.join(home, 'Library');
    const support = path.join(lib, 'Application Support', 'rawlight');
    return { configDir: support, dataDir: support, cacheDir: path.join(lib, 'Caches', 'rawlight'), logsDir: path.join(lib, 'Logs', 'rawlight') };
  }
  const xdg = (name: string, fallback: string) => (env[name] && path.isAbsolute(env[name]!) ? env[name]! : path.join(home, fallback));
  return {
    configDir: path.join(xdg('XDG_CONFIG_HOME', '.config'), 'rawlight'),
    dataDir: path.join(xdg('XDG_DATA_HOME', '.local/share'), 'rawlight'),
    cacheDir: path.join(xdg('XDG_CACHE_HOME', '.cache'), 'rawlight'),
    logsDir: path.join(xdg('XDG_STATE_HOME', '.local/state'), 'rawlight', 'logs'),
  };
}

/** The default library folder when none is configured. */
export function defaultLibrary(homedir = os.homedir()): string {
  return path.join(homedir, 'Pictures');
}
