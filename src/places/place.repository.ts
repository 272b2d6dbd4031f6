import type Database from 'better-sqlite3';
import type { ReadableDb, WritableDb } from '../store/db.js';
import { inLibrary } from '../store/repositories/file.repository.js';
import type { Place, PlaceSummary } from './place.js';

// inputKey runs for every candidate file: keep its statements prepared per handle.
const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function stmt(db: Database.Database, sql: string): Database.Statement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

export interface GpsState {
  lat: number | null;
  lon: number | null;
  /** Whether a places row exists for the file (so a vanished GPS has something to remove). */
  hasPlace: boolean;
}

/** The file's GPS as the metadata pass stored it; undefined until metadata has been read. */
export function gpsStateForFile(db: ReadableDb, fileId: number): GpsState | undefined {
  const r = stmt(
    db,
    `SELECT m.gps_lat AS lat, m.gps_lon AS lon, p.file_id IS NOT NULL AS has_place
     FROM metadata m LEFT JOIN places p ON p.file_id = m.file_id WHERE m.file_id = ?`,
  ).get(fileId) as { lat: number | null; lon: number | null; has_place: number } | undefined;
  return r && { lat: r.lat, lon: r.lon, hasPlace: r.has_place === 1 };
}

export interface PlaceRow {
  file_id: number;
  city: string | null;
  region: string | null;
  country: string | null;
  country_code: string | null;
  distance_km: number | null;
  source: string | null;
  lat: number | null;
  lon: number | null;
}

/** Replaces the file's place. */
export function savePlace(db: WritableDb, fileId: number, place: Place, at: { lat: number; lon: number; source: string }): void {
  stmt(
    db,
    `INSERT INTO places (file_id, city, region, country, country_code, distance_km, source, lat, lon)
     VALUES (@file_id, @city, @region, @country, @country_code, @distance_km, @source, @lat, @lon)
     ON CONFLICT (file_id) DO UPDATE SET city = excluded.city, region = excluded.region, country = excluded.country,
       country_code = excluded.country_code, distance_km = excluded.distance_km, source = excluded.source,
       lat = excluded.lat, lon = excluded.lon`,
  ).run({
    file_id: fileId,
    city: place.city,
    region: place.region,
    country: place.country,
    country_code: place.countryCode,
    distance_km: place.distanceKm,
    source: at.source,
    lat: at.lat,
    lon: at.lon,
  } satisfies PlaceRow);
}

/** Whether any photo has a town (one row is enough). */
export function hasTowns(db: ReadableDb): boolean {
  return db.prepare('SELECT 1 FROM places WHERE city IS NOT NULL LIMIT 1').get() !== undefined;
}

export function deletePlace(db: WritableDb, fileId: number): void {
  stmt(db, 'DELETE FROM places WHERE file_id = ?').run(fileId);
}

export function getPlaceRow(db: ReadableDb, fileId: number): PlaceRow | undefined {
  return stmt(db, 'SELECT * FROM places WHERE file_id = ?').get(fileId) as PlaceRow | undefined;
}

/** The place for `show --json` and the API: `{ city, region, country, countryCode }` or null. */
export function placeForFile(db: ReadableDb, fileId: number): PlaceSummary | null {
  const r = getPlaceRow(db, fileId);
  return r ? { city: r.city, region: r.region, country: r.country, countryCode: r.country_code } : null;
}

export interface PlaceMatch {
  fileId: number;
  /** Which name matched, for a search result's "why". */
  field: 'city' | 'region' | 'country';
  value: string;
}

/**
 * Present files whose town, region or country is named `name` (case-insensitive, whole name or its
 * ISO code for countries): "Arezzo", "Tuscany", "Germany", "de". The narrowest match wins.
 */
export function filesInPlace(db: ReadableDb, name: string, limit = 1000): PlaceMatch[] {
  const rows = stmt(
    db,
    `SELECT p.file_id AS fileId,
       CASE WHEN p.city = @n COLLATE NOCASE THEN 'city'
            WHEN p.region = @n COLLATE NOCASE THEN 'region' ELSE 'country' END AS field,
       CASE WHEN p.city = @n COLLATE NOCASE THEN p.city
            WHEN p.region = @n COLLATE NOCASE THEN p.region ELSE p.country END AS value
     FROM places p JOIN files f ON f.id = p.file_id AND ${inLibrary('f')}
     WHERE p.city = @n COLLATE NOCASE OR p.region = @n COLLATE NOCASE
        OR p.country = @n COLLATE NOCASE OR p.country_code = @n COLLATE NOCASE
     ORDER BY p.file_id LIMIT @limit`,
  ).all({ n: name.trim(), limit }) as PlaceMatch[];
  return rows;
}
