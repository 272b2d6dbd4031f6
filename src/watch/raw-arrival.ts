import type { Logger } from 'pino';
import type { PipelineBus } from '../pipeline/events.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { ReadableDb } from '../store/db.js';
import { getFileByPath } from '../store/repositories/file.repository.js';
import { ownsSidecarName } from '../xmp/sidecar-path.js';
import { siblingsOf } from '../xmp/writeback.js';
import { mediaKind } from './media.js';

/**
 * A user's `IMG_1.xmp` beside a lone JPEG is read for the JPEG's user values until a RAW of that
 * name exists; then it is the RAW's alone. So when a RAW arrives, moves in or goes, the metadata
 * of the other photos of its name is considered again (their input key carries the RAW's
 * presence, so only a real change re-reads).
 */
export function reconsiderSiblingsOnRawChange(o: { db: ReadableDb; bus: PipelineBus; pipeline: Pipeline; log: Logger }): void {
  o.bus.on('file-changed', (e) => {
    if (e.change !== 'added' && e.change !== 'moved' && e.change !== 'gone') return;
    if (!ownsSidecarName({ path: e.path, isRaw: mediaKind(e.path) === 'raw' })) return;
    const meta = o.pipeline.pass('metadata');
    if (!meta) return;
    try {
      for (const s of siblingsOf(o.db, { path: e.path })) {
        const f = getFileByPath(o.db, s.path);
        if (f && !ownsSidecarName({ path: f.path, isRaw: f.kind === 'raw' })) o.pipeline.consider(f, meta);
      }
    } catch (err) {
      o.log.warn({ err, path: e.path }, 'could not reconsider the metadata of photos beside a RAW');
    }
  });
}
