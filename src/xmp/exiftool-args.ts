import { DIMENSION_TAGS, EXIFTOOL_TAG, METADATA_DATE_TAG, parseRegionKey, type RegionValue } from './fields.js';
import type { Change, Plan } from './plan.js';

/**
 * Values are passed with ExifTool's -E (HTML entities decoded on input), so `&`, and any control
 * character that would split the -stay_open argument stream, are entity-encoded.
 */
export function encodeValue(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/[\u0000-\u001f\u007f]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Inside an ExifTool structure value, `,[]{}|` are escaped with `|`. */
function structValue(s: string): string {
  const escaped = s.replace(/[,[\]{}|]/g, (c) => `|${c}`);
  return encodeValue(/^\s/.test(escaped) ? `|${escaped}` : escaped);
}

export function regionStruct(r: RegionValue): string {
  return `{Area={X=${r.x},Y=${r.y},W=${r.w},H=${r.h},Unit=normalized},Name=${structValue(r.name)},Type=Face}`;
}

/** ExifTool's date format with the local UTC offset. */
export function exifDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(Math.abs(n)).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${d.getFullYear()}:${p(d.getMonth() + 1)}:${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${sign}${p(Math.trunc(off / 60))}:${p(off % 60)}`;
}

/**
 * An add is `-=` then `+=` of the same value (ExifTool's add-if-absent idiom): should the file
 * have gained the value since it was read, it still ends up there once, never twice.
 */
function addOrRemove(tag: string, op: 'add' | 'remove', value: string): string[] {
  return op === 'add' ? [`-${tag}-=${value}`, `-${tag}+=${value}`] : [`-${tag}-=${value}`];
}

function changeArgs(c: Change): string[] {
  const tag = EXIFTOOL_TAG[c.field];
  if (c.field === 'region') {
    const r = parseRegionKey(c.value);
    if (!r) return [];
    return addOrRemove(tag, c.op, regionStruct(r));
  }
  if (c.field === 'subject' || c.field === 'hierarchical' || c.field === 'person' || c.field === 'tagsList') {
    return addOrRemove(tag, c.op, encodeValue(c.value));
  }
  // Scalars: always conditional, so a value someone else put there meanwhile is never replaced.
  if (c.op === 'remove') return [`-${tag}-=${encodeValue(c.value)}`];
  return [`-${tag}-=${encodeValue(c.expect ?? '')}`, `-${tag}=${encodeValue(c.value)}`];
}

/**
 * The ExifTool arguments (before the file name) that apply a plan: value-level list edits,
 * conditional scalar edits, region structures added to / removed from the list, and
 * xmp:MetadataDate. Nothing else is written.
 */
export function planArgs(plan: Plan, now: number): string[] {
  const args: string[] = [];
  for (const c of plan.changes) args.push(...changeArgs(c));
  if (plan.setDims) {
    const d = plan.setDims;
    for (const [tag, v] of [[DIMENSION_TAGS.w, String(d.w)], [DIMENSION_TAGS.h, String(d.h)], [DIMENSION_TAGS.unit, 'pixel']] as const) {
      args.push(`-${tag}-=`, `-${tag}=${v}`);
    }
  }
  if (args.length) args.push(`-${METADATA_DATE_TAG}=${exifDate(now)}`);
  return args;
}
