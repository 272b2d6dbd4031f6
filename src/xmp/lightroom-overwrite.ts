import { LIST_FIELDS, SCALAR_FIELDS, parseRegionKey, type ListField, type ScalarField } from './fields.js';
import { normalizeValue, regionMatches, type ValueRecord } from './plan.js';
import type { XmpSnapshot } from './snapshot.js';

/** Whether the sidecar holds this value rawlight recorded writing. */
export function holdsValue(s: XmpSnapshot, r: ValueRecord): boolean {
  if ((LIST_FIELDS as readonly string[]).includes(r.field)) return s.lists[r.field as ListField].some((v) => normalizeValue(v) === normalizeValue(r.value));
  if ((SCALAR_FIELDS as readonly string[]).includes(r.field)) return s.scalars[r.field as ScalarField] === r.value;
  const reg = parseRegionKey(r.value);
  return !!reg && s.regions.some((c) => regionMatches(c, reg));
}

/**
 * Lightroom Classic with "Automatically write changes into XMP" rewrites a sidecar from its
 * catalog, which knows none of rawlight's values until the user reads metadata from files: all
 * of them vanish at once. That — every value rawlight wrote gone in one change, the sidecar saved
 * by another tool since (its xmp:MetadataDate is not the one rawlight's write left, or another
 * tool is its CreatorTool) — is "overwritten", not a user deleting each value. A user removing
 * some values, or deleting the sidecar, is not.
 */
export function looksOverwritten(previous: readonly ValueRecord[], current: XmpSnapshot, writtenMetadataDate: string | null): boolean {
  const mine = previous.filter((r) => r.status === 'written');
  if (mine.length === 0 || !current.exists) return false;
  if (mine.some((r) => holdsValue(current, r))) return false;
  if (writtenMetadataDate !== null) return current.metadataDate !== writtenMetadataDate;
  return /lightroom/i.test(current.creatorTool ?? '');
}
