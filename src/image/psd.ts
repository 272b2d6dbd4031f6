import { createReadStream, createWriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { requireRoom, roomIn } from './temp-room.js';

/**
 * A Photoshop document's composite image (the flattened picture Photoshop saves beside the layers
 * when "Maximize compatibility" is on, as Lightroom's "Edit in Photoshop" needs) as a TIFF that
 * libvips reads. libvips has no PSD loader of its own (only through ImageMagick, which sharp's build
 * lacks), but the composite is planar rows that TIFF describes as they are: a strip per row of each
 * channel, PackBits (PSD's RLE is exactly TIFF's PackBits, row by row) or uncompressed, big-endian
 * samples as in a big-endian TIFF. So the TIFF is a header pointing at the composite's bytes,
 * copied through as a stream: no pixel is decoded here and memory stays flat whatever the
 * document's size (a 50 MP 16-bit composite is ~300 MB). The document's ICC profile goes along, so
 * ProPhoto (Lightroom's default for 16-bit edits) and CMYK documents convert to sRGB as any TIFF.
 *
 * Read: PSD and PSB (large document format); bitmap, grayscale, duotone (its grayscale data),
 * indexed, RGB and CMYK; 1, 8 and 16 bits. Not: multichannel and Lab documents, 32-bit ones (HDR,
 * linear light), ZIP-compressed composites (Photoshop does not write them), documents without a
 * real composite: NoComposite, with the reason; the caller takes another source.
 * Layout: Adobe Photoshop File Formats Specification (header, colour mode data, image resources,
 * layer and mask information, image data).
 */

/** PSD colour modes (header) → TIFF Photometric, colour channels, and whether the data is inverted. */
const MODES: Readonly<Record<number, { name: string; photometric: number; channels: number; inverted?: boolean }>> = {
  0: { name: 'bitmap', photometric: 0, channels: 1 }, // 1 = black: TIFF WhiteIsZero
  1: { name: 'grayscale', photometric: 1, channels: 1 },
  2: { name: 'indexed', photometric: 3, channels: 1 },
  3: { name: 'RGB', photometric: 2, channels: 3 },
  4: { name: 'CMYK', photometric: 5, channels: 4, inverted: true }, // PSD stores 255 for no ink; TIFF 0
  8: { name: 'duotone', photometric: 1, channels: 1 }, // its composite is the grayscale image
};

/** Modes whose composite is not read, and why (the caller falls back to the embedded thumbnail). */
const UNREAD_MODES: Readonly<Record<number, string>> = {
  7: 'a multichannel document has no colour composite',
  // libvips reads TIFF's CIELab (signed a, b) but not ICCLab, PSD's own encoding; rare in photography.
  9: 'Lab documents are not read',
};

/** The document gives no composite rawlight reads; the message says why. */
export class NoComposite extends Error {}

const RESOURCE_ICC = 0x040f;
const RESOURCE_VERSION_INFO = 0x0421;
/** Image resources read whole (profiles, thumbnails, paths): more is not a document Photoshop wrote. */
const MAX_RESOURCES = 64 * 2 ** 20;

export interface PsdComposite {
  width: number;
  height: number;
  depth: number;
  mode: string;
}

class PsdReader {
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  async bytes(at: number, n: number): Promise<Buffer> {
    if (at + n > this.size) throw new NoComposite(`truncated: ${n} bytes at ${at} past the end (${this.size})`);
    const b = Buffer.allocUnsafe(n);
    const { bytesRead } = await this.fh.read(b, 0, n, at);
    if (bytesRead !== n) throw new NoComposite(`truncated: read ${bytesRead} of ${n} bytes at ${at}`);
    return b;
  }

  async u32(at: number): Promise<number> {
    return (await this.bytes(at, 4)).readUInt32BE(0);
  }

  async u64(at: number): Promise<number> {
    const v = (await this.bytes(at, 8)).readBigUInt64BE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new NoComposite('section length out of range');
    return Number(v);
  }
}

interface Layout {
  width: number;
  height: number;
  depth: number;
  mode: (typeof MODES)[number];
  palette: Buffer | null;
  icc: Buffer | null;
  compression: number;
  /** Where the colour channels' bytes start, and each of their rows' byte counts, channel after channel. */
  dataAt: number;
  rowBytes: number[];
}

/** Reads the document's structure: sizes, mode, profile, where the composite's colour planes lie. */
async function layout(r: PsdReader): Promise<Layout> {
  const h = await r.bytes(0, 26);
  if (h.toString('latin1', 0, 4) !== '8BPS') throw new NoComposite('not a Photoshop document (no 8BPS signature)');
  const version = h.readUInt16BE(4);
  if (version !== 1 && version !== 2) throw new NoComposite(`unknown Photoshop document version ${version}`);
  const big = version === 2;
  const channels = h.readUInt16BE(12);
  const height = h.readUInt32BE(14);
  const width = h.readUInt32BE(18);
  const depth = h.readUInt16BE(22);
  const mode = MODES[h.readUInt16BE(24)];
  if (!mode) throw new NoComposite(UNREAD_MODES[h.readUInt16BE(24)] ?? `unknown colour mode ${h.readUInt16BE(24)}`);
  if (depth === 32) throw new NoComposite('32-bit (HDR) documents are not read');
  if (![1, 8, 16].includes(depth) || (depth === 1) !== (mode.name === 'bitmap')) throw new NoComposite(`${depth}-bit ${mode.name} is not a Photoshop format`);
  if (width < 1 || height < 1 || channels < mode.channels) throw new NoComposite(`bad header: ${width}x${height}, ${channels} channels for ${mode.name}`);

  let at = 26;
  const modeDataLen = await r.u32(at);
  if (mode.name === 'indexed' && modeDataLen < 768) throw new NoComposite(`an indexed document with a ${modeDataLen}-byte palette`);
  const palette = mode.name === 'indexed' ? await r.bytes(at + 4, 768) : null;
  at += 4 + modeDataLen;

  const resLen = await r.u32(at);
  if (resLen > MAX_RESOURCES) throw new NoComposite(`image resources of ${resLen} bytes`);
  const res = await r.bytes(at + 4, resLen);
  at += 4 + resLen;
  let icc: Buffer | null = null;
  for (let p = 0; p + 12 <= res.length; ) {
    if (res.toString('latin1', p, p + 4) !== '8BIM') break;
    const id = res.readUInt16BE(p + 4);
    const nameLen = res[p + 6]!;
    const sizeAt = p + 6 + ((nameLen + 2) & ~1); // Pascal name, padded to an even length
    if (sizeAt + 4 > res.length) break;
    const size = res.readUInt32BE(sizeAt);
    const data = res.subarray(sizeAt + 4, sizeAt + 4 + size);
    if (id === RESOURCE_ICC) icc = Buffer.from(data);
    // Saved without "Maximize compatibility": the composite is a placeholder, not the picture.
    if (id === RESOURCE_VERSION_INFO && data.length >= 5 && data[4] === 0) throw new NoComposite('no composite image (saved without "Maximize compatibility")');
    p = sizeAt + 4 + ((size + 1) & ~1);
  }

  const layersLen = big ? await r.u64(at) : await r.u32(at);
  at += (big ? 8 : 4) + layersLen;

  const compression = (await r.bytes(at, 2)).readUInt16BE(0);
  at += 2;
  const unpacked = Math.ceil((width * depth) / 8);
  let rowBytes: number[];
  if (compression === 0) {
    // Checked before the row table is made: a damaged header can claim billions of rows.
    if (at + mode.channels * height * unpacked > r.size) throw new NoComposite(`truncated: ${width}x${height} needs ${mode.channels * height * unpacked} bytes at ${at}`);
    rowBytes = Array<number>(mode.channels * height).fill(unpacked);
  } else if (compression === 1) {
    // Each row's packed length, channel after channel: only the colour channels' are needed.
    const w = big ? 4 : 2;
    const counts = await r.bytes(at, mode.channels * height * w);
    rowBytes = Array.from({ length: mode.channels * height }, (_, i) => (big ? counts.readUInt32BE(i * 4) : counts.readUInt16BE(i * 2)));
    at += channels * height * w;
  } else {
    throw new NoComposite(`composite compression ${compression}${compression === 2 || compression === 3 ? ' (ZIP)' : ''} is not read`);
  }
  const total = rowBytes.reduce((a, b) => a + b, 0);
  if (total === 0 || at + total > r.size) throw new NoComposite(`truncated: the composite needs ${total} bytes at ${at}`);
  return { width, height, depth, mode, palette, icc, compression, dataAt: at, rowBytes };
}

/** A big-endian TIFF header and IFD describing the planes that follow it (PlanarConfiguration 2). */
function tiffHeader(l: Layout): Buffer {
  const n = l.mode.channels;
  type Entry = [tag: number, type: 3 | 4 | 7, values: number[] | Buffer];
  const SHORT = 3, LONG = 4, UNDEFINED = 7;
  const entries: Entry[] = [
    [256, LONG, [l.width]],
    [257, LONG, [l.height]],
    [258, SHORT, Array(n).fill(l.depth)],
    [259, SHORT, [l.compression === 1 ? 32773 : 1]],
    [262, SHORT, [l.mode.photometric]],
    // A strip per row of each channel: libvips then reads the planes row by row, in step, instead
    // of whole planes into memory (+290 MB for a 24 MP 16-bit document as one strip per channel).
    [273, LONG, Array(l.rowBytes.length).fill(0)], // strip offsets: filled in below
    [277, SHORT, [n]],
    [278, LONG, [1]],
    [279, LONG, l.rowBytes],
    [284, SHORT, [n > 1 ? 2 : 1]],
  ];
  if (l.palette) entries.push([320, SHORT, [...l.palette].map((v) => v * 257)]);
  if (l.icc) entries.push([34675, UNDEFINED, l.icc]);

  const size = (e: Entry) => (Buffer.isBuffer(e[2]) ? e[2].length : e[2].length * (e[1] === SHORT ? 2 : 4));
  const ifdAt = 8;
  let extraAt = ifdAt + 2 + entries.length * 12 + 4;
  const extras = entries.map((e) => {
    if (size(e) <= 4) return null;
    const at = extraAt;
    extraAt += (size(e) + 1) & ~1;
    return at;
  });
  const dataAt = extraAt;
  const offsets = entries.find((e) => e[0] === 273)![2] as number[];
  for (let i = 0, at = dataAt; i < l.rowBytes.length; at += l.rowBytes[i]!, i++) offsets[i] = at;
  if (dataAt + l.rowBytes.reduce((a, b) => a + b, 0) > 0xffffffff) throw new NoComposite('a composite over 4 GB');

  const out = Buffer.alloc(dataAt);
  out.write('MM', 0, 'latin1');
  out.writeUInt16BE(42, 2);
  out.writeUInt32BE(ifdAt, 4);
  out.writeUInt16BE(entries.length, ifdAt);
  const put = (b: Buffer, at: number, e: Entry) => {
    if (Buffer.isBuffer(e[2])) e[2].copy(b, at);
    else e[2].forEach((v, i) => (e[1] === SHORT ? b.writeUInt16BE(v, at + i * 2) : b.writeUInt32BE(v, at + i * 4)));
  };
  entries.forEach((e, i) => {
    const at = ifdAt + 2 + i * 12;
    out.writeUInt16BE(e[0], at);
    out.writeUInt16BE(e[1], at + 2);
    out.writeUInt32BE(e[2].length, at + 4);
    if (extras[i] === null) put(out, at + 8, e);
    else {
      out.writeUInt32BE(extras[i]!, at + 8);
      put(out, extras[i]!, e);
    }
  });
  out.writeUInt32BE(0, ifdAt + 2 + entries.length * 12); // no next IFD
  return out;
}

/**
 * Inverts sample bytes on their way through (CMYK: PSD's 255 is no ink, TIFF's 0). Raw data is all
 * samples; PackBits data is inverted around its control bytes, which keep their meaning: a byte n in
 * 0..127 is followed by n+1 literal bytes, -127..-1 by one byte repeated, -128 is a no-op. A 16-bit
 * sample with both bytes inverted is 65535 - v.
 */
function inverter(packBits: boolean): Transform {
  let literal = 0; // literal bytes still to come
  let repeat = false; // the next byte is a repeated one
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const b = Buffer.from(chunk);
      if (!packBits) {
        for (let i = 0; i < b.length; i++) b[i] = 255 - b[i]!;
      } else {
        for (let i = 0; i < b.length; i++) {
          if (literal > 0) {
            b[i] = 255 - b[i]!;
            literal--;
          } else if (repeat) {
            b[i] = 255 - b[i]!;
            repeat = false;
          } else {
            const n = b[i]! > 127 ? b[i]! - 256 : b[i]!;
            if (n >= 0) literal = n + 1;
            else if (n !== -128) repeat = true;
          }
        }
      }
      done(null, b);
    },
  });
}

/**
 * Writes the document's composite as a TIFF at `out` and says what it is. NoComposite when the
 * document has none rawlight reads (see the module comment); DISK_FULL when the folder of `out`
 * lacks room for it (a composite can be hundreds of MB: the disk is not filled to find out); Node's
 * own errors (ENOENT, EACCES, ENOSPC) pass through. `room`: the free-space probe (tests give theirs).
 */
export async function psdCompositeToTiff(file: string, out: string, room: (dir: string) => Promise<number> = roomIn): Promise<PsdComposite> {
  const fh = await open(file, 'r');
  let l: Layout;
  try {
    l = await layout(new PsdReader(fh, (await fh.stat()).size));
  } finally {
    await fh.close();
  }
  const header = tiffHeader(l);
  const bytes = l.rowBytes.reduce((a, b) => a + b, 0);
  // The folder `out` is made in (the preview pass makes one per document in the temporary folder).
  await requireRoom(path.dirname(path.dirname(out)), { need: header.length + bytes, what: "this document's composite", room });
  const w = createWriteStream(out);
  w.write(header);
  const planes = createReadStream(file, { start: l.dataAt, end: l.dataAt + bytes - 1, highWaterMark: 1 << 20 });
  await (l.mode.inverted ? pipeline(planes, inverter(l.compression === 1), w) : pipeline(planes, w));
  return { width: l.width, height: l.height, depth: l.depth, mode: l.mode.name };
}
