import { existsSync } from 'node:fs';
import path from 'node:path';
import { DaemonError, isDaemonError } from '../errors/index.js';
import type { Places } from '../platform/places.js';
import { DB_FILE, openDb, openReadonlyDb, type ReadableDb, type WritableDb } from '../store/db.js';
import { daemonRunning } from './lock.js';

/** What to do when there is no index yet. */
export const NOTHING_INDEXED_HINT = '`rawlight index DIR` indexes a folder now; the daemon indexes your libraries as it runs (`rawlight status`)';

/**
 * The index, read-only, for the commands that only read it (search, duplicates, show, similar).
 * Before anything was indexed there is no database: NOTHING_INDEXED with what to run, rather than
 * the ENOENT of opening it or a file "not indexed" when nothing is.
 */
export function openIndex(places: Places): ReadableDb {
  const file = indexFile(places);
  try {
    return openReadonlyDb(file);
  } catch (e) {
    // Upgraded while the daemon runs: the daemon upgrades the index when it starts, and the one
    // running started with the old rawlight. "Start the daemon" would read as nonsense to the user.
    if (isDaemonError(e) && e.code === 'DB_OUT_OF_DATE' && daemonRunning(places)) {
      const { version, needs } = e.details ?? {};
      throw new DaemonError('DB_OUT_OF_DATE', `database schema is version ${String(version)}, this rawlight needs ${String(needs)}; the daemon running now started before this rawlight was installed: restart it (\`rawlight agent restart\`) and it upgrades the index`, { cause: e, ...(e.details ? { details: e.details } : {}) });
    }
    throw e;
  }
}

/** Whether anything was ever indexed in this home (its database exists). */
export function hasIndex(places: Places): boolean {
  return existsSync(path.join(places.dataDir, DB_FILE));
}

function indexFile(places: Places): string {
  if (!hasIndex(places)) throw new DaemonError('NOTHING_INDEXED', NOTHING_INDEXED_HINT);
  return path.join(places.dataDir, DB_FILE);
}

/**
 * The index, writable, for the commands that change it themselves (people, faces purge). Beside a
 * running daemon the schema must already be this rawlight's: upgrading it under a daemon started
 * with an older rawlight would leave that daemon writing a schema it does not know, so the command
 * says to restart the daemon, as the readers do. With no daemon it upgrades the index itself (in
 * one immediate transaction, so a daemon starting meanwhile waits for it). Nothing indexed yet is
 * NOTHING_INDEXED, not a new empty database.
 */
export function openIndexForChange(places: Places): WritableDb {
  const file = indexFile(places);
  if (daemonRunning(places)) openIndex(places).close();
  return openDb(file).db;
}
