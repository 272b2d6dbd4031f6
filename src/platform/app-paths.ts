import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** The installed rawlight folder (holds .runtime/, dist/, launchd/), found from this module (src/ or dist/). */
export function defaultAppRoot(): string {
  return path.resolve(import.meta.dirname, '..', '..');
}

/** The project's pinned Node (the `node` npm package keeps this path across Node updates). */
export function pinnedNodePath(appRoot: string): string {
  return path.join(appRoot, '.runtime', 'node_modules', 'node', 'bin', 'node');
}

/** The compiled CLI that `rawlight run` starts from. */
export function cliEntryPath(appRoot: string): string {
  return path.join(appRoot, 'dist', 'cli', 'main.js');
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * The exact binary launchd/systemd start, and so the one macOS grants Full Disk Access to.
 * Symlinks are resolved because exec (and so TCC) sees the real file, never the link: granting the
 * link's path would not help. The pinned path is a hard-linked file that `npm` replaces in place,
 * so it stays the same across Node updates. Without a pinned Node (a development checkout), the
 * Node running now is used.
 */
export function resolveNodeBinary(appRoot: string, fallback = process.execPath): string {
  const pinned = pinnedNodePath(appRoot);
  return real(existsSync(pinned) ? pinned : fallback);
}
