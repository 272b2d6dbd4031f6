import { libraryStatus, type LibraryStateOptions, type LibraryStatus } from './library-state.js';

export type PermissionState = 'granted' | 'denied' | 'not-determined';

export interface PermissionReport {
  /** Overall answer for the libraries configured. */
  state: PermissionState;
  /** macOS Full Disk Access as node-mac-permissions reports it (Linux: not-applicable). */
  fullDiskAccess: PermissionState | 'not-applicable';
  /** The binary the grant must name. */
  binaryPath: string;
  libraries: LibraryStatus[];
  /** How to grant access (empty when nothing is needed). */
  steps: string[];
  detail: string;
}

export interface Permissions {
  /** The exact binary that reads the photos (Full Disk Access is granted to it, not to rawlight). */
  binaryPath(): string;
  /** Steps for the user, naming the exact binary. */
  grantSteps(): string[];
  /**
   * Self-check, meant to run inside the daemon's own process (TCC answers per process: a check made
   * from Terminal says nothing about the launchd agent).
   */
  check(roots: readonly string[]): Promise<PermissionReport>;
}

/** The subset of node-mac-permissions used here. */
export interface MacPermissionsModule {
  getAuthStatus(type: string): string;
}

export interface PermissionsOptions {
  platform: NodeJS.Platform;
  binaryPath: string;
  /** Loads node-mac-permissions (optional dependency, darwin only); null when absent. */
  loadMacPermissions?: () => Promise<MacPermissionsModule | null>;
  libraryOptions?: LibraryStateOptions;
}

/** Dynamic import by a variable name: the package is only installed on macOS and must not be resolved elsewhere. */
export async function loadNodeMacPermissions(): Promise<MacPermissionsModule | null> {
  const name = 'node-mac-permissions';
  try {
    const mod = (await import(name)) as { default?: MacPermissionsModule } & Partial<MacPermissionsModule>;
    const api = typeof mod.getAuthStatus === 'function' ? (mod as MacPermissionsModule) : mod.default;
    return api && typeof api.getAuthStatus === 'function' ? api : null;
  } catch {
    return null;
  }
}

function mapMacStatus(s: string | undefined): PermissionState {
  if (s === 'authorized') return 'granted';
  if (s === 'denied' || s === 'restricted') return 'denied';
  return 'not-determined';
}

export function createPermissions(opts: PermissionsOptions): Permissions {
  const darwin = opts.platform === 'darwin';
  const load = opts.loadMacPermissions ?? loadNodeMacPermissions;

  const grantSteps = (): string[] =>
    darwin
      ? [
          'Open System Settings → Privacy & Security → Full Disk Access (or run: open "x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles").',
          `Click +, press ⌘⇧G, paste ${opts.binaryPath} and choose Open; make sure its switch is on.`,
          'Restart the daemon: rawlight agent restart',
        ]
      : ['Make each library folder readable by the user the daemon runs as (ls -ld <folder>; fix with chmod/chown or the mount options).', 'Then: rawlight agent restart'];

  return {
    binaryPath: () => opts.binaryPath,
    grantSteps,
    async check(roots) {
      const libraries = await Promise.all(roots.map((r) => libraryStatus(r, opts.libraryOptions ?? { platform: opts.platform })));
      let fullDiskAccess: PermissionReport['fullDiskAccess'] = 'not-applicable';
      if (darwin) {
        const mod = await load();
        // node-mac-permissions tests FDA by reading a Safari file, which may simply not exist:
        // "not determined" is then normal, and the real reads of the library roots decide.
        let raw: string | undefined;
        try {
          raw = mod?.getAuthStatus('full-disk-access');
        } catch {
          raw = undefined;
        }
        fullDiskAccess = mapMacStatus(raw);
      }
      const denied = libraries.filter((l) => l.state === 'denied');
      const online = libraries.filter((l) => l.state === 'online');
      let state: PermissionState;
      let detail: string;
      if (denied.length > 0) {
        state = 'denied';
        detail = `cannot read ${denied.map((l) => l.root).join(', ')}`;
      } else if (online.length > 0) {
        state = 'granted';
        detail = `all ${online.length} online librar${online.length === 1 ? 'y is' : 'ies are'} readable`;
      } else if (fullDiskAccess === 'not-applicable') {
        state = 'granted';
        detail = 'no online library to check';
      } else {
        state = fullDiskAccess;
        detail = `no online library to check; Full Disk Access: ${fullDiskAccess}`;
      }
      return { state, fullDiskAccess, binaryPath: opts.binaryPath, libraries, steps: state === 'granted' ? [] : grantSteps(), detail };
    },
  };
}
