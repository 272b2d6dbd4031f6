/**
 * The lenses a search word names, from the library's lens names: "70-200mm", "85mm", "f/2.8",
 * "24-105". Spaces and the slash of "f/2.8" do not count ("f2.8", "F2.8" and "f/2.8", or "24-105 mm"
 * and "24-105mm", name the same lenses), but a number is whole: "f/8" is not the 8 of "EF85mm",
 * "f/2" not the start of "f/2.8", "85mm" not the end of "185mm". Letters glued to an f-number are
 * allowed after "mm" only (Fujifilm's "XF16-55mmF2.8").
 */
export function lensesNamed(needle: string, lenses: readonly string[]): string[] {
  const re = lensPattern(needle);
  return re ? lenses.filter((l) => re.test(l)) : [];
}

function lensPattern(needle: string): RegExp | null {
  const chars = [...needle.toLowerCase().replace(/[\s/]+/g, '')];
  if (!chars.length) return null;
  const body = chars.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s/]*');
  const first = chars[0]!;
  const fNumber = /^f\d/.test(chars.slice(0, 2).join(''));
  const start = /\d/.test(first) ? '(?<![\\d.])' : fNumber ? '(?:(?<![\\p{L}\\d])|(?<=mm))' : /\p{L}/u.test(first) ? '(?<!\\p{L})' : '';
  const end = /\d/.test(chars.at(-1)!) ? '(?![\\d]|\\.\\d)' : '';
  return new RegExp(`${start}${body}${end}`, 'iu');
}
