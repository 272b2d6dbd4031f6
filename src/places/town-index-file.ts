import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import KDBush from 'kdbush';
import { writeCacheFile } from './cache-file.js';
import type { CityIndex } from './city-index.js';

/**
 * The built town index on disk, so a (re)started places worker reads ~10 MB of ready columns and a
 * finished kd-tree instead of decoding cities.pbf and Geolocation.dat again (a second of CPU and
 * tens of MB of transient heap). Layout: "RLTOWNS\0", u32 format, u32 header length, the header's
 * CRC-32, a JSON header (dataset version, CRC-32 of the payload, section offsets, the short string
 * tables), then the sections, each 8-byte aligned. Written to a temporary name and renamed, so a reader never sees a
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
  /** The build's warnings; an index built with any is not stored (a read has none). */
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
}

type SectionName = 'kd' | 'lat' | 'lon' | 'country' | 'admin' | 'section' | 'region' | 'names';

export type ReadResult = { ok: true; towns: StoredTowns } | { ok: false; missing: boolean; why: string };

const NUL = '\u0000';
const PAD = new Uint8Array(8);
/** Magic, format, header length, header CRC-32, 4 spare bytes. */
const PREFIX = 24;

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
  let crc = 0;
  for (const [name, b] of parts) {
    sections[name] = [offset, b.byteLength];
    const end = align8(offset + b.byteLength);
    crc = crc32(PAD.subarray(0, end - offset - b.byteLength), crc32(b, crc));
    offset = end;
  }
  const header: Header = {
    datasetVersion,
    size: ix.size,
    crc,
    sections,
    countryCodes: [...ix.countryCodes],
    regionNames: [...ix.regionNames],
    countryNames: [...towns.countryNames],
    hasRegionNames: towns.regionNames,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(align8(PREFIX + json.length));
  MAGIC.copy(head, 0);
  head.writeUInt32LE(TOWN_INDEX_FORMAT, 8);
  head.writeUInt32LE(json.length, 12);
  head.writeUInt32LE(crc32(json), 16);
  json.copy(head, PREFIX);
  // Section by section from the index's own arrays: no second copy of the index in memory.
  writeCacheFile(dir, TOWN_INDEX_FILE, (fd) => {
    writeAll(fd, head);
    for (const [, b] of parts) {
      writeAll(fd, b);
      writeAll(fd, PAD.subarray(0, align8(b.byteLength) - b.byteLength));
    }
  });
}

export function readTownIndexFile(dir: string, datasetVersion: string): ReadResult {
  let fd: number;
  try {
    fd = openSync(path.join(dir, TOWN_INDEX_FILE), 'r');
  } catch (e) {
    // ENOTDIR: the cache folder itself is missing (a file stands where it should be).
    const missing = ['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '');
    return { ok: false, missing, why: missing ? 'no stored index' : `unreadable: ${(e as Error).message}` };
  }
  try {
    return readOpen(fd, datasetVersion);
  } catch (e) {
    return { ok: false, missing: false, why: `unreadable: ${(e as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads each section straight into the array it becomes (no buffer of the whole file, no copies):
 * the worker's peak while loading stays at the index's own size.
 */
function readOpen(fd: number, datasetVersion: string): ReadResult {
  const fail = (why: string): ReadResult => ({ ok: false, missing: false, why });
  const fileSize = fstatSync(fd).size;
  const start = Buffer.alloc(PREFIX);
  if (fileSize < PREFIX || readAt(fd, start, 0) !== PREFIX || !start.subarray(0, 8).equals(MAGIC)) return fail('not a town index file');
  const format = start.readUInt32LE(8);
  if (format !== TOWN_INDEX_FORMAT) return fail(`format ${format}, expected ${TOWN_INDEX_FORMAT}`);
  const jsonLen = start.readUInt32LE(12);
  if (PREFIX + jsonLen > fileSize) return fail('truncated header');
  const json = Buffer.alloc(jsonLen);
  if (readAt(fd, json, PREFIX) !== jsonLen || crc32(json) !== start.readUInt32LE(16)) return fail('header checksum mismatch');
  let h: Header;
  try {
    h = JSON.parse(json.toString('utf8')) as Header;
  } catch {
    return fail('unreadable header');
  }
  if (typeof h !== 'object' || h === null) return fail('unreadable header');
  if (h.datasetVersion !== datasetVersion) return fail(`built for ${String(h.datasetVersion)}, not ${datasetVersion}`);
  const base = align8(PREFIX + jsonLen);
  const n = h.size;
  let crc = 0;
  let expected = 0;
  // Sections are read in file order so the CRC runs over the payload as written.
  const section = (name: SectionName, width: number | null): Uint8Array => {
    const [off, len] = h.sections[name];
    if (off !== expected || (width !== null && len !== n * width)) throw new Error(`section ${name} is out of place`);
    const padded = align8(len);
    if (base + off + padded > fileSize) throw new Error(`section ${name} is truncated`);
    const b = new Uint8Array(new ArrayBuffer(padded));
    if (readAt(fd, b, base + off) !== padded) throw new Error(`section ${name} is truncated`);
    crc = crc32(b, crc);
    expected = off + padded;
    return b.subarray(0, len);
  };
  try {
    const kdBytes = section('kd', null);
    const lat = new Float64Array(section('lat', 8).buffer, 0, n);
    const lon = new Float64Array(section('lon', 8).buffer, 0, n);
    const country = new Uint16Array(section('country', 2).buffer, 0, n);
    const admin = new Uint16Array(section('admin', 2).buffer, 0, n);
    const kind = section('section', 1);
    const region = new Uint16Array(section('region', 2).buffer, 0, n);
    const nameBytes = section('names', null);
    if (crc !== h.crc || base + expected !== fileSize) return fail('checksum mismatch');
    const kd = KDBush.from(kdBytes.buffer.byteLength === kdBytes.byteLength ? kdBytes.buffer : kdBytes.slice().buffer);
    if (kd.numItems !== Math.max(n, 1)) throw new Error('kd-tree size differs');
    const names = splitNames(Buffer.from(nameBytes.buffer, 0, nameBytes.byteLength), n);
    const index: CityIndex = {
      size: n,
      kd,
      names,
      lat,
      lon,
      country,
      countryCodes: h.countryCodes,
      countryIds: new Map(h.countryCodes.map((c, i) => [c, i] as const)),
      admin,
      section: kind,
      region,
      regionNames: h.regionNames,
    };
    return { ok: true, towns: { index, countryNames: new Map(h.countryNames), regionNames: h.hasRegionNames, warnings: [] } };
  } catch (e) {
    return fail(`damaged: ${(e as Error).message}`);
  }
}

/**
 * One string per name, decoded on its own: splitting one decoded string made every name a slice of
 * a 3 MB two-byte parent (a single non-Latin-1 name widens it all), ~4 MB more than this.
 */
function splitNames(bytes: Buffer, n: number): string[] {
  const names = new Array<string>(n);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const end = i === n - 1 ? bytes.length : bytes.indexOf(0, pos);
    if (end < 0) throw new Error(`${i + 1} names for ${n} towns`);
    names[i] = bytes.toString('utf8', pos, end);
    pos = end + 1;
  }
  if (n > 0 && pos !== bytes.length + 1) throw new Error(`more names than ${n} towns`);
  return names;
}

function readAt(fd: number, into: Uint8Array, position: number): number {
  let done = 0;
  while (done < into.byteLength) {
    const got = readSync(fd, into, done, into.byteLength - done, position + done);
    if (got === 0) break;
    done += got;
  }
  return done;
}

function writeAll(fd: number, b: Uint8Array): void {
  let done = 0;
  while (done < b.byteLength) done += writeSync(fd, b, done, b.byteLength - done);
}

function bytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
