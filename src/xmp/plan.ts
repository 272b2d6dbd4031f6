import type { DesiredState } from './desired-state.js';
import { LIST_FIELDS, ONLY_IF_PRESENT, SCALAR_FIELDS, parseRegionKey, regionKey, type FieldName, type RegionValue } from './fields.js';
import type { CurrentRegion, XmpSnapshot } from './snapshot.js';

/** overwritten: gone because another tool rewrote the sidecar (Lightroom): not put back until asked. */
export type RecordStatus = 'written' | 'user-removed' | 'conflict' | 'overwritten';

/** What rawlight knows about one value of one field of a file (a row of xmp_values). */
export interface ValueRecord {
  field: FieldName;
  value: string;
  status: RecordStatus;
  fileValue: string | null;
}

/**
 * One field-level edit. Lists: add/remove one value. Scalars: `add` sets the value only if the
 * file still holds `expect` (null = no value), `remove` deletes it only if it still equals `value`.
 * Regions: add/remove one region (value = regionKey JSON).
 */
export interface Change {
  field: FieldName;
  op: 'add' | 'remove';
  value: string;
  expect?: string | null;
}

export interface Conflict {
  field: FieldName;
  wanted: string;
  fileValue: string;
}

export interface Plan {
  changes: Change[];
  conflicts: Conflict[];
  /** Values rawlight wrote that someone removed or changed since: never put back. */
  userRemoved: { field: FieldName; value: string }[];
  /** mwg-rs:AppliedToDimensions to set (only when adding a region to a file without it). */
  setDims: { w: number; h: number } | null;
  /** The file's full record set once the changes are applied. */
  records: ValueRecord[];
}

export function planIsNoop(p: Plan): boolean {
  return p.changes.length === 0 && p.setDims === null;
}

/** A value as compared for idempotence: NFC (macOS file systems hand out NFD), spacing collapsed. */
export function normalizeValue(s: string): string {
  return s.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Tolerance for matching a region's area as read back (decimal text -> float). */
const AREA_TOL = 5e-6;

function close(a: number | null, b: string): boolean {
  return a !== null && Math.abs(a - Number(b)) <= AREA_TOL;
}

export function regionMatches(c: CurrentRegion, r: RegionValue): boolean {
  return c.name === r.name && close(c.x, r.x) && close(c.y, r.y) && close(c.w, r.w) && close(c.h, r.h);
}

function sameRegion(a: RegionValue, b: RegionValue): boolean {
  return a.name === b.name && a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;
}

/**
 * Merge, never clobber. Given what the database wants, what the file holds now and what rawlight
 * recorded writing before, decides the edits:
 * - only values rawlight wrote are ever removed or changed;
 * - a value rawlight wrote that is gone from the file was removed by a user: it is not put back;
 * - a scalar holding a value rawlight did not write is a conflict: recorded, not overwritten.
 */
export interface PlanOptions {
  /** The photo names a place outside the target (its own IPTC/XMP, another sidecar). */
  placeHeldOutside?: boolean;
}

export function planChanges(desired: DesiredState, current: XmpSnapshot, previous: readonly ValueRecord[], opts: PlanOptions = {}): Plan {
  const changes: Change[] = [];
  const conflicts: Conflict[] = [];
  const userRemoved: { field: FieldName; value: string }[] = [];
  const records: ValueRecord[] = [];
  const rec = (field: FieldName, value: string, status: RecordStatus, fileValue: string | null = null) => {
    if (!records.some((r) => r.field === field && r.value === value)) records.push({ field, value, status, fileValue });
  };
  const prev = (field: FieldName, status: RecordStatus) => previous.filter((r) => r.field === field && r.status === status).map((r) => r.value);

  for (const field of LIST_FIELDS) {
    const want = new Set<string>();
    const wantNorm = new Set<string>();
    // digiKam:TagsList only where it exists (or where rawlight already writes it).
    const skip = ONLY_IF_PRESENT.includes(field) && current.lists[field].length === 0 && !prev(field, 'written').length;
    for (const v of skip ? [] : desired[field]) {
      if (wantNorm.has(normalizeValue(v))) continue;
      want.add(v);
      wantNorm.add(normalizeValue(v));
    }
    // Compared as ExifTool reads them back (Unicode form, spacing): a value already there in any
    // spelling is never appended again.
    const have = new Set(current.lists[field].map(normalizeValue));
    const sticky = new Set(prev(field, 'user-removed'));
    for (const v of sticky) rec(field, v, 'user-removed');
    for (const v of prev(field, 'written')) {
      if (!have.has(normalizeValue(v))) {
        userRemoved.push({ field, value: v });
        sticky.add(v);
        rec(field, v, 'user-removed');
      } else if (!want.has(v)) {
        changes.push({ field, op: 'remove', value: v });
      } else {
        rec(field, v, 'written');
      }
    }
    for (const v of want) {
      if (have.has(normalizeValue(v)) || sticky.has(v)) continue;
      changes.push({ field, op: 'add', value: v });
      rec(field, v, 'written');
    }
  }

  // Place fields are one group: if any of them holds a value rawlight did not write (here or in
  // the photo itself), rawlight adds none (a differing value is still reported as a conflict).
  const placeHeld =
    !!opts.placeHeldOutside ||
    SCALAR_FIELDS.some((f) => {
      const have = current.scalars[f];
      return have !== undefined && !previous.some((r) => r.field === f && r.status === 'written' && r.value === have);
    });
  for (const field of SCALAR_FIELDS) {
    const want = desired.scalars[field];
    const have = current.scalars[field];
    const sticky = new Set(prev(field, 'user-removed'));
    for (const v of sticky) rec(field, v, 'user-removed');
    const mine = prev(field, 'written')[0];
    let holder = have; // what the file will hold for this field after our edits
    if (mine !== undefined) {
      if (have === mine) {
        if (want === undefined) {
          changes.push({ field, op: 'remove', value: mine });
          holder = undefined;
        } else if (want !== mine) {
          changes.push({ field, op: 'add', value: want, expect: mine });
          rec(field, want, 'written');
          holder = want;
        } else {
          rec(field, mine, 'written');
        }
        continue;
      }
      // Removed or replaced by someone else: theirs now, and ours is never put back.
      userRemoved.push({ field, value: mine });
      sticky.add(mine);
      rec(field, mine, 'user-removed');
    }
    if (want === undefined || want === holder) continue;
    if (holder !== undefined) {
      conflicts.push({ field, wanted: want, fileValue: holder });
      rec(field, want, 'conflict', holder);
    } else if (!sticky.has(want) && !placeHeld) {
      changes.push({ field, op: 'add', value: want, expect: null });
      rec(field, want, 'written');
    }
  }

  // Regions: identified by name; a region rawlight wrote whose name or area changed in the file
  // is the user's now.
  const stickyNames = new Set<string>();
  for (const v of prev('region', 'user-removed')) {
    rec('region', v, 'user-removed');
    const r = parseRegionKey(v);
    if (r) stickyNames.add(r.name);
  }
  const removedIdx = new Set<number>();
  for (const v of prev('region', 'written')) {
    const r = parseRegionKey(v);
    if (!r) continue;
    const idx = current.regions.findIndex((c, i) => !removedIdx.has(i) && regionMatches(c, r));
    if (idx === -1) {
      userRemoved.push({ field: 'region', value: v });
      stickyNames.add(r.name);
      rec('region', v, 'user-removed');
      continue;
    }
    const d = desired.regions.find((x) => x.name === r.name);
    if (d && sameRegion(d, r)) {
      rec('region', v, 'written');
    } else {
      changes.push({ field: 'region', op: 'remove', value: v });
      removedIdx.add(idx);
    }
  }
  const namesAfter = new Set(current.regions.filter((_, i) => !removedIdx.has(i)).map((c) => c.name));
  let regionAdded = false;
  for (const d of desired.regions) {
    if (namesAfter.has(d.name) || stickyNames.has(d.name)) continue;
    const v = regionKey(d);
    changes.push({ field: 'region', op: 'add', value: v });
    rec('region', v, 'written');
    namesAfter.add(d.name);
    regionAdded = true;
  }
  const setDims = regionAdded && !current.hasDims && desired.dims ? desired.dims : null;
  return { changes, conflicts, userRemoved, setDims, records };
}
