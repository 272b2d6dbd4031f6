/** What a GPS position resolves to. Names are English (GeoNames); `city` is null when no town is near. */
export interface Place {
  city: string | null;
  /** Admin-1 area (state, province, Land) when the data has a name for it. */
  region: string | null;
  country: string | null;
  /** ISO 3166-1 alpha-2 as GeoNames uses it (RE for Réunion, PR for Puerto Rico, GL for Greenland). */
  countryCode: string | null;
  /** Great-circle distance from the position to the town's point; null without a town. */
  distanceKm: number | null;
}

/** The place facts a reader needs (show --json, the API, search). */
export type PlaceSummary = Pick<Place, 'city' | 'region' | 'country' | 'countryCode'>;

export interface GeocoderStats {
  loaded: boolean;
  /** Time spent building the index (loading cities, joining region names, kd-tree), once per process. */
  buildMs: number | null;
  /** Heap growth measured across the build (approximate: the GC may run in between). */
  heapMb: number | null;
  cities: number;
  /** Whether admin-1 region names were available (ExifTool's GeoNames extract). */
  regionNames: boolean;
}

export interface ReverseGeocoder {
  /** Changes whenever the data behind answers changes (package versions): part of the pass's input key. */
  readonly datasetVersion: string;
  /** Null for 0,0, NaN, out-of-range positions and open sea far from any country and town. */
  lookup(lat: number, lon: number): Place | null;
  /** The same answer without blocking the caller's thread (the daemon's geocoder runs on a worker). */
  lookupAsync?(lat: number, lon: number): Promise<Place | null>;
  stats(): GeocoderStats;
}

/**
 * True for a position worth looking up. 0,0 is what many cameras write when they have no fix (it is
 * open sea in the Gulf of Guinea), so it means "no GPS" rather than a place.
 */
export function isUsableGps(lat: number | null | undefined, lon: number | null | undefined): lat is number {
  if (typeof lat !== 'number' || typeof lon !== 'number') return false;
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return false;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return false;
  return !(lat === 0 && lon === 0);
}
