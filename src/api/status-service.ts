import { readStatus, type StatusJson } from '../store/repositories/status.repository.js';
import type { ApiDeps } from './api-deps.js';
import { writebackAttention } from '../xmp/xmp.repository.js';
import type { ModelState, PermissionState } from './ports.js';

export interface FullStatus extends StatusJson {
  paused: boolean;
  watch: unknown;
  libraries: readonly string[];
  models: ModelState[];
  permissions: PermissionState[];
  upkeep: unknown;
  /** XMP needing attention: sidecars overwritten by Lightroom, unrecovered interrupted writes. */
  xmp: { overwritten: number; unrecovered: number } | null;
}

const SLOW_CHECK_MS = 30_000;
/** How long the very first status waits for the model and permission checks. */
const FIRST_SLOW_WAIT_MS = 1000;

/** The default when no permissions port is wired: say what is known and what to do. */
export function defaultPermissions(platform = process.platform, binary = process.execPath): PermissionState[] {
  if (platform !== 'darwin') return [{ name: 'fullDiskAccess', state: 'not-needed', binary }];
  return [
    {
      name: 'fullDiskAccess',
      state: 'unknown',
      binary,
      howTo: `Open System Settings → Privacy & Security → Full Disk Access, click +, press ⌘⇧G and enter ${binary}, switch it on, then restart rawlight (launchctl kickstart -k gui/$UID/rawlight).`,
    },
  ];
}

/**
 * Status for the API: the shared DB snapshot (readStatus) plus daemon state. The DB part is
 * reused for a few hundred ms so a burst of pollers costs one query; model and permission checks
 * (which touch the disk) are refreshed at most every 30 s.
 */
export function createStatusService(deps: ApiDeps) {
  const cacheMs = deps.statusCacheMs ?? 250;
  let cached: { at: number; value: StatusJson } | undefined;
  let slow: { at: number; models: ModelState[]; permissions: PermissionState[]; upkeep: unknown } | undefined;
  let slowPending: Promise<void> | undefined;

  async function refreshSlow(): Promise<void> {
    const [models, permissions, upkeep] = await Promise.all([
      deps.models ? Promise.resolve(deps.models.list()).catch(() => []) : [],
      deps.permissions ? Promise.resolve(deps.permissions.check()).catch(() => defaultPermissions()) : defaultPermissions(),
      deps.upkeep ? Promise.resolve(deps.upkeep.status()).catch(() => null) : null,
    ]);
    slow = { at: Date.now(), models, permissions, upkeep };
  }

  let xmpCached: { at: number; value: FullStatus['xmp'] } | undefined;
  // Cached like the DB snapshot and read on the read-only connection: a page polling it never
  // costs the pipeline's thread more than one read per cache period.
  function xmpAttention(): FullStatus['xmp'] {
    const now = Date.now();
    if (xmpCached && now - xmpCached.at < cacheMs) return xmpCached.value;
    let value: FullStatus['xmp'];
    try {
      value = writebackAttention(deps.readDb ?? deps.db);
    } catch {
      value = null; // a database without the writeback tables (API tests with a bare schema)
    }
    xmpCached = { at: now, value };
    return value;
  }

  function dbStatus(): StatusJson {
    const now = Date.now();
    if (!cached || now - cached.at >= cacheMs) {
      const passNames = deps.control.passNames?.() ?? [];
      cached = { at: now, value: readStatus(deps.readDb ?? deps.db, { passNames, now }) };
    }
    return cached.value;
  }

  let jsonCached: { at: number; key: string; json: Buffer } | undefined;

  const service = {
    dbStatus,
    /**
     * `full()` as UTF-8 JSON, serialised once per cache period (and again at once when pause or the
     * libraries change): twenty pollers cost the daemon's thread one serialisation, not twenty.
     * Bytes, not a string: each response of a string was encoded to UTF-8 again on the daemon's
     * thread (9 % of it under 20 pollers at 100K photos, bench scale's CPU profile).
     */
    async fullJson(): Promise<Buffer> {
      const now = Date.now();
      const key = `${deps.control.isPaused()}|${deps.control.libraries().join('\n')}`;
      if (jsonCached && jsonCached.key === key && now - jsonCached.at < cacheMs) return jsonCached.json;
      const json = Buffer.from(JSON.stringify(await service.full()));
      jsonCached = { at: now, key, json };
      return json;
    },
    async full(): Promise<FullStatus> {
      if (!slow || Date.now() - slow.at > SLOW_CHECK_MS) {
        slowPending ??= refreshSlow().finally(() => (slowPending = undefined));
        // The first answer waits a little for them, never long: status must answer within
        // seconds of start even while model files are still being checked.
        if (!slow) await Promise.race([slowPending, new Promise((r) => setTimeout(r, FIRST_SLOW_WAIT_MS).unref())]);
      }
      return {
        ...dbStatus(),
        paused: deps.control.isPaused(),
        watch: deps.control.watchState?.() ?? null,
        libraries: deps.control.libraries(),
        models: slow?.models ?? [],
        permissions: slow?.permissions ?? [],
        upkeep: slow?.upkeep ?? null,
        xmp: xmpAttention(),
      };
    },
  };
  return service;
}

export type StatusService = ReturnType<typeof createStatusService>;
