/**
 * The user's values win over the camera's: Lightroom keeps a geotag the user made in the RAW's
 * sidecar (`exif:GPSLatitude`/`GPSLongitude` in XMP), never in the RAW. These small readers take a
 * sidecar's value first; the metadata pass falls back to the file's own.
 */

export interface Gps {
  lat: number;
  lon: number;
  alt: number | null;
}

const num = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
};

/** A usable position from one set of tags (0,0 is "no fix", not the Gulf of Guinea). */
export function gpsOf(tags: Record<string, unknown> | null): Gps | null {
  if (!tags) return null;
  const lat = num(tags.GPSLatitude);
  const lon = num(tags.GPSLongitude);
  if (lat === null || lon === null || (lat === 0 && lon === 0) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon, alt: num(tags.GPSAltitude) };
}

/** The sidecar's position when it has one (the user's geotag), else the file's own. */
export function userGps(file: Record<string, unknown>, sidecar: Record<string, unknown> | null): Gps | null {
  return gpsOf(sidecar) ?? gpsOf(file);
}
