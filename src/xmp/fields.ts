/**
 * The XMP fields rawlight writes, and nothing else. List fields are edited value by value
 * (ExifTool `+=` / `-=`); scalars only ever conditionally (set-if-absent, replace-if-equal).
 */
export const LIST_FIELDS = ['subject', 'hierarchical', 'person', 'tagsList'] as const;
/** Written only where the field already exists (digiKam reads digiKam:TagsList before anything else). */
export const ONLY_IF_PRESENT: readonly ListField[] = ['tagsList'];
export const SCALAR_FIELDS = ['city', 'state', 'country', 'countryCode', 'location'] as const;

export type ListField = (typeof LIST_FIELDS)[number];
export type ScalarField = (typeof SCALAR_FIELDS)[number];
export type FieldName = ListField | ScalarField | 'region';

/** ExifTool tag (family-1 group) per field. */
export const EXIFTOOL_TAG: Readonly<Record<FieldName, string>> = {
  subject: 'XMP-dc:Subject',
  hierarchical: 'XMP-lr:HierarchicalSubject',
  person: 'XMP-iptcExt:PersonInImage',
  tagsList: 'XMP-digiKam:TagsList',
  region: 'XMP-mwg-rs:RegionList',
  city: 'XMP-photoshop:City',
  state: 'XMP-photoshop:State',
  country: 'XMP-photoshop:Country',
  countryCode: 'XMP-iptcCore:CountryCode',
  location: 'XMP-iptcCore:Location',
};

/** XMP property names, for people reading dry-run output. */
export const XMP_NAME: Readonly<Record<FieldName, string>> = {
  subject: 'dc:subject',
  hierarchical: 'lr:hierarchicalSubject',
  person: 'Iptc4xmpExt:PersonInImage',
  tagsList: 'digiKam:TagsList',
  region: 'mwg-rs:RegionList',
  city: 'photoshop:City',
  state: 'photoshop:State',
  country: 'photoshop:Country',
  countryCode: 'Iptc4xmpCore:CountryCode',
  location: 'Iptc4xmpCore:Location',
};

export const METADATA_DATE_TAG = 'XMP-xmp:MetadataDate';
export const DIMENSION_TAGS = {
  w: 'XMP-mwg-rs:RegionAppliedToDimensionsW',
  h: 'XMP-mwg-rs:RegionAppliedToDimensionsH',
  unit: 'XMP-mwg-rs:RegionAppliedToDimensionsUnit',
} as const;

/** The tags read before planning (the whole of what rawlight may touch). */
export const READ_TAGS: readonly string[] = [
  ...LIST_FIELDS.map((f) => EXIFTOOL_TAG[f]),
  ...SCALAR_FIELDS.map((f) => EXIFTOOL_TAG[f]),
  'XMP-mwg-rs:RegionInfo',
  'XMP-xmp:MetadataDate',
  'XMP-xmp:CreatorTool',
  'IPTC:Keywords',
];

/** A face region as rawlight writes it: MWG centre + size, normalised, in stored orientation. */
export interface RegionValue {
  name: string;
  /** Decimal strings exactly as written (so a later `-=` matches them byte for byte). */
  x: string;
  y: string;
  w: string;
  h: string;
}

export function regionKey(r: RegionValue): string {
  return JSON.stringify({ name: r.name, x: r.x, y: r.y, w: r.w, h: r.h });
}

export function parseRegionKey(s: string): RegionValue | null {
  try {
    const v = JSON.parse(s) as Partial<RegionValue>;
    if (typeof v.name !== 'string' || typeof v.x !== 'string' || typeof v.y !== 'string' || typeof v.w !== 'string' || typeof v.h !== 'string') return null;
    return { name: v.name, x: v.x, y: v.y, w: v.w, h: v.h };
  } catch {
    return null;
  }
}

/** Normalised coordinates are written with 6 decimals (sub-pixel for a 100 MP image). */
export function fmtCoord(v: number): string {
  const c = Math.min(1, Math.max(0, v));
  return c.toFixed(6);
}
