import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * exiv2 (an independent XMP implementation, the one digiKam uses) as a second reader. `-px` prints
 * one property per line: key, type, count, value; list values are joined with ", ".
 */
export function exiv2Props(file: string): Map<string, { type: string; value: string }> {
  const out = execFileSync('exiv2', ['-px', file], { encoding: 'utf8' });
  const m = new Map<string, { type: string; value: string }>();
  for (const line of out.split('\n')) {
    const r = /^(\S+)\s+(\S+)\s+(\d+)\s*(.*)$/.exec(line);
    if (r) m.set(r[1]!, { type: r[2]!, value: r[4] ?? '' });
  }
  return m;
}

export function exiv2List(props: Map<string, { type: string; value: string }>, key: string): string[] {
  const v = props.get(key);
  if (!v || v.value === '') return [];
  return v.type === 'XmpBag' || v.type === 'XmpSeq' ? v.value.split(', ') : [v.value];
}

export interface Exiv2Region {
  name: string | undefined;
  type: string | undefined;
  x: number;
  y: number;
  w: number;
  h: number;
}

export function exiv2Regions(props: Map<string, { type: string; value: string }>): Exiv2Region[] {
  const out: Exiv2Region[] = [];
  const base = 'Xmp.mwg-rs.Regions/mwg-rs:RegionList';
  for (let i = 1; props.has(`${base}[${i}]`); i++) {
    const g = (k: string) => props.get(`${base}[${i}]/${k}`)?.value;
    out.push({
      name: g('mwg-rs:Name'),
      type: g('mwg-rs:Type'),
      x: Number(g('mwg-rs:Area/stArea:x')),
      y: Number(g('mwg-rs:Area/stArea:y')),
      w: Number(g('mwg-rs:Area/stArea:w')),
      h: Number(g('mwg-rs:Area/stArea:h')),
    });
  }
  return out;
}

/** ExifTool's and rawlight's temp files that must never remain after a write. */
export function leftovers(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.name.endsWith('_original') || e.name.endsWith('_exiftool_tmp') || /\.rawlight-\d+-[0-9a-f]+\.xmp$/.test(e.name)) out.push(path.join(e.parentPath, e.name));
  }
  return out;
}
