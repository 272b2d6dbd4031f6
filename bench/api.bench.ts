/**
 * API under load while the daemon indexes: many concurrent clients on /api/status and
 * /api/search (autocannon, loopback only, bounded duration). Prints p50/p99/errors per route and
 * the ratio of status p99 to a trivial route's p99 measured in the same run (the baseline).
 * Goal (issue 6): no errors, status p99 under 100 ms.
 *   node --import tsx bench/api.bench.ts [--seconds 8] [--connections 50]
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startServer } from '../src/api/server.js';
import { parseConfig } from '../src/config/index.js';
import { silentLogger } from '../src/log/index.js';
import { Daemon } from '../src/main.js';
import type { Places } from '../src/platform/places.js';
import { retryDead } from '../src/queue/queue.js';
import { copyFixtures, MODELS, tempDir } from '../tests/helpers/fixtures.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, connections: { type: 'string', default: '50' } } });
const seconds = Number(values.seconds);
const connections = Number(values.connections);

const { dir, cleanup } = tempDir('rawlight-api-bench-');
const home = path.join(dir, 'home');
const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
const library = path.join(dir, 'library');
mkdirSync(library, { recursive: true });
copyFixtures(library, ['photos', 'raw']);
const config = parseConfig({ libraries: [library], api: { port: 0 }, watch: { enabled: false }, modelsDir: MODELS });
const daemon = new Daemon({ places, config, log: silentLogger(), libraries: [library] });
const { db, pipeline, bus } = daemon.core;
const libs = [library];
const BENCH_TOKEN = 'bench-token-0123456789abcdef';
const server = await startServer({
  db,
  places,
  config,
  bus,
  token: BENCH_TOKEN,
  log: silentLogger(),
  control: {
    pause: () => pipeline.setPaused(true),
    resume: () => pipeline.setPaused(false),
    isPaused: () => pipeline.isPaused(),
    libraries: () => libs,
    addLibrary: async () => undefined,
    removeLibrary: async () => undefined,
    retryDead: (jobId) => retryDead(db, jobId === undefined ? {} : { jobId }),
    passNames: () => pipeline.passes.map((p) => p.name),
  },
});
// How long the event loop was blocked while the routes were hammered (what every request waits behind).
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const indexing = daemon.start();

interface Row {
  route: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function hit(route: string, conns = connections): Promise<Row> {
  const r = await autocannon({ url: server.url + route.slice(1), headers: { 'x-rawlight-token': BENCH_TOKEN }, connections: conns, duration: seconds, pipelining: 1 });
  return { route, requests: r.requests.total, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

const statusAtStart = db.prepare(`SELECT count(*) AS n FROM jobs`).get() as { n: number };
const rows: Row[] = [];
rows.push(await hit('/api/session')); // baseline: no database work
rows.push(await hit('/api/status'));
rows.push(await hit('/api/search?q=dog'));
rows.push(await hit('/api/files?limit=60'));
const runs = (db.prepare('SELECT count(*) AS n FROM pass_runs').get() as { n: number }).n;
loopDelay.disable();

console.log(`\nAPI under load: ${connections} connections, ${seconds} s per route, while indexing (${statusAtStart.n} jobs queued at start, ${runs} pass runs done during the bench)\n`);
console.log('route                     req/s   p50 ms   p99 ms   errors  non-2xx');
for (const r of rows) console.log(`${r.route.padEnd(24)} ${String(r.rps).padStart(6)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.errors).padStart(8)} ${String(r.non2xx).padStart(8)}`);
const base = rows[0]!;
const status = rows[1]!;
console.log(`\nevent-loop delay during the bench: p50 ${(loopDelay.percentile(50) / 1e6).toFixed(0)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms`);
console.log(`status p99 / baseline p99 = ${(status.p99 / Math.max(1, base.p99)).toFixed(2)}x; status p99 ${status.p99} ms (goal < 100 ms): ${status.p99 < 100 ? 'OK' : 'OVER'}`);
const failed = rows.some((r) => r.errors > 0 || r.non2xx > 0);
console.log(failed ? 'ERRORS during the run' : 'no errors');

await server.close();
await indexing.catch(() => undefined);
await daemon.stop(3000);
cleanup();
process.exitCode = failed ? 1 : 0;
