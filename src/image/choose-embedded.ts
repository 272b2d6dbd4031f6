/** An embedded image that decodes, with the long side of its header (its bytes, or where they are, beside). */
export interface EmbeddedCandidate {
  name: string;
  long: number;
}

/**
 * The smallest candidate whose long side covers `size` (it gives the same preview for less decode
 * work), else the largest one there is. Ties keep the caller's order (best tag first).
 */
export function chooseEmbedded<T extends EmbeddedCandidate>(candidates: readonly T[], size: number): T | null {
  let cover: T | null = null;
  let largest: T | null = null;
  for (const c of candidates) {
    if (c.long >= size && (!cover || c.long < cover.long)) cover = c;
    if (!largest || c.long > largest.long) largest = c;
  }
  return cover ?? largest;
}
