import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';

/**
 * Country outlines for the page's map, from Natural Earth 110m (world-atlas, public domain),
 * turned into SVG path data once, in plate carrée degrees (x = longitude, y = −latitude), so the
 * page draws them in one <svg viewBox="-180 -90 360 180"> with no map library and no tile server.
 */
export interface WorldOutline {
  /** One entry per country: its name and SVG path data. */
  countries: { name: string; d: string }[];
}

let cached: WorldOutline | null = null;

type Ring = [number, number][];

/**
 * A ring as path data. Rings crossing the antimeridian (Russia, Fiji) jump from +180 to −180;
 * their longitudes are unwrapped to stay continuous, and the map's viewBox clips what passes 180.
 */
function ringPath(ring: Ring): string {
  let s = '';
  let prev: number | null = null;
  ring.forEach(([lon0, lat], i) => {
    let lon = lon0;
    if (prev !== null) while (lon - prev > 180) lon -= 360;
    if (prev !== null) while (prev - lon > 180) lon += 360;
    prev = lon;
    s += `${i === 0 ? 'M' : 'L'}${lon.toFixed(2)} ${(-lat).toFixed(2)}`;
  });
  return `${s}Z`;
}

export function worldOutline(): WorldOutline {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const topo = JSON.parse(readFileSync(require.resolve('world-atlas/countries-110m.json'), 'utf8')) as { objects: { countries: unknown } };
  const fc = feature(topo, topo.objects.countries);
  const countries: WorldOutline['countries'] = [];
  for (const f of fc.features) {
    if (!f.geometry) continue;
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates as Ring[]] : f.geometry.type === 'MultiPolygon' ? (f.geometry.coordinates as Ring[][]) : [];
    const d = polys.flatMap((p) => p.map(ringPath)).join('');
    if (d) countries.push({ name: f.properties?.name ?? '', d });
  }
  cached = { countries };
  return cached;
}
