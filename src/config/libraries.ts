import path from 'node:path';
import { DaemonError } from '../errors/index.js';
import { canonicalPath } from '../platform/canonical-path.js';

/**
 * Library roots: resolved once (a symlinked root is stored and shown as the folder it points to)
 * and never nested. Two libraries where one holds the other would both claim the inner files (each
 * file has one `root`), and removing either would change the other's files.
 */
export function resolveLibraryRoot(dir: string): string {
  // Not there (yet): kept under its nearest folder; an unmounted drive is reported as offline.
  return canonicalPath(dir);
}

const inside = (p: string, dir: string) => p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/** How `dir` overlaps an existing library, if it does. */
export function libraryOverlap(libraries: readonly string[], dir: string): { library: string; relation: 'same' | 'inside' | 'around' } | null {
  for (const library of libraries) {
    if (library === dir) return { library, relation: 'same' };
    if (inside(dir, library)) return { library, relation: 'inside' };
    if (inside(library, dir)) return { library, relation: 'around' };
  }
  return null;
}

/** The sentence that names the library already covering `dir`. */
export function nestedMessage(dir: string, o: { library: string; relation: 'same' | 'inside' | 'around' }): string {
  if (o.relation === 'same') return `${dir} is already a library`;
  if (o.relation === 'inside') return `${dir} is inside the library ${o.library}, which already covers it`;
  return `${dir} contains the library ${o.library}; remove ${o.library} first (its photos stay indexed and move to the new library), then add ${dir}`;
}

/** Refuses a new library that nests with an existing one (LIBRARY_NESTED, naming the library). */
export function checkNewLibrary(libraries: readonly string[], dir: string): void {
  const o = libraryOverlap(libraries, dir);
  if (o && o.relation !== 'same') throw new DaemonError('LIBRARY_NESTED', nestedMessage(dir, o));
}

/** The first pair of configured libraries that nest, as a message for CONFIG_INVALID, or null. */
export function nestedLibrariesProblem(libraries: readonly string[]): string | null {
  for (let i = 0; i < libraries.length; i++) {
    const o = libraryOverlap(libraries.slice(0, i), libraries[i]!);
    if (o && o.relation !== 'same') return `libraries: ${nestedMessage(libraries[i]!, o)}`;
  }
  return null;
}
