import sharp from 'sharp';

/**
 * The difference hash of an image: grey, 9x8, one bit per horizontal neighbour pair (left brighter
 * than right). Re-encoding and resizing move it by a bit or two; a different picture by ~32.
 * Returned as a signed 64-bit integer (what SQLite stores).
 */
export async function dhash(input: string | Buffer): Promise<bigint> {
  const px = await sharp(input, { failOn: 'error' }).greyscale().resize(9, 8, { fit: 'fill', kernel: 'linear' }).raw().toBuffer();
  let h = 0n;
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) h = (h << 1n) | (px[y * 9 + x]! > px[y * 9 + x + 1]! ? 1n : 0n);
  return BigInt.asIntN(64, h);
}

/** Number of differing bits. */
export function hamming(a: bigint, b: bigint): number {
  let x = BigInt.asUintN(64, a ^ b);
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

/** A hash as two unsigned 32-bit halves: popcounts on numbers, not BigInts, for the big comparisons. */
export interface SplitHash {
  hi: number;
  lo: number;
}

export function split(h: bigint): SplitHash {
  const u = BigInt.asUintN(64, h);
  return { hi: Number(u >> 32n), lo: Number(u & 0xffffffffn) };
}

function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function hammingSplit(a: SplitHash, b: SplitHash): number {
  return popcount32((a.hi ^ b.hi) >>> 0) + popcount32((a.lo ^ b.lo) >>> 0);
}

/** The four 16-bit bands of a hash (band k = bits 16k..16k+15). */
export function bandsOf(h: SplitHash): [number, number, number, number] {
  return [h.lo & 0xffff, h.lo >>> 16, h.hi & 0xffff, h.hi >>> 16];
}
