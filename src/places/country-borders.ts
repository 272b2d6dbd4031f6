import { createRequire } from 'node:module';
import type * as CountryCoder from '@rapideditor/country-coder';

/** Which country a position is in, from real borders (country-coder: land plus coastal waters). */
export interface CountryBorders {
  /** ISO code of the smallest area that has one (territory level: RE, PR, GL; GB for England). */
  codeAt(lat: number, lon: number): string | null;
  /** Name of an area with no ISO code (Northern Cyprus), for when no town answers. */
  nameAt(lat: number, lon: number): string | null;
  /** English name for a code (country-coder's wording: "United States of America"). */
  nameOf(code: string): string | null;
}

/**
 * country-coder builds its polygon index when its module is evaluated (~100 ms), so it is required
 * here, on first use, instead of imported at the top.
 */
export function loadCountryBorders(): CountryBorders {
  const cc = createRequire(import.meta.url)('@rapideditor/country-coder') as typeof CountryCoder;
  return {
    codeAt: (lat, lon) => cc.iso1A2Code([lon, lat], { level: 'territory' }),
    nameAt: (lat, lon) => cc.feature([lon, lat], { level: 'territory' })?.properties.nameEn ?? null,
    nameOf: (code) => cc.feature(code)?.properties.nameEn ?? null,
  };
}
