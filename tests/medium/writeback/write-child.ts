/**
 * A writeback run in its own process that kills itself with SIGKILL at a given step of the
 * write (the kill -9 tests). argv: <test dir> <photo path> <step> [embedded]
 */
import path from 'node:path';
import { createExifToolWriter } from '../../../src/exiftool/writer.js';
import type { FileRow } from '../../../src/store/repositories/file.repository.js';
import { applyWriteback, prepareWriteback } from '../../../src/xmp/writeback.js';
import { openTestDb, testConfig } from './helpers.js';

const [dir, photo, killAt, mode] = process.argv.slice(2);
if (!dir || !photo || !killAt) throw new Error('usage: write-child <dir> <photo> <step> [embedded]');
const db = openTestDb(dir);
const config = testConfig(mode === 'embedded' ? { xmp: { embedded: true } } : {});
const writer = createExifToolWriter({ timeoutMs: 30_000 });
const file = db.prepare('SELECT * FROM files WHERE path = ?').get(photo) as FileRow;
const prepared = await prepareWriteback({ db, writer, config }, file);
await applyWriteback(
  {
    db,
    writer,
    config,
    backupDir: path.join(dir, 'backup'),
    onStep: (s) => {
      if (s === killAt) process.kill(process.pid, 'SIGKILL');
    },
  },
  prepared,
);
// Reaching here means the step never came: the parent sees a normal exit and fails.
await writer.end();
db.close();
