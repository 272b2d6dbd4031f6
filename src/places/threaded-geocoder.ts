import { Worker } from 'node:worker_threads';
import { DaemonError, ErrorCodes, type ErrorCode } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { placesDatasetVersion } from './dataset-version.js';
import type { GeocoderStats, Place, ReverseGeocoder } from './place.js';
import { createReverseGeocoder, type ReverseGeocoderOptions } from './reverse-geocoder.js';
import { workerModule } from '../platform/worker-module.js';

export interface GeocoderWorkerData {
  datasetVersion: string;
  options: Partial<ReverseGeocoderOptions>;
  cacheDir?: string;
}

type GeocoderCall = { op: 'lookup'; lat: number; lon: number } | { op: 'stats' } | { op: 'townNames' };
export type GeocoderRequest = GeocoderCall & { id: number };

export type GeocoderReply =
  | { id: number; ok: true; place: Place | null; stats: GeocoderStats; warnings: string[] }
  | { id: number; ok: false; code: string; message: string };

/** A geocoder whose index and lookups live on a worker thread; `lookupAsync` is the way in. */
export interface ThreadedGeocoder extends ReverseGeocoder {
  lookupAsync(lat: number, lon: number): Promise<Place | null>;
  /** Ends the worker and its index while no lookup is pending (the next lookup builds it again). */
  park(): Promise<boolean>;
  /** Has the worker make search's file of the towns' other names now (town-names.ts), if it is not there already. */
  prepareTownNames(): Promise<void>;
  close(): Promise<void>;
}

export interface ThreadedGeocoderArgs extends Partial<ReverseGeocoderOptions> {
  log?: Logger;
  datasetVersion?: string;
  /** Where the built town index is kept between runs (see town-index-file.ts). */
  cacheDir?: string;
}

/**
 * The worker's heap limits. The index lives in typed arrays outside the heap and the heap holds
 * ~20 MB of names and borders; with V8's defaults the young generation alone grew by tens of MB
 * during the build and lookups and was never given back. A small young generation makes V8 collect
 * instead of grow (measured peak above the process without the worker: ~63 MB at 4, ~71 at 8, ~100
 * at the default, build time within noise); the old-generation cap is far above what the worker
 * uses (~30 MB) and only guards against a runaway.
 */
export const GEOCODER_RESOURCE_LIMITS = Object.freeze({ maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 160 });

/**
 * The daemon's reverse geocoder. Building the town index is about a second of synchronous work
 * (and tens of MB of heap) that, on the daemon's thread, stalled every API request behind the first
 * GPS photo; here it happens on a worker thread, started on the first lookup. `lookup()` (sync)
 * still works for one-shot callers: it builds a private index on the calling thread.
 */
export function createThreadedGeocoder(args: ThreadedGeocoderArgs = {}): ThreadedGeocoder {
  const datasetVersion = args.datasetVersion ?? placesDatasetVersion();
  const options: Partial<ReverseGeocoderOptions> = {
    ...(args.cityMaxKm !== undefined ? { cityMaxKm: args.cityMaxKm } : {}),
    ...(args.regionMaxKm !== undefined ? { regionMaxKm: args.regionMaxKm } : {}),
  };
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: GeocoderReply) => void; reject: (e: Error) => void }>();
  let lastStats: GeocoderStats = { loaded: false, buildMs: null, heapMb: null, cities: 0, regionNames: false };
  let local: ReverseGeocoder | null = null;
  let closed = false;

  const start = (): Worker => {
    const data: GeocoderWorkerData = { datasetVersion, options, ...(args.cacheDir !== undefined ? { cacheDir: args.cacheDir } : {}) };
    const w = new Worker(workerModule(import.meta.url, 'geocoder.worker'), { name: 'rawlight-places', workerData: data, resourceLimits: GEOCODER_RESOURCE_LIMITS });
    w.unref();
    w.on('message', (r: GeocoderReply) => {
      const p = pending.get(r.id);
      if (!p) return;
      pending.delete(r.id);
      if (pending.size === 0) w.unref();
      if (r.ok) {
        if (r.stats.loaded && !lastStats.loaded) {
          args.log?.info({ buildMs: Math.round(r.stats.buildMs ?? 0), heapMb: Math.round(r.stats.heapMb ?? 0), cities: r.stats.cities, regionNames: r.stats.regionNames }, 'place index built (worker thread)');
        }
        lastStats = r.stats;
        for (const warning of r.warnings) args.log?.warn(warning);
      }
      p.resolve(r);
    });
    const died = (why: string) => {
      if (worker !== w) return;
      worker = null;
      lastStats = { ...lastStats, loaded: false };
      const all = [...pending.values()];
      pending.clear();
      for (const p of all) p.reject(new DaemonError('PLACES_DATA_UNAVAILABLE', why));
    };
    w.on('error', (e) => died(`the places worker failed: ${e.message}`));
    w.on('exit', (code) => died(`the places worker exited (code ${code})`));
    worker = w;
    return w;
  };

  const request = (msg: GeocoderCall): Promise<GeocoderReply> => {
    if (closed) return Promise.reject(new DaemonError('PLACES_DATA_UNAVAILABLE', 'the geocoder is closed'));
    const w = worker ?? start();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (pending.size === 1) w.ref();
      w.postMessage({ ...msg, id });
    });
  };

  return {
    datasetVersion,
    async lookupAsync(lat, lon) {
      const r = await request({ op: 'lookup', lat, lon });
      if (r.ok) return r.place;
      const code = (r.code in ErrorCodes ? r.code : 'PLACES_DATA_UNAVAILABLE') as ErrorCode;
      const prefix = `${ErrorCodes[code].message}: `;
      throw new DaemonError(code, r.message.startsWith(prefix) ? r.message.slice(prefix.length) : r.message);
    },
    lookup(lat, lon) {
      local ??= createReverseGeocoder({ ...options, datasetVersion, ...(args.log ? { log: args.log } : {}), ...(args.cacheDir !== undefined ? { cacheDir: args.cacheDir } : {}) });
      return local.lookup(lat, lon);
    },
    stats() {
      return local?.stats().loaded ? local.stats() : lastStats;
    },
    async prepareTownNames() {
      const r = await request({ op: 'townNames' });
      if (!r.ok) throw new DaemonError('PLACES_DATA_UNAVAILABLE', r.message);
    },
    async park() {
      const w = worker;
      if (!w || pending.size > 0) return false;
      worker = null; // before terminate: its exit is not a failure
      lastStats = { ...lastStats, loaded: false };
      await w.terminate();
      return true;
    },
    async close() {
      closed = true;
      const w = worker;
      worker = null;
      if (w) await w.terminate();
      for (const p of pending.values()) p.reject(new DaemonError('PLACES_DATA_UNAVAILABLE', 'the geocoder was closed'));
      pending.clear();
    },
  };
}
