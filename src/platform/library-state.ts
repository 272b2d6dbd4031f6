import { lstatSync, readFileSync, statSync } from 'node:fs';
import { opendir } from 'node:fs/promises';
import path from 'node:path';
import { parseProcMounts } from './mount-table.js';

/**
 * online: readable now. offline: on a volume that is not mounted (or the folder is missing), so its
 * files are kept as they are and rechecked later, never marked deleted. denied: exists, but the OS
 * refuses to list it (macOS privacy settings, or POSIX permissions).
 */
export type LibraryState = 'online' | 'offline' | 'denied';

export interface LibraryStatus {
  root: string;
  state: LibraryState;
  reason: string;
}

export interface LibraryStateOptions {
  platform?: NodeJS.Platform;
  /** Reads /etc/fstab and /proc/self/mounts (tests pass their own). Null = unreadable. */
  readText?: (file: string) => string | null;
}

function readTextFile(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Mount targets listed in an fstab/mounts text (second column). */
export function mountTargets(text: string): string[] {
  return parseProcMounts(text).map((m) => path.resolve(m.target));
}

const isUnder = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/** Why the root's volume is not mounted, or null if it is (or we cannot tell). */
export function volumeNotMounted(rootIn: string, opts: LibraryStateOptions = {}): string | null {
  return unmountedVolume(path.resolve(rootIn), opts.platform ?? process.platform, opts.readText ?? readTextFile);
}

function unmountedVolume(root: string, platform: NodeJS.Platform, readText: (f: string) => string | null): string | null {
  if (platform === 'darwin') {
    const m = /^\/Volumes\/([^/]+)/.exec(root);
    if (!m) return null;
    const volume = `/Volumes/${m[1]}`;
    try {
      const lst = lstatSync(volume);
      if (lst.isSymbolicLink()) return null; // the boot volume's alias to /
      // A leftover folder under /Volumes (same device as /Volumes) is not a mounted drive.
      if (statSync(volume).dev === statSync('/Volumes').dev) return `volume "${m[1]}" is not mounted`;
      return null;
    } catch {
      return `volume "${m[1]}" is not mounted`;
    }
  }
  // Linux: a mount point from /etc/fstab that the root lives under but that is not mounted now.
  // Its empty folder would otherwise look like a library whose photos were all deleted.
  const fstab = readText('/etc/fstab');
  const mounts = readText('/proc/self/mounts');
  if (fstab === null || mounts === null) return null;
  const mounted = new Set(mountTargets(mounts));
  const expected = mountTargets(fstab)
    .filter((t) => t !== '/' && isUnder(root, t))
    .sort((a, b) => b.length - a.length);
  for (const t of expected) if (!mounted.has(t)) return `mount point ${t} (from /etc/fstab) is not mounted`;
  return null;
}

export async function libraryStatus(rootIn: string, opts: LibraryStateOptions = {}): Promise<LibraryStatus> {
  const platform = opts.platform ?? process.platform;
  const root = path.resolve(rootIn);
  const why = unmountedVolume(root, platform, opts.readText ?? readTextFile);
  if (why) return { root, state: 'offline', reason: why };
  try {
    // A real read (not just stat): macOS privacy protection only shows when listing the folder.
    const dir = await opendir(root);
    try {
      await dir.read();
    } finally {
      await dir.close().catch(() => {});
    }
    return { root, state: 'online', reason: 'readable' };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { root, state: 'denied', reason: `listing the folder was refused (${code})` };
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { root, state: 'offline', reason: 'the folder is missing (an unmounted drive, or moved); its photos are kept, not treated as deleted' };
    }
    return { root, state: 'offline', reason: `the folder cannot be read (${code ?? (e as Error).message})` };
  }
}

/** 'online' | 'offline' | 'denied' for a library root. */
export async function libraryState(root: string, opts: LibraryStateOptions = {}): Promise<LibraryState> {
  return (await libraryStatus(root, opts)).state;
}

/** Why a library root cannot be walked now: its drive away (offline) or its folder not readable (denied). */
export interface RootAway {
  state: 'offline' | 'denied';
  code: string | undefined;
  why: string;
}

/**
 * Whether a library root is there to be walked, before anything under it is taken as deleted. A
 * drive unplugged removes its folder (macOS' /Volumes/NAME, udisks' /media/USER/NAME); a folder
 * left where a volume is not mounted (a stray /Volumes/NAME, an fstab mount point) is empty and
 * would read as a library whose photos were all deleted: both are offline, their photos kept.
 * `unmounted` is the platform's mount check (tests pass their own).
 */
export function rootAway(root: string, unmounted: (root: string) => string | null = volumeNotMounted): RootAway | null {
  try {
    if (!statSync(root).isDirectory()) return { state: 'offline', code: 'ENOTDIR', why: 'the library path is not a folder' };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { state: 'denied', code, why: 'the library folder may not be read (permission denied)' };
    return { state: 'offline', code, why: 'the library folder is missing (an unplugged drive?)' };
  }
  const why = unmounted(root);
  return why ? { state: 'offline', code: undefined, why } : null;
}
