import { statSync } from 'node:fs';
import { volumeNotMounted } from '../platform/library-state.js';

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
