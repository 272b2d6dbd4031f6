/**
 * Worker-thread entry for the reverse geocoder: building the town index (decode cities.pbf, join
 * region names, kd-tree: about a second of synchronous work and tens of MB) and the lookups happen
 * here, so the daemon's event loop (and its API) never waits for them. Started by
 * createThreadedGeocoder (threaded-geocoder.ts); the protocol types live there.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DaemonError } from '../errors/index.js';
import { createReverseGeocoder } from './reverse-geocoder.js';
import { ensureTownNames } from './town-names-build.js';
import type { GeocoderReply, GeocoderRequest, GeocoderWorkerData } from './threaded-geocoder.js';

const port = parentPort;
if (!port) throw new Error('geocoder.worker.ts must run in a worker thread');
const data = workerData as GeocoderWorkerData;
const warnings: string[] = [];
const geocoder = createReverseGeocoder({
  ...data.options,
  datasetVersion: data.datasetVersion,
  ...(data.cacheDir !== undefined ? { cacheDir: data.cacheDir } : {}),
  // The build's warnings travel back with the first answer; the daemon logs them.
  log: { info: () => undefined, warn: (w: unknown) => void warnings.push(String(w)) } as never,
});

/**
 * Search's file of the towns' other names ("München" for Munich) is this data's too: made once,
 * right after the first answer, so the places pass does not wait for it, or when the daemon asks
 * (a library geocoded by a version before it: town-names.ts).
 */
let townNamesDue = data.cacheDir !== undefined;
function makeTownNames(dir: string): void {
  try {
    ensureTownNames(dir);
  } catch (e) {
    warnings.push(`towns' other names for search unavailable (search reads their own names): ${(e as Error).message}`);
  }
}

port.on('message', (m: GeocoderRequest) => {
  let reply: GeocoderReply;
  try {
    if (m.op === 'townNames' && townNamesDue) {
      townNamesDue = false;
      makeTownNames(data.cacheDir!);
    }
    const place = m.op === 'lookup' ? geocoder.lookup(m.lat, m.lon) : null;
    reply = { id: m.id, ok: true, place, stats: geocoder.stats(), warnings: warnings.splice(0) };
  } catch (e) {
    reply = { id: m.id, ok: false, code: e instanceof DaemonError ? e.code : 'PLACES_DATA_UNAVAILABLE', message: (e as Error).message };
  }
  port.postMessage(reply);
  if (townNamesDue && reply.ok) {
    townNamesDue = false;
    setImmediate(makeTownNames, data.cacheDir!);
  }
});
