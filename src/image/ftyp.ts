import { copyFile, open } from 'node:fs/promises';

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

/** Still-image brands libheif's tools accept as a major brand, in the order one is taken from the compatible ones. */
const STILL_BRANDS = ['heic', 'heix', 'avif', 'mif1'];

/**
 * A copy of `file` at `to` whose major brand is the first still-image brand the file also claims,
 * or null when the major brand is one already or none is claimed. For a HEIF image sequence
 * (major brand `msf1`, ExifTool's HEIFS: bursts and animations) that also holds still images
 * (brands `heic`, `mif1`) with a primary one: libheif 1.15's heif-convert refuses the sequence
 * brand outright ("unsupported HEIF/AVIF file type") yet decodes the very same boxes under a still
 * brand. Only the 4 bytes of the brand differ; the user's file is never touched.
 */
export async function copyAsStill(file: string, to: string): Promise<string | null> {
  const brands = await ftypBrands(file);
  if (brands.length === 0 || STILL_BRANDS.includes(brands[0]!)) return null;
  const still = STILL_BRANDS.find((b) => brands.includes(b));
  if (!still) return null;
  await copyFile(file, to);
  const fh = await open(to, 'r+');
  try {
    await fh.write(Buffer.from(still, 'latin1'), 0, 4, 8);
  } finally {
    await fh.close();
  }
  return to;
}
