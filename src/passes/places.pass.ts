import { DaemonError } from '../errors/index.js';
import { isUsableGps, type Place, type ReverseGeocoder } from '../places/place.js';
import { deletePlace, gpsStateForFile, savePlace } from '../places/place.repository.js';
import type { Pass, PassOutcome } from './pass.js';
import { stopIfAborted } from './abort.js';

export interface PlacesPassDeps {
  geocoder: ReverseGeocoder;
  config: { readonly passes: { readonly places: boolean } };
}

/** Input key of a file whose GPS went away while it still has a place row: the run removes it. */
export const NO_GPS_KEY = 'none';

/** `${lat},${lon}:${dataset}` with 5 decimals (about 1 m): finer jitter is not a new place. */
export function placesInputKey(lat: number, lon: number, datasetVersion: string): string {
  return `${lat.toFixed(5)},${lon.toFixed(5)}:${datasetVersion}`;
}

export function parsePlacesInputKey(key: string): { lat: number; lon: number; datasetVersion: string } | null {
  const m = /^(-?\d+\.\d+),(-?\d+\.\d+):(.+)$/.exec(key);
  return m ? { lat: Number(m[1]), lon: Number(m[2]), datasetVersion: m[3]! } : null;
}

/**
 * The `places` pass: names the town, region and country of a photo's GPS position, offline. It is
 * keyed on the rounded position and the dataset version, so a file is looked up again only when
 * its GPS or the place data changes. 0,0, empty or invalid GPS means no place.
 */
export function createPlacesPass({ geocoder, config }: PlacesPassDeps): Pass {
  return {
    name: 'places',
    version: 1,
    resource: 'io',
    after: ['metadata'],
    description: 'Reads GPS from metadata; writes the town, region and country (places table).',
    inputKey(db, file) {
      if (!config.passes.places || file.state !== 'present') return null;
      const gps = gpsStateForFile(db, file.id);
      if (gps === undefined) return null; // metadata not read yet
      if (isUsableGps(gps.lat, gps.lon)) return placesInputKey(gps.lat, gps.lon!, geocoder.datasetVersion);
      // Only a file that still has a place row needs a run (to delete it); the GPS-less majority of
      // a RAW library then costs no job at all.
      return gps.hasPlace ? NO_GPS_KEY : null;
    },
    async run(ctx): Promise<PassOutcome> {
      const fileId = ctx.file.id;
      if (ctx.inputKey === NO_GPS_KEY) {
        return { output: { place: null, reason: 'no GPS' }, commit: (db) => deletePlace(db, fileId) };
      }
      const key = parsePlacesInputKey(ctx.inputKey);
      if (key === null) throw new DaemonError('JOB_STALE', `places input key not understood: ${ctx.inputKey}`);
      if (key.datasetVersion !== geocoder.datasetVersion) throw new DaemonError('JOB_STALE', 'place data changed since the job was queued');
      const place: Place | null = geocoder.lookupAsync ? await geocoder.lookupAsync(key.lat, key.lon) : geocoder.lookup(key.lat, key.lon);
      stopIfAborted(ctx.signal, 'saving the place');
      if (place === null) {
        return { output: { place: null, reason: 'no country or town near' }, commit: (db) => deletePlace(db, fileId) };
      }
      return {
        output: { city: place.city, region: place.region, country: place.country, distanceKm: place.distanceKm },
        commit: (db) => savePlace(db, fileId, place, { lat: key.lat, lon: key.lon, source: geocoder.datasetVersion }),
      };
    },
  };
}
