import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sipsDecoder, viaTemp, type HeicDecoder } from './heic.js';

const run = promisify(execFile);

/**
 * Linux: `djxl` from Debian's libjxl-tools, the reference decoder (sharp's prebuilt libvips has no
 * JPEG XL loader). Chosen over a WASM decoder from npm: no new dependency, the reference
 * implementation, multi-threaded native code, and the same spawn-a-platform-tool shape as HEIC.
 * djxl applies the codestream's orientation, so pixels come out upright.
 */
export const djxlDecoder: HeicDecoder = {
  name: 'djxl',
  // toJpeg's name is historical: the bytes may be a PNG (any format sharp reads will do).
  toJpeg: (file) => djxlDecode(file),
};

/**
 * What djxl is asked to write, in order.
 * - A JPEG at quality 95, 8 bits a sample, from the decoded pixels (-j: a recompressed JPEG is
 *   decoded and turned upright rather than its stored bytes given back unrotated). The preview is a
 *   q85 JPEG of at most 2048 px made from it, and djxl keeps the colour profile in it. Measured
 *   here (djxl 0.7): 139 ms against 1034 for the PNG of an 8-bit 1440x1080 photo, 1.1 s against
 *   7.2 s for a 16-bit HDR one (immich-app/test-assets); PNG's compression was most of djxl's time.
 * - PNG, lossless, for a djxl without a JPEG writer. Its writer keeps the stream's bit depth and
 *   refuses the ones PNG has no room for (float samples from an HDR or PFM master: "Bit depth does
 *   not fit pixel data type"; an alpha deeper than the colour): then 16 bits a sample, then 8
 *   (16 fails on some 8-bit streams).
 * A PNG failure other than the bit depth (a truncated or corrupt file) is not retried.
 */
const ATTEMPTS: readonly { ext: string; args: readonly string[] }[] = [
  { ext: '.jpg', args: ['-j', '--bits_per_sample=8'] },
  { ext: '.png', args: [] },
  { ext: '.png', args: ['--bits_per_sample=16'] },
  { ext: '.png', args: ['--bits_per_sample=8'] },
];

async function djxlDecode(file: string): Promise<Buffer> {
  let jpegFailure: unknown, pngFailure: unknown;
  for (const { ext, args } of ATTEMPTS) {
    try {
      return await viaTemp((out) => run('djxl', ['--quiet', ...args, file, out], { timeout: 60_000 }), ext);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw e; // not installed: nothing else to try
      if (ext === '.jpg') {
        jpegFailure = e;
        continue;
      }
      // The PNG writer's words are the ones reported (the JPEG writer may just be missing).
      const depth = /bit depth/i.test(stderrOf(e));
      if (!depth || pngFailure === undefined) pngFailure = e;
      if (!depth) break;
    }
  }
  throw pngFailure ?? jpegFailure;
}

function stderrOf(e: unknown): string {
  return String((e as { stderr?: unknown }).stderr ?? '');
}

/** macOS 14+: ImageIO reads JPEG XL, through `sips` (the HEIC door). */
export function platformJxlDecoders(platform = process.platform): HeicDecoder[] {
  return platform === 'darwin' ? [sipsDecoder] : [djxlDecoder];
}
