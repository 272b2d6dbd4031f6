import { encodeValue } from './exiftool-args.js';
import type { Plan } from './plan.js';
import { normalizeValue } from './plan.js';
import type { XmpSnapshot } from './snapshot.js';

/** Read with the rest of a target: a photo's own IPTC keywords (absent in sidecars). */
export const IPTC_KEYWORDS_TAG = 'IPTC:Keywords';

// IPTC's legacy encoding is declared per file (CodedCharacterSet); only ASCII is safe to add to
// any file without changing how its existing values decode.
const ASCII = /^[\x20-\x7e]*$/;

/**
 * MWG reconciliation for embedded writes. A JPEG whose keywords live only in IPTC would, once
 * rawlight adds dc:subject, show only rawlight's keywords to MWG readers (XMP wins when IPTC
 * and XMP disagree). So the photo's IPTC keywords are merged into dc:subject, and rawlight's
 * keyword edits are mirrored into IPTC:Keywords (ExifTool keeps IPTCDigest in step), both as
 * add-if-absent edits. Nothing happens for a file without IPTC keywords.
 */
export function iptcSyncArgs(plan: Plan, current: XmpSnapshot): string[] {
  if (current.iptcKeywords.length === 0) return [];
  const args: string[] = [];
  const subject = new Set(current.lists.subject.map(normalizeValue));
  for (const k of current.iptcKeywords) {
    if (subject.has(normalizeValue(k))) continue;
    subject.add(normalizeValue(k));
    args.push(`-XMP-dc:Subject-=${encodeValue(k)}`, `-XMP-dc:Subject+=${encodeValue(k)}`);
  }
  for (const c of plan.changes) {
    if (c.field !== 'subject' || !ASCII.test(c.value)) continue;
    args.push(`-IPTC:Keywords-=${encodeValue(c.value)}`);
    if (c.op === 'add') args.push(`-IPTC:Keywords+=${encodeValue(c.value)}`);
  }
  return args;
}
