import pino from 'pino';
import type { Pass } from '../../src/passes/pass.js';
import { PipelineBus } from '../../src/pipeline/events.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import type { WritableDb } from '../../src/store/db.js';
import { Discovery } from '../../src/watch/discover.js';

/** Discovery over `db` with a pipeline of `passes` (not started), as the daemon wires them. */
export function testDiscovery(db: WritableDb, passes: Pass[] = [], io = 1) {
  const log = pino({ level: 'silent' });
  const bus = new PipelineBus();
  const pipeline = new Pipeline({ db, passes, log, bus, concurrency: { cpu: 1, io }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 60_000 });
  return { discovery: new Discovery({ db, pipeline, bus, log }), pipeline, bus, log };
}
