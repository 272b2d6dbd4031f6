// An excluded folder (and another program's private store) is not walked at all: the reconcile
// counts the folders it reads.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { DB_FILE, openDb } from '../../../src/store/db.js';
import { Discovery } from '../../../src/watch/discover.js';
import { reconcileRoot } from '../../../src/watch/reconcile.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

const t = tempDir('rawlight-exclude-walk-');
after(() => t.cleanup());

test('the walk never enters a folder "exclude" names, nor a private store; their photos are not seen', async () => {
  const lib = path.join(t.dir, 'lib');
  const put = (rel: string) => {
    mkdirSync(path.dirname(path.join(lib, rel)), { recursive: true });
    copyFileSync(path.join(FIXTURES, 'photos/gps/kenya_lizard.jpg'), path.join(lib, rel));
  };
  put('2024/a.jpg');
  for (const sub of ['web', 'print', 'print/big']) put(`Exports/${sub}/b.jpg`);
  put('Photos Library.photoslibrary/originals/c.jpg');
  const { db } = openDb(path.join(t.dir, 'home', DB_FILE));
  const log = pino({ level: 'silent' });
  const bus = new PipelineBus();
  const pipeline = new Pipeline({ db, passes: [], log, bus, concurrency: { cpu: 1, io: 1 }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 60_000 });
  const discovery = new Discovery({ db, pipeline, bus, log });
  try {
    const r = await reconcileRoot(lib, { db, discovery, log, exclude: ['/Exports/'] });
    assert.equal(r.seen, 1, 'only 2024/a.jpg');
    assert.equal(r.dirs, 2, 'lib and 2024 read; Exports (read before, its entries then dropped one by one) and the Photos library not');
  } finally {
    db.close();
  }
});
