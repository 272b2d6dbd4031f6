import type { ReadableDb } from '../store/db.js';
import { XMP_NAME, parseRegionKey, type FieldName } from './fields.js';
import type { Change, Conflict } from './plan.js';
import type { SpotlightRecord } from './spotlight.js';
import { getXmpState, loadValueRecords, type TargetKind, type XmpStatus } from './xmp.repository.js';

export interface XmpValueView {
  field: FieldName;
  /** XMP property, e.g. dc:subject. */
  xmp: string;
  value: string;
}

export interface XmpConflictView extends XmpValueView {
  /** What the file holds instead (rawlight did not write it, so it is left alone). */
  fileValue: string | null;
}

export interface XmpStateView {
  target: string;
  targetKind: TargetKind;
  status: XmpStatus;
  lastWrittenAt: number | null;
  error: { code: string; message: string | null } | null;
  /** Values rawlight wrote and still owns. */
  values: XmpValueView[];
  /** Values rawlight wrote that a user removed: never put back. */
  userRemoved: XmpValueView[];
  conflicts: XmpConflictView[];
  /** Review mode: the changes waiting for `rawlight writeback`. */
  pending: { target: string; changes: Change[]; conflicts: Conflict[]; plannedAt: number } | null;
  spotlight: SpotlightRecord | null;
}

/** Regions are shown as "Name (x, y, w, h)" instead of their JSON key. */
export function displayValue(field: FieldName, value: string): string {
  if (field !== 'region') return value;
  const r = parseRegionKey(value);
  return r ? `${r.name} (x ${r.x}, y ${r.y}, w ${r.w}, h ${r.h})` : value;
}

/** For `show --json` and the API: the file's XMP writeback state, or null if none yet. */
export function xmpStateForFile(db: ReadableDb, fileId: number): XmpStateView | null {
  const s = getXmpState(db, fileId);
  if (!s) return null;
  const recs = loadValueRecords(db, fileId);
  const view = (status: string) =>
    recs.filter((r) => r.status === status).map((r) => ({ field: r.field, xmp: XMP_NAME[r.field], value: displayValue(r.field, r.value) }));
  return {
    target: s.target,
    targetKind: s.target_kind,
    status: s.status,
    lastWrittenAt: s.last_written_at,
    error: s.error_code ? { code: s.error_code, message: s.error } : null,
    values: view('written'),
    userRemoved: view('user-removed'),
    conflicts: recs
      .filter((r) => r.status === 'conflict')
      .map((r) => ({ field: r.field, xmp: XMP_NAME[r.field], value: displayValue(r.field, r.value), fileValue: r.fileValue })),
    pending: s.pending ? (JSON.parse(s.pending) as XmpStateView['pending']) : null,
    spotlight: s.spotlight ? (JSON.parse(s.spotlight) as SpotlightRecord) : null,
  };
}
