import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import { sipsDecoder, viaTemp, type HeicDecoder } from './heic.js';

const run = promisify(execFile);

/** The brands of an ISO-BMFF file's leading `ftyp` box, the major brand first; [] without one. */
export async function ftypBrands(file: string): Promise<string[]> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(256);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    if (bytesRead < 12 || head.toString('latin1', 4, 8) !== 'ftyp') return [];
    // Box size 0 runs to the end of the file (here: of what was read); brands are 4 bytes each,
    // after the major brand and the minor version.
    const declared = head.readUInt32BE(0);
    const end = declared === 0 ? bytesRead : Math.min(declared, bytesRead);
    const brands = [head.toString('latin1', 8, 12)];
    for (let at = 16; at + 4 <= end; at += 4) brands.push(head.toString('latin1', at, at + 4));
    return brands;
  } finally {
    await fh.close();
  }
}

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
