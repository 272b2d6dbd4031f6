/** Packed bytes → little-endian 32-bit words (a partial last word is zero-padded). */
function toWords(packed: Uint8Array, words: number): Uint32Array {
  const out = new Uint32Array(words);
  for (let i = 0; i < packed.length && i < words * 4; i++) out[i >> 2]! |= packed[i]! << ((i & 3) * 8);
  return out;
}

/**
 * An in-memory 1-bit (sign) index over one CLIP space, for libraries too big for an exact scan
 * per query. Hamming distance over packed sign bits picks candidates; the caller re-ranks them by
 * exact cosine. 64 bytes per 512-d vector: 64 MB at 1M photos. It is filled and refreshed from the
 * `clip_q_<space>` table by sequence number, so a long-lived process (daemon, API) pays the load
 * once and then only reads what was added since.
 */
export class BitIndex {
  readonly words: number;
  private ids = new Float64Array(1024);
  private bits: Uint32Array;
  private readonly slotOf = new Map<number, number>();
  private count = 0;
  lastSeq = 0;

  constructor(readonly dim: number) {
    this.words = Math.ceil(dim / 32);
    this.bits = new Uint32Array(1024 * this.words);
  }

  get size(): number {
    return this.count;
  }

  /** Adds or replaces a file's bits (`packed` = sqlite-vec's vec_quantize_binary layout). */
  put(fileId: number, packed: Uint8Array): void {
    let slot = this.slotOf.get(fileId);
    if (slot === undefined) {
      slot = this.count++;
      if (slot >= this.ids.length) this.grow();
      this.slotOf.set(fileId, slot);
      this.ids[slot] = fileId;
    }
    this.bits.set(toWords(packed, this.words), slot * this.words);
  }

  /**
   * File ids of the `n` nearest vectors by Hamming distance (unordered within the last distance
   * bucket). `allow` restricts the scan to some file ids (filters).
   */
  nearest(packedQuery: Uint8Array, n: number, allow?: ReadonlySet<number>): number[] {
    const w = this.words;
    const q = toWords(packedQuery, w);
    const dist = new Uint16Array(this.count);
    const hist = new Uint32Array(this.dim + 2);
    const bits = this.bits;
    for (let s = 0; s < this.count; s++) {
      if (allow && !allow.has(this.ids[s]!)) {
        dist[s] = this.dim + 1;
        continue;
      }
      let d = 0;
      const o = s * w;
      for (let i = 0; i < w; i++) {
        let x = (bits[o + i]! ^ q[i]!) >>> 0;
        x -= (x >>> 1) & 0x55555555;
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
        d += (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
      }
      dist[s] = d;
      hist[d]!++;
    }
    // Counting selection: the smallest distance bound that covers n vectors.
    let bound = 0;
    let seen = 0;
    while (bound < this.dim && seen + hist[bound]! < n) seen += hist[bound++]!;
    const out: number[] = [];
    for (let s = 0; s < this.count && out.length < n; s++) if (dist[s]! < bound) out.push(this.ids[s]!);
    for (let s = 0; s < this.count && out.length < n; s++) if (dist[s] === bound) out.push(this.ids[s]!);
    return out;
  }

  private grow(): void {
    const ids = new Float64Array(this.ids.length * 2);
    ids.set(this.ids);
    this.ids = ids;
    const bits = new Uint32Array(ids.length * this.words);
    bits.set(this.bits);
    this.bits = bits;
  }
}
