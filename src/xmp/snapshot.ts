import { EXIFTOOL_TAG, LIST_FIELDS, SCALAR_FIELDS, type ListField, type ScalarField } from './fields.js';

/** A face region as found in the file (anyone's). */
export interface CurrentRegion {
  name: string | null;
  type: string | null;
  x: number | null;
  y: number | null;
  w: number | null;
  h: number | null;
}

/** The part of a file's XMP that rawlight may touch, as it is now. */
export interface XmpSnapshot {
  exists: boolean;
  lists: Record<ListField, string[]>;
  regions: CurrentRegion[];
  hasDims: boolean;
  scalars: Partial<Record<ScalarField, string>>;
  /** xmp:MetadataDate and xmp:CreatorTool as read (who saved the file last, and when). */
  metadataDate: string | null;
  creatorTool: string | null;
  /** The photo's own IPTC keywords (embedded targets; a sidecar has none). */
  iptcKeywords: string[];
}

export function emptySnapshot(): XmpSnapshot {
  return { exists: false, lists: { subject: [], hierarchical: [], person: [], tagsList: [] }, regions: [], hasDims: false, scalars: {}, metadataDate: null, creatorTool: null, iptcKeywords: [] };
}

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function list(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.map(str).filter((s): s is string => s !== null);
}

function obj(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/**
 * Parses ExifTool's `-j -struct -G1 -n` output for one file (tags named as in EXIFTOOL_TAG, plus
 * `XMP-mwg-rs:RegionInfo` as a structure).
 */
export function parseSnapshot(tags: Record<string, unknown>, exists = true): XmpSnapshot {
  const snap = emptySnapshot();
  snap.exists = exists;
  for (const f of LIST_FIELDS) snap.lists[f] = list(tags[EXIFTOOL_TAG[f]]);
  for (const f of SCALAR_FIELDS) {
    const v = str(tags[EXIFTOOL_TAG[f]]);
    if (v !== null && v !== '') snap.scalars[f] = v;
  }
  snap.metadataDate = str(tags['XMP-xmp:MetadataDate']);
  snap.iptcKeywords = list(tags['IPTC:Keywords']);
  snap.creatorTool = str(tags['XMP-xmp:CreatorTool']);
  const info = obj(tags['XMP-mwg-rs:RegionInfo']);
  if (info) {
    const dims = obj(info.AppliedToDimensions);
    snap.hasDims = !!dims && (dims.W !== undefined || dims.H !== undefined);
    const rl = Array.isArray(info.RegionList) ? info.RegionList : info.RegionList ? [info.RegionList] : [];
    for (const r of rl) {
      const o = obj(r);
      if (!o) continue;
      const a = obj(o.Area) ?? {};
      snap.regions.push({ name: str(o.Name), type: str(o.Type), x: num(a.X), y: num(a.Y), w: num(a.W), h: num(a.H) });
    }
  }
  return snap;
}
