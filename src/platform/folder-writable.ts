import { accessSync, constants } from 'node:fs';

/** Why files cannot be created in a folder now. */
export interface NotWritable {
  code: 'EROFS' | 'EACCES' | 'EPERM';
  why: string;
}

/**
 * Whether rawlight may create files (a sidecar, its temp file) in `dir`: null when it may, else
 * why not. access(2) answers for the volume too: EROFS on a read-only mount even for root, which
 * is how a photographer's NTFS drive (macOS mounts it read-only), a card with its lock switch on,
 * or a share exported read-only look. A folder that is missing is not this check's business (null:
 * the write reports it as it does today).
 */
export function notWritable(dir: string, access: (p: string, mode: number) => void = accessSync): NotWritable | null {
  try {
    access(dir, constants.W_OK);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EROFS') return { code, why: 'on a read-only volume (an NTFS drive on a Mac, a locked memory card, a share mounted read-only)' };
    if (code === 'EACCES' || code === 'EPERM') return { code, why: 'not writable for this user' };
    return null;
  }
}
