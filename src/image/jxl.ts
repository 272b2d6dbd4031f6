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
  toJpeg: (file) => viaTemp((out) => run('djxl', ['--quiet', file, out], { timeout: 60_000 }), '.png'),
};

export function platformJxlDecoders(platform = process.platform): HeicDecoder[] {
  return platform === 'darwin' ? [sipsJxlDecoder] : [djxlDecoder];
}
