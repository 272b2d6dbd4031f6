import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import KDBush from 'kdbush';
import type { CityIndex } from './city-index.js';

/**
 * The built town index on disk, so a (re)started places worker reads ~10 MB of ready columns and a
 * finished kd-tree instead of decoding cities.pbf and Geolocation.dat again (a second of CPU and
 * tens of MB of transient heap). Layout: "RLTOWNS\0", u32 format, u32 header length, a JSON header
 * (dataset version, CRC-32 of the payload, section offsets, the short string tables), then the
 * sections, each 8-byte aligned. Written to a temporary name and renamed, so a reader never sees a
 * half-written file; anything unexpected on reading (other format or dataset version, a bad CRC,
 * wrong lengths) means "build again", never a wrong answer.
 */
export const TOWN_INDEX_FILE = 'places-towns.bin';
const MAGIC = Buffer.from('RLTOWNS\0', 'latin1');
/** Bump when the layout or what the sections mean changes. */
export const TOWN_INDEX_FORMAT = 1;

export interface StoredTowns {
  index: CityIndex;
  countryNames: ReadonlyMap<string, string>;
  regionNames: boolean;
  warnings: string[];
}

interface Header {
  datasetVersion: string;
  size: number;
  crc: number;
  sections: Record<SectionName, [offset: number, length: number]>;
  countryCodes: string[];
  regionNames: (string | null)[];
  countryNames: [string, string][];
  hasRegionNames: boolean;
  warnings: string[];
}

type SectionName = 'kd' | 'lat' | 'lon' | 'country' | 'admin' | 'section' | 'region' | 'names';

export type ReadResult = { ok: true; towns: StoredTowns } | { ok: false; missing: boolean; why: string };

const NUL = '\u0000';

/** Why the index cannot be stored (a name holding NUL would break the name table), or null. */
function unstorable(ix: CityIndex): string | null {
  return ix.names.some((n) => n.includes(NUL)) ? 'a town name holds a NUL character' : null;
}

export function writeTownIndexFile(dir: string, datasetVersion: string, towns: StoredTowns): void {
  const ix = towns.index;
  const why = unstorable(ix);
  if (why !== null) throw new Error(why);
  const parts: [SectionName, Uint8Array][] = [
    ['kd', new Uint8Array(ix.kd.data)],
    ['lat', bytes(ix.lat)],
    ['lon', bytes(ix.lon)],
    ['country', bytes(ix.country)],
    ['admin', bytes(ix.admin)],
    ['section', bytes(ix.section)],
    ['region', bytes(ix.region)],
    ['names', Buffer.from(ix.names.join(NUL), 'utf8')],
  ];
  const sections = {} as Header['sections'];
  let offset = 0;
  for (const [name, b] of parts) {
    sections[name] = [offset, b.byteLength];
    offset = align8(offset + b.byteLength);
  }
  const payload = Buffer.alloc(offset);
  for (const [name, b] of parts) payload.set(b, sections[name][0]);
  const header: Header = {
    datasetVersion,
    size: ix.size,
    crc: crc32(payload),
    sections,
    countryCodes: [...ix.countryCodes],
    regionNames: [...ix.regionNames],
    countryNames: [...towns.countryNames],
    hasRegionNames: towns.regionNames,
    warnings: towns.warnings,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(align8(16 + json.length));
  MAGIC.copy(head, 0);
  head.writeUInt32LE(TOWN_INDEX_FORMAT, 8);
  head.writeUInt32LE(json.length, 12);
  json.copy(head, 16);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, TOWN_INDEX_FILE);
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat([head, payload]));
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function readTownIndexFile(dir: string, datasetVersion: string): ReadResult {
  let buf: Buffer;
  try {
    buf = readFileSync(path.join(dir, TOWN_INDEX_FILE));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, missing, why: missing ? 'no stored index' : `unreadable: ${(e as Error).message}` };
  }
  const fail = (why: string): ReadResult => ({ ok: false, missing: false, why });
  if (buf.length < 16 || !buf.subarray(0, 8).equals(MAGIC)) return fail('not a town index file');
  const format = buf.readUInt32LE(8);
  if (format !== TOWN_INDEX_FORMAT) return fail(`format ${format}, expected ${TOWN_INDEX_FORMAT}`);
  const jsonLen = buf.readUInt32LE(12);
  if (16 + jsonLen > buf.length) return fail('truncated header');
  let h: Header;
  try {
    h = JSON.parse(buf.toString('utf8', 16, 16 + jsonLen)) as Header;
  } catch {
    return fail('unreadable header');
  }
  if (typeof h !== 'object' || h === null) return fail('unreadable header');
  if (h.datasetVersion !== datasetVersion) return fail(`built for ${String(h.datasetVersion)}, not ${datasetVersion}`);
  const payload = buf.subarray(align8(16 + jsonLen));
  if (crc32(payload) !== h.crc) return fail('checksum mismatch');
  try {
    const n = h.size;
    // Each column is copied out of the file's buffer so the buffer (and its duplicate kd-tree and
    // name bytes) can be collected; the copies are a few MB and a few ms.
    const column = <T>(name: SectionName, make: (b: ArrayBuffer) => T, width: number): T => {
      const [off, len] = h.sections[name];
      if (len !== n * width || off + len > payload.length) throw new Error(`section ${name} has ${len} bytes`);
      return make(payload.buffer.slice(payload.byteOffset + off, payload.byteOffset + off + len) as ArrayBuffer);
    };
    const [kdOff, kdLen] = h.sections.kd;
    if (kdOff + kdLen > payload.length) throw new Error('section kd is truncated');
    const kd = KDBush.from(payload.buffer.slice(payload.byteOffset + kdOff, payload.byteOffset + kdOff + kdLen) as ArrayBuffer);
    if (kd.numItems !== Math.max(n, 1)) throw new Error('kd-tree size differs');
    const [nameOff, nameLen] = h.sections.names;
    if (nameOff + nameLen > payload.length) throw new Error('section names is truncated');
    const names = n === 0 ? [] : payload.toString('utf8', nameOff, nameOff + nameLen).split(NUL);
    if (names.length !== n) throw new Error(`${names.length} names for ${n} towns`);
    const index: CityIndex = {
      size: n,
      kd,
      names,
      lat: column('lat', (b) => new Float64Array(b), 8),
      lon: column('lon', (b) => new Float64Array(b), 8),
      country: column('country', (b) => new Uint16Array(b), 2),
      countryCodes: h.countryCodes,
      countryIds: new Map(h.countryCodes.map((c, i) => [c, i] as const)),
      admin: column('admin', (b) => new Uint16Array(b), 2),
      section: column('section', (b) => new Uint8Array(b), 1),
      region: column('region', (b) => new Uint16Array(b), 2),
      regionNames: h.regionNames,
    };
    return { ok: true, towns: { index, countryNames: new Map(h.countryNames), regionNames: h.hasRegionNames, warnings: h.warnings } };
  } catch (e) {
    return fail(`damaged: ${(e as Error).message}`);
  }
}

function bytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
