import { open, type FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliDecompress } from 'node:zlib';

const unbrotli = promisify(brotliDecompress);

/** The JPEG XL container's first box: a JXL in ISO BMFF boxes rather than a bare codestream. */
const SIGNATURE = Buffer.from([0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a]);

/** A decompressed box larger than this is not metadata (a Brotli bomb, or not Exif/XMP at all). */
const MAX_BOX_BYTES = 64 * 2 ** 20;

/** ExifTool's warning for a JXL whose Exif or XMP it could not read because they are compressed. */
export const BROTLI_WARNING = /Brotli-compressed metadata/;

/**
 * Copies a JPEG XL container to `out` with every `brob` box (Brotli-compressed, ISO/IEC 18181-2)
 * replaced by the box it holds, decompressed; every other box is copied as it is. cjxl stores a
 * photo's Exif and XMP that way, and ExifTool decodes them only with the Perl module
 * IO::Uncompress::Brotli, which neither exiftool-vendored's Perl nor macOS's has: it reads the
 * copy instead. Node's zlib has Brotli built in. Returns the number of boxes decompressed (0: the
 * file is not a container, or has none; `out` is then not written).
 */
export async function decompressJxlBoxes(file: string, out: string): Promise<number> {
  const src = await open(file, 'r');
  try {
    const head = Buffer.alloc(SIGNATURE.length);
    await src.read(head, 0, head.length, 0);
    if (!head.equals(SIGNATURE)) return 0;
    const size = (await src.stat()).size;
    const boxes = await boxesOf(src, size);
    if (!boxes.some((b) => b.type === 'brob')) return 0;
    const dst = await open(out, 'w');
    let n = 0;
    try {
      for (const b of boxes) {
        if (b.type !== 'brob') {
          await copyRange(src, dst, b.start, b.end - b.start);
          continue;
        }
        const body = Buffer.alloc(b.end - b.bodyStart);
        await src.read(body, 0, body.length, b.bodyStart);
        const inner = body.subarray(0, 4).toString('latin1');
        const data = await unbrotli(body.subarray(4), { maxOutputLength: MAX_BOX_BYTES });
        const header = Buffer.alloc(8);
        header.writeUInt32BE(8 + data.length, 0);
        header.write(inner, 4, 'latin1');
        await dst.write(header);
        await dst.write(data);
        n++;
      }
    } finally {
      await dst.close();
    }
    return n;
  } finally {
    await src.close();
  }
}

interface Box {
  type: string;
  start: number;
  bodyStart: number;
  end: number;
}

/** The top-level boxes (ISO BMFF: 32-bit size and type; size 1: a 64-bit size follows; 0: to the end). */
async function boxesOf(f: FileHandle, fileSize: number): Promise<Box[]> {
  const boxes: Box[] = [];
  const h = Buffer.alloc(16);
  for (let at = 0; at < fileSize; ) {
    const { bytesRead } = await f.read(h, 0, 16, at);
    if (bytesRead < 8) throw new Error(`a JPEG XL box header at byte ${at} is cut short`);
    let len = h.readUInt32BE(0);
    let bodyStart = at + 8;
    if (len === 1) {
      if (bytesRead < 16) throw new Error(`a JPEG XL box header at byte ${at} is cut short`);
      len = Number(h.readBigUInt64BE(8));
      bodyStart = at + 16;
    } else if (len === 0) {
      len = fileSize - at;
    }
    if (len < bodyStart - at || at + len > fileSize) throw new Error(`a JPEG XL box at byte ${at} claims ${len} bytes, past the end of the file`);
    boxes.push({ type: h.subarray(4, 8).toString('latin1'), start: at, bodyStart, end: at + len });
    at += len;
  }
  return boxes;
}

async function copyRange(src: FileHandle, dst: FileHandle, start: number, length: number): Promise<void> {
  const buf = Buffer.allocUnsafe(Math.min(length, 2 ** 20));
  for (let done = 0; done < length; ) {
    const { bytesRead } = await src.read(buf, 0, Math.min(buf.length, length - done), start + done);
    if (bytesRead === 0) throw new Error('the file got shorter while it was copied');
    await dst.write(buf.subarray(0, bytesRead));
    done += bytesRead;
  }
}
