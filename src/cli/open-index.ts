import { existsSync } from 'node:fs';
import path from 'node:path';
import { DaemonError, isDaemonError } from '../errors/index.js';
import type { Places } from '../platform/places.js';
import { DB_FILE, openReadonlyDb, type ReadableDb } from '../store/db.js';
import { daemonRunning } from './lock.js';

/** What to do when there is no index yet. */
export const NOTHING_INDEXED_HINT = '`rawlight index DIR` indexes a folder now; the daemon indexes your libraries as it runs (`rawlight status`)';

/**
 * The index, read-only, for the commands that only read it (search, duplicates, show, similar).
 * Before anything was indexed there is no database: NOTHING_INDEXED with what to run, rather than
 * the ENOENT of opening it or a file "not indexed" when nothing is.
 */
export function openIndex(places: Places): ReadableDb {
  const file = path.join(places.dataDir, DB_FILE);
  if (!existsSync(file)) throw new DaemonError('NOTHING_INDEXED', NOTHING_INDEXED_HINT);
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
