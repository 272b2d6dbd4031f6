import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { FIXTURES } from '../../helpers/fixtures.js';

export interface GpsFixture {
  rel: string;
  /** GPS as exiftool reads it from the real file (null when absent or empty). */
  lat: number | null;
  lon: number | null;
  /** GPS according to labels.json (null for files labelled without GPS). */
  labelled: [number, number] | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Reads GPS from the real fixture files with exiftool (0,0 kept as 0,0, not dropped). */
export async function readGpsFixtures(rels: string[]): Promise<GpsFixture[]> {
  const labels = JSON.parse(readFileSync(path.join(FIXTURES, 'photos', 'labels.json'), 'utf8')) as {
    files: Record<string, { gps: [number, number] | null }>;
  };
  const et = new ExifTool({ ignoreZeroZeroLatLon: false, maxProcs: 1 });
  try {
    const out: GpsFixture[] = [];
    for (const rel of rels) {
      const t = (await et.read(path.join(FIXTURES, 'photos', rel))) as Record<string, unknown>;
      out.push({ rel, lat: num(t.GPSLatitude), lon: num(t.GPSLongitude), labelled: labels.files[rel]?.gps ?? null });
    }
    return out;
  } finally {
    await et.end();
  }
}

/** Every labelled photo that has GPS, with labels.json's own list. */
export function labelledGpsPhotos(): string[] {
  const labels = JSON.parse(readFileSync(path.join(FIXTURES, 'photos', 'labels.json'), 'utf8')) as {
    files: Record<string, { gps: [number, number] | null }>;
  };
  return Object.entries(labels.files)
    .filter(([, v]) => v.gps !== null)
    .map(([k]) => k);
}
