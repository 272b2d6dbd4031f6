import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Platform } from './index.js';
import type { Places } from './places.js';
import { looseModes } from './private-files.js';

/** One line of `rawlight doctor`. */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const check = (name: string, ok: boolean, detail: string, fix?: string): CheckResult => (fix === undefined ? { name, ok, detail } : { name, ok, detail, fix });

const GiB = 1024 ** 3;
const gib = (n: number) => `${(n / GiB).toFixed(1)} GiB`;

export async function agentCheck(platform: Platform): Promise<CheckResult> {
  const s = await platform.agent.status();
  if (s.manager === 'none') return check('agent', true, s.detail);
  const where = s.definitionPath ? ` (${s.definitionPath})` : '';
  if (!s.installed) return check('agent', false, `${s.manager}: not installed${where}`, 'rawlight agent install');
  if (!s.running) return check('agent', false, `${s.manager}: ${s.detail}${where}`, s.loaded ? 'rawlight agent restart' : 'rawlight agent install');
  if (!s.upToDate) return check('agent', false, `${s.manager}: ${s.detail}${where}`, 'rawlight agent install');
  return check('agent', true, `${s.manager}: ${s.detail}${where}`);
}

/**
 * Library access. The answer is only meaningful from inside the daemon (macOS grants per binary):
 * the lead's doctor should prefer the daemon's own report (status API) and fall back to this.
 */
export async function permissionsCheck(platform: Platform, libraries: readonly string[]): Promise<CheckResult[]> {
  const r = await platform.permissions.check(libraries);
  const out: CheckResult[] = [];
  const fix = r.steps.length ? r.steps.join(' ') : undefined;
  const fda = r.fullDiskAccess === 'not-applicable' ? '' : `; Full Disk Access: ${r.fullDiskAccess}`;
  out.push(check('permissions', r.state !== 'denied', `${r.state}: ${r.detail}${fda}; binary that needs access: ${r.binaryPath}`, r.state === 'granted' ? undefined : fix));
  for (const l of r.libraries) {
    out.push(check(`library ${l.root}`, l.state !== 'denied', `${l.state}: ${l.reason}`, l.state === 'denied' ? fix : undefined));
  }
  return out;
}

/** `watchedDirs`: folders the watcher needs (Linux: one inotify watch each), when known. */
export async function watchLimitsCheck(platform: Platform, opts: { watchedDirs?: number } = {}): Promise<CheckResult> {
  const w = await platform.watchLimits();
  if (w.kind === 'fsevents') {
    const ok = w.fdSoftLimit === null || w.fdSoftLimit >= 1024;
    return check(
      'watch limits',
      ok,
      `FSEvents (one stream per library); open-file limit ${w.fdSoftLimit ?? '?'} (hard ${w.fdHardLimit ?? '?'})`,
      ok ? undefined : 'rawlight agent install (the agent raises NumberOfFiles), or ulimit -n 10240 before rawlight run',
    );
  }
  const max = w.maxUserWatches;
  const used = w.usedWatches ?? 0;
  const need = opts.watchedDirs ?? 0;
  const free = max === null ? null : max - used + (w.usedByThisProcess ?? 0);
  const ok = free === null || need <= free;
  const detail =
    `inotify: max_user_watches ${max ?? '?'}, in use by this user ${w.usedWatches ?? '?'}` +
    (w.usedByThisProcess !== null ? ` (this process ${w.usedByThisProcess})` : '') +
    (opts.watchedDirs !== undefined ? `, library folders to watch ${need}` : '');
  const want = Math.max(524288, need * 2);
  return check(
    'watch limits',
    ok,
    ok ? detail : `${detail}: not enough watches, changes in some folders would be missed (the nightly reconcile still finds them)`,
    ok ? undefined : `echo fs.inotify.max_user_watches=${want} | sudo tee /etc/sysctl.d/60-rawlight.conf && sudo sysctl --system`,
  );
}

function nearestExisting(p: string): string {
  let cur = path.resolve(p);
  while (!existsSync(cur) && path.dirname(cur) !== cur) cur = path.dirname(cur);
  return cur;
}

/** Free space where previews and thumbnails go. */
export async function diskSpaceCheck(places: Places, opts: { minFreeBytes?: number } = {}): Promise<CheckResult> {
  const min = opts.minFreeBytes ?? 2 * GiB;
  const at = nearestExisting(places.cacheDir);
  try {
    const s = await statfs(at);
    const free = s.bavail * s.bsize;
    const total = s.blocks * s.bsize;
    const ok = free >= min;
    return check(
      'disk space',
      ok,
      `${gib(free)} free of ${gib(total)} for the cache (${places.cacheDir})`,
      ok ? undefined : `free space on that volume (previews need roughly 0.5 MB per photo; at least ${gib(min)} recommended)`,
    );
  } catch (e) {
    return check('disk space', false, `cannot read free space at ${at}: ${(e as Error).message}`);
  }
}

export function logLocationCheck(places: Places): CheckResult {
  const dir = places.logsDir;
  if (!existsSync(dir)) {
    const parent = nearestExisting(dir);
    try {
      accessSync(parent, constants.W_OK);
      return check('logs', true, `${dir} (created at the first start)`);
    } catch {
      return check('logs', false, `${dir} does not exist and ${parent} is not writable`, `mkdir -p "${dir}"`);
    }
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return check('logs', false, `${dir} is not writable`, `chmod u+w "${dir}"`);
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  return check('logs', true, `${dir}${files.length ? ` (${files.join(', ')})` : ''}`);
}

/** rawlight's folders and files are the user's alone (0700 / 0600); anything looser is named. */
export function privateFilesCheck(places: Places): CheckResult {
  const loose = looseModes(places);
  if (loose.length === 0) return check('private files', true, 'config, data, cache and log folders are 0700, their files 0600');
  const shown = loose.slice(0, 5).map((l) => `${l.path} (${l.mode.toString(8).padStart(4, '0')})`).join(', ');
  return check(
    'private files',
    false,
    `readable by other users: ${shown}${loose.length > 5 ? ` and ${loose.length - 5} more` : ''}`,
    'restart rawlight (it tightens its folders at start), or chmod 700 the folders and chmod 600 the files',
  );
}

/** Every platform check, in the order doctor prints them. */
export async function platformChecks(platform: Platform, opts: { places: Places; libraries: readonly string[]; watchedDirs?: number }): Promise<CheckResult[]> {
  return [
    await agentCheck(platform),
    ...(await permissionsCheck(platform, opts.libraries)),
    await watchLimitsCheck(platform, opts.watchedDirs !== undefined ? { watchedDirs: opts.watchedDirs } : {}),
    await diskSpaceCheck(opts.places),
    logLocationCheck(opts.places),
    privateFilesCheck(opts.places),
  ];
}
