import { existsSync } from 'node:fs';
import path from 'node:path';
import { DaemonError } from '../errors/index.js';
import type { Places } from '../platform/places.js';
import { DB_FILE, openReadonlyDb, type ReadableDb } from '../store/db.js';

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
  return openReadonlyDb(file);
}
