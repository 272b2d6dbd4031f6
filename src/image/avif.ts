import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ftypBrands } from './ftyp.js';
import { sipsDecoder, viaTemp, type HeicDecoder } from './heic.js';

const run = promisify(execFile);

/**
 * Linux: `avifdec` from Debian's libavif-bin, for AVIF image sequences (animated AVIF, brand
 * `avis`), which sharp's libheif does not read: the first frame, as a q95 JPEG. Only for
 * sequences: for a still image avifdec (0.11) writes the pixels without the container's rotation
 * and mirror (irot/imir), which sharp applies, so a still sharp cannot decode stays a failure
 * rather than becoming a sideways preview.
 */
export const avifdecDecoder: HeicDecoder = {
  name: 'avifdec',
  async toJpeg(file) {
    if (!(await ftypBrands(file)).includes('avis')) throw new Error('unsupported: not an image sequence');
    return viaTemp((out) => run('avifdec', ['--index', '0', '-q', '95', file, out], { timeout: 60_000 }));
  },
};

/**
 * Decoders for the AVIF files sharp cannot read, tried after it. macOS 13+: ImageIO reads AVIF,
 * sequences included (their first frame) and turned upright, through `sips` (the HEIC door).
 */
export function platformAvifDecoders(platform = process.platform): HeicDecoder[] {
  return platform === 'darwin' ? [sipsDecoder] : [avifdecDecoder];
}
