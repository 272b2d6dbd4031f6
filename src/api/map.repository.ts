import type { ReadableDb } from '../store/db.js';
import { idInLibrary } from '../store/repositories/file.repository.js';

/** One photo on the map: [file id, latitude, longitude] (compact: the page may get 100K of them). */
export type MapPoint = [number, number, number];

/**
 * Every photo the library holds (present or away) with a usable GPS position (0,0 is a camera's "no fix", not the Gulf of
 * Guinea). Read through the partial metadata_gps index.
 */
export function mapPoints(db: ReadableDb): MapPoint[] {
  return db
    .prepare(
      // The partial GPS index alone (it holds each position's file id); the library's own by the
      // gone files' ids, no files row read. Rounded to 1e-5 degrees (~1 m) here, not by a copy of
      // every row in JS: 400K points were two arrays of arrays at once.
      `SELECT m.file_id AS id, round(m.gps_lat, 5) AS lat, round(m.gps_lon, 5) AS lon FROM metadata m
       WHERE m.gps_lat IS NOT NULL AND m.gps_lon IS NOT NULL AND ${idInLibrary('m.file_id')}
         AND NOT (m.gps_lat = 0 AND m.gps_lon = 0) AND m.gps_lat BETWEEN -90 AND 90 AND m.gps_lon BETWEEN -180 AND 180`,
    )
    .raw()
    .all() as MapPoint[];
}
