/** Float32 vector helpers for face embeddings (L2-normalised, compared by dot product = cosine). */

/** Copies a float32 little-endian BLOB into `out` at element offset `at` (BLOBs may be unaligned). */
export function blobInto(blob: Uint8Array, out: Float32Array, at: number): void {
  new Uint8Array(out.buffer, out.byteOffset + at * 4, blob.byteLength).set(blob);
}

export function blobToVector(blob: Uint8Array): Float32Array {
  const v = new Float32Array(blob.byteLength / 4);
  blobInto(blob, v, 0);
  return v;
}

export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Dot product of rows: a[ai*d .. ) · b[bi*d .. ). */
export function dotRows(a: Float32Array, ai: number, b: Float32Array, bi: number, d: number): number {
  let s = 0;
  const ao = ai * d;
  const bo = bi * d;
  for (let i = 0; i < d; i++) s += a[ao + i]! * b[bo + i]!;
  return s;
}

export function dot(a: Float32Array, b: Float32Array): number {
  const d = Math.min(a.length, b.length);
  let s = 0;
  for (let i = 0; i < d; i++) s += a[i]! * b[i]!;
  return s;
}

/** Normalises every row of a row-major matrix in place (zero rows stay zero). */
export function normalizeRows(m: Float32Array, d: number): void {
  const n = m.length / d;
  for (let r = 0; r < n; r++) {
    const o = r * d;
    let s = 0;
    for (let i = 0; i < d; i++) s += m[o + i]! * m[o + i]!;
    if (s === 0) continue;
    const k = 1 / Math.sqrt(s);
    for (let i = 0; i < d; i++) m[o + i]! *= k;
  }
}

/** Adds row r of m (times sign) into acc. */
export function addRow(acc: Float32Array, m: Float32Array, r: number, d: number, sign = 1): void {
  const o = r * d;
  for (let i = 0; i < d; i++) acc[i]! += sign * m[o + i]!;
}
