import { existsSync } from 'node:fs';
import type { XmpWriter } from '../exiftool/writer.js';
import { fingerprint, type SidecarFingerprint } from './atomic-sidecar.js';
import type { DesiredState } from './desired-state.js';
import { READ_TAGS } from './fields.js';
import { holdsValue } from './lightroom-overwrite.js';
import { planChanges, type Plan, type ValueRecord } from './plan.js';
import { parseSnapshot, type XmpSnapshot } from './snapshot.js';

/** Taking rawlight's values out of a photo's previous sidecar (its target changed). */
export interface TargetMove {
  from: string;
  plan: Plan;
  fingerprint: SidecarFingerprint | null;
}

const NOTHING: DesiredState = { subject: [], hierarchical: [], person: [], tagsList: [], regions: [], dims: null, scalars: {}, spotlightKeywords: [], people: [] };

/**
 * When a photo's target changes (a JPEG that an older rawlight wrote into `IMG_5.xmp`, which is
 * the RAW's name), its values must not stay behind in another photo's sidecar: the plan removes
 * exactly the values rawlight recorded writing there that are still there; foreign values stay.
 */
export async function planTargetMove(writer: XmpWriter, from: string, records: readonly ValueRecord[]): Promise<TargetMove | null> {
  if (!existsSync(from) || !records.some((r) => r.status === 'written')) return null;
  const fp = await fingerprint(from);
  const current = parseSnapshot(await writer.readTags(from, READ_TAGS));
  const plan = planChanges(NOTHING, current, records);
  return plan.changes.length ? { from, plan, fingerprint: fp } : null;
}

/**
 * Whether the photo's sidecar moved with it: the photo was moved or renamed with its sidecar (a
 * folder renamed in the Finder, Lightroom's "move" or "rename"), so the sidecar rawlight wrote is
 * gone from `from` and the one at the photo's new target carries rawlight's last write (its
 * xmp:MetadataDate) or values rawlight wrote. What rawlight wrote there is then still its own:
 * otherwise a person renamed after a folder move kept the old name beside the new one (the old
 * region the user's now, a second one added) and a changed place was a conflict with itself.
 */
export function sidecarFollowed(from: string, records: readonly ValueRecord[], current: XmpSnapshot, writtenMetadataDate: string | null): boolean {
  if (existsSync(from) || !current.exists) return false;
  if (writtenMetadataDate !== null && current.metadataDate === writtenMetadataDate) return true;
  return records.some((r) => r.status === 'written' && holdsValue(current, r));
}
