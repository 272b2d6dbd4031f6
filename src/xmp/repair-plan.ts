import { LIST_FIELDS, parseRegionKey } from './fields.js';
import { regionMatches, type Change, type Plan, type ValueRecord } from './plan.js';
import type { XmpSnapshot } from './snapshot.js';

/**
 * The repair of a file an older rawlight wrote twice: for each of rawlight's own values (records
 * with status 'written') that the file holds more than once, one `add` change — ExifTool's
 * add-if-absent (`-=` then `+=`) removes every copy and puts one back. Values rawlight did not
 * write are never touched, even when they are duplicated.
 */
export function planRepair(current: XmpSnapshot, records: readonly ValueRecord[]): Plan {
  const changes: Change[] = [];
  for (const r of records) {
    if (r.status !== 'written') continue;
    if ((LIST_FIELDS as readonly string[]).includes(r.field)) {
      const n = current.lists[r.field as (typeof LIST_FIELDS)[number]].filter((v) => v === r.value).length;
      if (n > 1) changes.push({ field: r.field, op: 'add', value: r.value });
    } else if (r.field === 'region') {
      const reg = parseRegionKey(r.value);
      if (reg && current.regions.filter((c) => regionMatches(c, reg)).length > 1) changes.push({ field: 'region', op: 'add', value: r.value });
    }
  }
  return { changes, conflicts: [], userRemoved: [], setDims: null, records: [...records] };
}
