// The part of topojson-client (no bundled types) the map uses: TopoJSON object → GeoJSON.
declare module 'topojson-client' {
  export function feature(topology: unknown, object: unknown): { type: 'FeatureCollection'; features: { id?: string; properties?: { name?: string }; geometry: { type: string; coordinates: unknown } | null }[] };
}
