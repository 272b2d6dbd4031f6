import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { DaemonError } from '../errors/index.js';
import type { ReadableDb } from '../store/db.js';
import { indexedRoots } from '../store/repositories/file.repository.js';
import { defaultLibrary } from '../platform/places.js';
import { compileExcludes, extOf, isIgnoredName, mediaKind } from '../watch/media.js';
import { privateStoreOf } from '../watch/private-stores.js';
import type { CliEnv } from './command.js';
import { canonicalPath } from '../platform/canonical-path.js';

/**
 * Why a file the user names is not in the index, as far as can be told without the daemon: no such
 * file, not a photo, in another program's private store, excluded, outside every library, or simply
 * not reached yet. `show` and `similar` say it instead of a bare "not indexed" (which they gave as
 * "The file vanished before it could be read", for a file that was there all along).
 */
export function whyNotIndexed(file: string, o: { libraries: readonly string[]; excluded: (file: string) => boolean; indexedRoots?: readonly string[] }): string {
  const p = canonicalPath(file);
  if (!existsSync(p)) return 'there is no such file';
  if (statSync(p).isDirectory()) return 'it is a folder; give one photo';
  const name = path.basename(p);
  if (isIgnoredName(name)) return 'a dot file, an AppleDouble or an ExifTool temp file is never a photo';
  if (!mediaKind(name)) return `${extOf(name) ? `.${extOf(name)}` : 'a file without an extension'} is not a photo format rawlight reads`;
  const under = (r: string) => p.startsWith(r.endsWith(path.sep) ? r : r + path.sep);
  const root = o.libraries.find(under);
  if (!root) {
    // A folder given to `rawlight index`, or a daemon run with `--library`: photos of it are in the
    // index, but nothing in the config makes the daemon watch it.
    const indexed = o.indexedRoots?.find(under);
    if (indexed) return `it is under ${indexed}, a folder the index holds photos of but config.json does not list as a library; \`rawlight index ${path.dirname(p)}\` indexes its folder`;
    const libs = o.libraries.length ? o.libraries.join(', ') : 'none';
    return `it is not under a library (libraries: ${libs}); \`rawlight index ${path.dirname(p)}\` indexes its folder once`;
  }
  const store = privateStoreOf(root, path.dirname(p));
  if (store) return `it lies in "${store}", another program's private store, which rawlight never enters (README, Configuration)`;
  if (o.excluded(p)) return 'config.json\'s "exclude" matches it';
  return 'not reached yet: the daemon indexes it in turn (`rawlight status` shows how far it is)';
}

/**
 * Says why a file is not in the index, judged against the libraries the daemon watches and the
 * folders the index holds photos of: the config and the index's roots are read once, however many
 * paths are asked about (`rawlight writeback` with many).
 */
export function notIndexedReasons(env: CliEnv, db?: ReadableDb): (file: string) => string {
  const config = loadConfig(env.places, { env: env.env });
  // As `rawlight run` does: with no library configured it watches the default folder.
  const libraries = config.libraries.length ? config.libraries : existsSync(defaultLibrary()) ? [defaultLibrary()] : [];
  const roots = db ? indexedRoots(db) : [];
  const excluded = compileExcludes(config.exclude);
  return (file) => whyNotIndexed(file, { libraries, excluded, indexedRoots: roots });
}

/** FILE_NOT_INDEXED for `file`, with the reason. */
export function notIndexed(file: string, env: CliEnv, db?: ReadableDb): DaemonError {
  return new DaemonError('FILE_NOT_INDEXED', `${file}: ${notIndexedReasons(env, db)(file)}`);
}
