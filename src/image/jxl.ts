import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { viaTemp, type HeicDecoder } from './heic.js';

const run = promisify(execFile);

/** macOS 14+: ImageIO reads JPEG XL, through `sips` (the same door as HEIC). */
export const sipsJxlDecoder: HeicDecoder = {
  name: 'sips',
  toJpeg: (file) => viaTemp((out) => run('/usr/bin/sips', ['-s', 'format', 'jpeg', file, '--out', out], { timeout: 60_000 })),
};

/**
 * Linux: `djxl` from Debian's libjxl-tools, the reference decoder (sharp's prebuilt libvips has no
 * JPEG XL loader). Chosen over a WASM decoder from npm: no new dependency, the reference
 * implementation, multi-threaded native code, and the same spawn-a-platform-tool shape as HEIC.
 * PNG out: lossless, so the preview is made from the decoded pixels once. djxl applies the
 * codestream's orientation, so pixels come out upright.
 */
export const djxlDecoder: HeicDecoder = {
  name: 'djxl',
  // Bytes a PNG buffer: toJpeg's name is historical; any format sharp reads will do.
  toJpeg: (file) => djxlToPng(file),
};

/**
 * djxl's PNG writer keeps the stream's bit depth and refuses the ones PNG has no room for: float
 * samples (a JXL made from an HDR or PFM master: "Bit depth does not fit pixel data type") or an
 * alpha channel deeper than the colour ("Alpha bit depth does not match image bit depth"). Then it
 * is asked for 16 bits a sample, then 8 (16 fails on some 8-bit streams). Any other failure (a
 * truncated or corrupt file) is not retried.
 */
const BIT_DEPTHS = [[], ['--bits_per_sample=16'], ['--bits_per_sample=8']] as const;

async function djxlToPng(file: string): Promise<Buffer> {
  let first: unknown;
  for (const depth of BIT_DEPTHS) {
    try {
      return await viaTemp((out) => run('djxl', ['--quiet', ...depth, file, out], { timeout: 60_000 }), '.png');
    } catch (e) {
      first ??= e;
      if (!/bit depth/i.test(String((e as { stderr?: unknown }).stderr ?? ''))) break;
    }
  }
  throw first;
}

export function platformJxlDecoders(platform = process.platform): HeicDecoder[] {
  return platform === 'darwin' ? [sipsJxlDecoder] : [djxlDecoder];
}
