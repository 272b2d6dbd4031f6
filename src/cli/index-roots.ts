import { statSync } from 'node:fs';
import { DaemonError } from '../errors/index.js';
import { canonicalPath } from '../platform/canonical-path.js';
import { volumeNotMounted, type LibraryStateOptions } from '../platform/library-state.js';
import { UsageError } from './command.js';

/**
 * The folders `rawlight index` was given, resolved (symlinks too: see canonical-path.ts), each
 * checked before anything opens: a folder on
 * a drive that is not mounted is LIBRARY_OFFLINE saying which volume (an SD card's DCIM before the
 * card is in); a path that is not there, or not a folder, is a mistake in the command.
 */
export function indexRoots(args: readonly string[], opts: LibraryStateOptions = {}): string[] {
  const roots = args.map(canonicalPath);
  for (const r of roots) {
    let isDir: boolean;
    try {
      isDir = statSync(r).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const offline = volumeNotMounted(r, opts);
      if (offline) throw new DaemonError('LIBRARY_OFFLINE', `${r}: ${offline}`);
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`no such folder: ${r}`);
      throw new DaemonError(code === 'EACCES' || code === 'EPERM' ? 'FILE_PERMISSION_DENIED' : 'FILE_NOT_FOUND', `${r}: ${code ?? (e as Error).message}`, { cause: e });
    }
    if (!isDir) throw new UsageError(`${r} is not a folder`);
  }
  return roots;
}
