/**
 * Writeback on a real import with every pass on: how many XMP writes each file gets per import
 * (goal 1.0 on the first import — one write after the passes that feed it have settled, not one
 * per upstream pass — and 0 on a second import of the same folder), and the time per write.
 * Baseline in the same run: the number of upstream passes that completed per written file (what
 * writing once per upstream result would cost).
 *   node --import tsx bench/writeback.bench.ts
 */
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config/index.js';
import { Core } from '../src/main.js';
import { resolvePlaces } from '../src/platform/places.js';
import { copyFixtures, MODELS, tempDir } from '../tests/helpers/fixtures.js';

const { dir, cleanup } = tempDir('rawlight-writeback-bench-');
try {
  const lib = path.join(dir, 'lib');
  copyFixtures(lib, ['photos/people', 'photos/gps', 'photos/sidecars', 'raw/photoprism_canon_eos_6d.dng', 'raw/photoprism_canon_eos_6d.xmp']);
  const places = resolvePlaces({ env: { RAWLIGHT_HOME: path.join(dir, 'home') } });
  const config = loadConfig(places, { env: { RAWLIGHT_MODELS: MODELS } });

  const writes = new Map<string, number>();
  const stream = {
    write(line: string) {
      const rec = JSON.parse(line) as { msg?: string; file?: string };
      if (rec.msg === 'xmp written' && rec.file) writes.set(rec.file, (writes.get(rec.file) ?? 0) + 1);
    },
  };
  const log = pino({ level: 'info' }, stream);

  const importOnce = async () => {
    const core = Core.open({ places, config, log });
    const t0 = performance.now();
    await core.reconcile([lib]);
    core.pipeline.start();
    await core.pipeline.whenIdle();
    const secs = (performance.now() - t0) / 1000;
    const wb = core.db.prepare(`SELECT count(*) AS n, coalesce(sum(duration_ms), 0) AS ms FROM pass_runs WHERE pass = 'writeback' AND status = 'ok'`).get() as { n: number; ms: number };
    const upstream = core.db
      .prepare(
        `SELECT count(*) AS n FROM pass_runs r WHERE r.status = 'ok' AND r.pass IN ('metadata', 'faces', 'tags', 'places')
           AND r.file_id IN (SELECT file_id FROM xmp_state WHERE last_written_at IS NOT NULL)`,
      )
      .get() as { n: number };
    await core.close();
    return { secs, wb, upstream: upstream.n };
  };

  const first = await importOnce();
  const firstWrites = [...writes.values()].reduce((a, b) => a + b, 0);
  const filesWritten = writes.size;
  const maxPerFile = Math.max(0, ...writes.values());
  writes.clear();
  const second = await importOnce();
  const secondWrites = [...writes.values()].reduce((a, b) => a + b, 0);

  const f = (n: number, d = 2) => n.toFixed(d);
  console.log(`first import: ${filesWritten} files written, ${firstWrites} writes: ${f(firstWrites / Math.max(1, filesWritten))} writes/file (goal 1.00), max ${maxPerFile} for one file`);
  console.log(`  baseline: ${f(first.upstream / Math.max(1, filesWritten))} feeding pass results per written file (one write per result would be that many)`);
  console.log(`  writeback runs ${first.wb.n}, ${f(first.wb.ms / Math.max(1, first.wb.n), 1)} ms each; whole import ${f(first.secs, 1)} s`);
  console.log(`second import of the same folder: ${secondWrites} writes (goal 0), ${f(second.secs, 1)} s`);
} finally {
  cleanup();
}
