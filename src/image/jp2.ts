import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import { sipsDecoder, viaTemp, type HeicDecoder } from './heic.js';
import { PREVIEW_SIZE } from './render.js';

const run = promisify(execFile);

/**
 * Linux: `opj_decompress` from Debian's libopenjp2-tools (OpenJPEG, the reference decoder; sharp's
 * prebuilt libvips has no JPEG 2000 loader). Chosen over a WASM decoder from npm for the reasons
 * djxl was (jxl.ts): no new dependency, native code, the platform-tool shape of the other formats.
 *
 * It writes an uncompressed TIFF (the stream's bit depth, alpha kept): its PNG writer spent ten
 * times as long compressing (7.4 s against 0.7 s for a lossless 3120x2080 photo, OpenJPEG 2.5).
 * A photo at least twice the preview's size is decoded at a lower resolution level (`-r`, the
 * wavelet's own reduction: 0.25 s for that photo at half size, and a 100 MP archival scan never
 * becomes a 300 MB temporary file). A stream with fewer levels than asked is decoded whole.
 * JPEG 2000 has no orientation of its own: the pixels come out as stored.
 */
export function opjDecoder(previewSize = PREVIEW_SIZE): HeicDecoder {
  return {
    name: 'opj_decompress',
    async toJpeg(file) {
      const size = await jp2Size(file);
      const reduce = size ? reductionFor(Math.max(size.width, size.height), previewSize) : 0;
      const decode = (r: number) => viaTemp((out) => opjDecompress(['-i', file, '-o', out, ...(r > 0 ? ['-r', String(r)] : [])]), '.tif');
      if (reduce === 0) return decode(0);
      try {
        return await decode(reduce);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw e; // not installed
        return decode(0);
      }
    },
  };
}

/**
 * OpenJPEG prints why it failed ("[ERROR] Tile part length size inconsistent with stream length")
 * on stdout, and only "failed to decode image!" on stderr: its reasons are put first in what the
 * preview pass reports.
 */
async function opjDecompress(args: string[]): Promise<unknown> {
  try {
    return await run('opj_decompress', args, { timeout: 120_000 });
  } catch (e) {
    const err = e as { stdout?: unknown; stderr?: unknown };
    const reasons = String(err.stdout ?? '').split('\n').filter((l) => l.startsWith('[ERROR]'));
    if (reasons.length) err.stderr = [...reasons, String(err.stderr ?? '')].join('\n');
    throw e;
  }
}

/** How many resolution levels to drop so the long side stays at least `previewSize` (each halves it). */
export function reductionFor(long: number, previewSize: number): number {
  let r = 0;
  while (r < 8 && Math.floor(long / 2 ** (r + 1)) >= previewSize) r++;
  return r;
}

/**
 * The image size a JPEG 2000 file declares: a JP2/JPX file's image header box (`jp2h` → `ihdr`),
 * or a bare codestream's SIZ marker. Null when neither is where the standard puts it.
 */
export async function jp2Size(file: string): Promise<{ width: number; height: number } | null> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await fh.read(head, 0, 64, 0);
    // A codestream: SOC (FF4F) then SIZ (FF51): Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz.
    if (bytesRead >= 28 && head.readUInt16BE(0) === 0xff4f && head.readUInt16BE(2) === 0xff51) {
      const width = head.readUInt32BE(8) - head.readUInt32BE(16);
      const height = head.readUInt32BE(12) - head.readUInt32BE(20);
      return width > 0 && height > 0 ? { width, height } : null;
    }
    // A JP2 family file: boxes of (length, type); the header box holds `ihdr` (height, width).
    const stat = await fh.stat();
    let at = 0;
    for (let n = 0; n < 64 && at + 8 <= stat.size; n++) {
      const box = Buffer.alloc(16);
      await fh.read(box, 0, 16, at);
      const type = box.toString('latin1', 4, 8);
      let len = box.readUInt32BE(0);
      let body = at + 8;
      if (len === 1) {
        len = Number(box.readBigUInt64BE(8));
        body = at + 16;
      } else if (len === 0) len = stat.size - at;
      if (len < body - at) return null;
      if (type === 'jp2h') {
        const ihdr = Buffer.alloc(16);
        await fh.read(ihdr, 0, 16, body);
        if (ihdr.toString('latin1', 4, 8) !== 'ihdr') return null;
        const height = ihdr.readUInt32BE(8), width = ihdr.readUInt32BE(12);
        return width > 0 && height > 0 ? { width, height } : null;
      }
      if (type === 'jp2c') return null; // the codestream comes after the header box, never before
      at += len;
    }
    return null;
  } finally {
    await fh.close();
  }
}

/** macOS: ImageIO reads JPEG 2000, through `sips` (the HEIC door). */
export function platformJp2Decoders(platform = process.platform): HeicDecoder[] {
  return platform === 'darwin' ? [sipsDecoder] : [opjDecoder()];
}
