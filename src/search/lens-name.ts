/**
 * A lens name as compared in search: lower case, without spaces or the slash of "f/2.8", so
 * "f2.8", "F2.8" and "f/2.8", or "24-105 mm" and "24-105mm", name the same lenses. The lens filter's
 * SQL strips the stored names the same way (search.repository.ts).
 */
export function compactLens(s: string): string {
  return s.toLowerCase().replace(/[\s/]+/g, '');
}
