import { open, type FileHandle } from 'node:fs/promises';
import type { EmbeddedLocation, ImageLocations } from '../store/repositories/embedded-locations.repository.js';
import { DaemonError } from '../errors/index.js';
import { chooseEmbedded } from './choose-embedded.js';

/** Below this long side an embedded image is a placeholder, not a preview (as the ExifTool path). */
export const MIN_USEFUL = 32;
/** Bytes read per step while walking a JPEG's header segments (EXIF, ICC, tables) to its SOF. */
const HEADER_STEP = 8 * 1024;
/** Most header segments walked before giving up on finding a frame header. */
const MAX_SEGMENTS = 64;

/**
 * RAW formats whose every embedded image ExifTool extracts comes from an offset/length pair it
 * reports (TIFF-based: the IFDs' and maker notes' Start/Length tags), checked on the fixtures
 * byte for byte. RAF's PreviewImage (the JPEG inside the RAF container) is found from the RAF
 * header here (rafPreview). Elsewhere ExifTool has candidates without one, which a choice among
 * the located alone would miss: RW2/RWL's JpgFromRaw is a binary tag, CR3/CRW/X3F/MRW keep theirs
 * in their own containers, JPEG and HEIC previews come from the file itself first.
 */
const TRUSTED_EXTS = new Set(['nef', 'nrw', 'cr2', 'arw', 'srf', 'sr2', 'dng', 'raf']);
/**
 * TIFF-based too, but with no fixture to prove that ExifTool has no candidate without offsets
 * (old maker notes keep binary previews): used only when a located image covers the preview
 * size, so nothing ExifTool might add could give a better preview, only a different cover.
 */
const COVER_ONLY_EXTS = new Set(['pef', 'orf', 'srw', 'erf', '3fr', 'iiq', 'mos', 'dcr', 'mef', 'kdc', 'gpr']);

/** Whether recorded offsets can stand for ExifTool's extraction for files with this extension. */
export function locatable(ext: string): boolean {
  const e = ext.toLowerCase();
  return TRUSTED_EXTS.has(e) || COVER_ONLY_EXTS.has(e);
}

/** Candidate order, best first (the ExifTool path's): ties in the choice keep it. */
const ORDER = ['JpgFromRaw', 'PreviewImage', 'OtherImage', 'ThumbnailImage'];

/**
 * The JPEG inside a RAF container, which ExifTool gives as PreviewImage: its offset and length are
 * the big-endian words at bytes 84 and 88 of the RAF header (after the 16-byte magic, format
 * version, camera id and name, directory version).
 */
async function rafPreview(fh: FileHandle): Promise<EmbeddedLocation | null> {
  const h = await readAt(fh, 0, 92);
  if (h.length < 92 || h.toString('latin1', 0, 15) !== 'FUJIFILMCCD-RAW') return null;
  const start = h.readUInt32BE(84);
  const length = h.readUInt32BE(88);
  return length > 0 ? { tag: 'PreviewImage', start, length } : null;
}

/** Counters for benchmarks and logs: previews read at recorded offsets, and those that fell back. */
export const locatedStats = { read: 0, fellBack: 0 };

/** Why the recorded locations cannot be used; the caller then asks ExifTool, as before. */
export class NotLocated extends Error {}

export interface LocatedChoice {
  name: string;
  buf: Buffer;
  /** Candidates passed over, as the ExifTool path words them ("PreviewImage: only 16x12"). */
  tried: string[];
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic): they carry the size. */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === len ? buf : buf.subarray(0, got);
}

/**
 * Width and height from the frame header of the JPEG at `at` (a few KB read, segment by segment):
 * what sharp's header probe reads, without extracting the image. Null when the bytes there are not
 * a JPEG header (an offset from another base, a rewritten file).
 */
export async function jpegSizeAt(fh: FileHandle, at: EmbeddedLocation): Promise<{ width: number; height: number } | null> {
  let base = at.start;
  let buf = await readAt(fh, base, Math.min(HEADER_STEP, at.length));
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8 || buf[2] !== 0xff) return null;
  let p = 2; // relative to the image start
  for (let n = 0; n < MAX_SEGMENTS; n++) {
    if (p + 9 > at.length) return null;
    if (p - (base - at.start) + 9 > buf.length) {
      base = at.start + p;
      buf = await readAt(fh, base, Math.min(HEADER_STEP, at.length - p));
      if (buf.length < 9) return null;
    }
    const q = p - (base - at.start);
    if (buf[q] !== 0xff) return null;
    const marker = buf[q + 1]!;
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) return null; // no frame before the data
    const segLen = buf.readUInt16BE(q + 2);
    if (segLen < 2) return null;
    if (isSof(marker)) {
      const height = buf.readUInt16BE(q + 5);
      const width = buf.readUInt16BE(q + 7);
      return width > 0 && height > 0 ? { width, height } : null;
    }
    p += 2 + segLen;
  }
  return null;
}

/**
 * A complete JPEG: starts with SOI and ends with EOI, followed at most by padding (Sony pads its
 * previews with 0xFF, Fujifilm with zeros). Bytes read from a wrong base or a rewritten file almost
 * never pass this and the frame-header walk both.
 */
export function isWholeJpeg(buf: Buffer): boolean {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return false;
  const eoi = buf.lastIndexOf(Buffer.from([0xff, 0xd9]));
  if (eoi < 2) return false;
  for (let i = eoi + 2; i < buf.length; i++) if (buf[i] !== 0x00 && buf[i] !== 0xff) return false;
  return true;
}

export interface ReadLocatedOptions {
  previewSize: number;
  /** The file's extension (lower case): which container it is (see locatable). */
  ext: string;
  /** `${size}:${mtimeNs}:${ino}` the content hash was taken for (files.scanned_sig). */
  scannedSig: string | null;
  /** sharp's header probe of the chosen bytes (the last check that it decodes). */
  probe: (buf: Buffer) => Promise<{ width: number; height: number } | null>;
}

/**
 * The embedded JPEG the preview pass would choose among `loc` (chooseEmbedded over the candidates'
 * frame headers), read with one positioned read and checked: in the file, whole, its header probed
 * by sharp with the same size. Throws NotLocated when the recorded offsets do not hold (another
 * base, a truncated file, a TIFF that may win: the caller asks ExifTool instead);
 * FILE_CHANGED_DURING_PASS when the file is no longer the content that was hashed; an fs error
 * opening or reading the file propagates (ENOENT, EACCES: FILE_NOT_FOUND / FILE_PERMISSION_DENIED).
 */
export async function readLocated(file: string, loc: ImageLocations, o: ReadLocatedOptions): Promise<LocatedChoice> {
  const fh = await open(file, 'r');
  try {
    const st = await fh.stat({ bigint: true });
    // The offsets were read from the content the hash was taken of: a file rewritten since (size,
    // time or inode differ) is not that content, and its bytes at those offsets mean nothing.
    // Asking ExifTool instead would preview other bytes than the hash in this job's key, silently:
    // a clear, retryable failure instead (the rescan of the changed file supersedes the job).
    if (o.scannedSig === null) throw new NotLocated('no scan signature');
    if (`${st.size}:${st.mtimeNs}:${st.ino}` !== o.scannedSig) throw new DaemonError('FILE_CHANGED_DURING_PASS', 'the file changed since it was hashed (its embedded image offsets no longer hold)');
    if (!locatable(o.ext)) throw new NotLocated(`.${o.ext}: ExifTool has candidates without offsets`);
    const size = Number(st.size);
    const candidates = [...loc.located];
    if (o.ext === 'raf') {
      const p = await rafPreview(fh);
      if (!p) throw new NotLocated('no RAF header');
      candidates.push(p);
    }
    candidates.sort((a, b) => ORDER.indexOf(a.tag) - ORDER.indexOf(b.tag));
    const tried: string[] = [];
    const usable: (EmbeddedLocation & { name: string; long: number })[] = [];
    for (const l of candidates) {
      if (l.start + l.length > size) throw new NotLocated(`${l.tag} ends past the end of the file`);
      const m = await jpegSizeAt(fh, l);
      if (!m) throw new NotLocated(`${l.tag}: no JPEG header at ${l.start}`);
      const long = Math.max(m.width, m.height);
      if (long < MIN_USEFUL) {
        tried.push(`${l.tag}: only ${m.width}x${m.height}`);
        continue;
      }
      usable.push({ ...l, name: l.tag, long });
    }
    const chosen = chooseEmbedded(usable, o.previewSize);
    // A TIFF preview (no offsets) could only win the choice if it might be as large as what was
    // chosen or the preview size: at ≥ 1 byte a pixel and ≤ 4:1 sides, its long side is at most
    // √(4·bytes). Otherwise ExifTool's full choice (which sees the TIFFs) decides.
    const bar = Math.min(o.previewSize, chosen?.long ?? 0);
    if (loc.tiffBytes !== null && Math.sqrt(4 * loc.tiffBytes) >= Math.max(MIN_USEFUL, bar)) throw new NotLocated('a TIFF preview may be the better choice');
    if (!chosen) throw new NotLocated('no located image is large enough'); // ExifTool's path has the last word
    if (!TRUSTED_EXTS.has(o.ext) && chosen.long < o.previewSize) throw new NotLocated(`.${o.ext}: no located image covers the preview size`);
    const buf = await readAt(fh, chosen.start, chosen.length);
    if (buf.length !== chosen.length || !isWholeJpeg(buf)) throw new NotLocated(`${chosen.name}: not a whole JPEG at ${chosen.start}`);
    const m = await o.probe(buf);
    if (!m || Math.max(m.width, m.height) !== chosen.long) throw new NotLocated(`${chosen.name}: its header does not decode`);
    // The file must still be the one checked above after the read (a writer racing this pass).
    const after = await fh.stat({ bigint: true });
    if (after.size !== st.size || after.mtimeNs !== st.mtimeNs) throw new DaemonError('FILE_CHANGED_DURING_PASS', 'the file changed while its embedded preview was read');
    return { name: chosen.name, buf, tried };
  } finally {
    await fh.close();
  }
}
