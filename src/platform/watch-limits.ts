import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CommandRunner } from './runner.js';

export interface WatchLimits {
  /** inotify (Linux: one watch per folder) or fsevents (macOS: one stream per library root). */
  kind: 'inotify' | 'fsevents';
  /** fs.inotify.max_user_watches (Linux). */
  maxUserWatches: number | null;
  maxUserInstances: number | null;
  /** inotify watches held by all of this user's processes we can inspect (the limit is per user). */
  usedWatches: number | null;
  usedByThisProcess: number | null;
  /** Open-file limits of this process (macOS: what chokidar-style watching exhausts). */
  fdSoftLimit: number | null;
  fdHardLimit: number | null;
}

export interface WatchLimitsOptions {
  platform: NodeJS.Platform;
  runner: CommandRunner;
  /** /proc (tests may point elsewhere). */
  procRoot?: string;
  uid?: number;
  pid?: number;
}

async function readInt(file: string): Promise<number | null> {
  try {
    const n = Number((await readFile(file, 'utf8')).trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** Counts `inotify wd:` lines in the fdinfo of every inotify fd of one process. */
async function inotifyWatchesOf(procRoot: string, pid: string): Promise<number> {
  let n = 0;
  let fds: string[];
  try {
    fds = await readdir(path.join(procRoot, pid, 'fd'));
  } catch {
    return 0;
  }
  for (const fd of fds) {
    let target: string;
    try {
      target = await readlink(path.join(procRoot, pid, 'fd', fd));
    } catch {
      continue;
    }
    if (target !== 'anon_inode:inotify') continue;
    try {
      const info = await readFile(path.join(procRoot, pid, 'fdinfo', fd), 'utf8');
      for (const line of info.split('\n')) if (line.startsWith('inotify wd:')) n++;
    } catch {
      // the fd closed meanwhile
    }
  }
  return n;
}

function parseLimits(text: string): { soft: number | null; hard: number | null } {
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const m = line ? /^Max open files\s+(\S+)\s+(\S+)/.exec(line) : null;
  const num = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : null);
  return { soft: num(m?.[1]), hard: num(m?.[2]) };
}

/**
 * Linux: the inotify limits and how many watches this user's processes hold now (inotify counts
 * per user, so other programs' watches use up the same budget). macOS: the open-file limits.
 */
export async function readWatchLimits(opts: WatchLimitsOptions): Promise<WatchLimits> {
  if (opts.platform === 'darwin') {
    const r = await opts.runner('/bin/sh', ['-c', 'ulimit -Sn; ulimit -Hn']);
    const [soft, hard] = r.stdout.trim().split('\n').map((s) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : null));
    return { kind: 'fsevents', maxUserWatches: null, maxUserInstances: null, usedWatches: null, usedByThisProcess: null, fdSoftLimit: soft ?? null, fdHardLimit: hard ?? null };
  }
  const proc = opts.procRoot ?? '/proc';
  const uid = opts.uid ?? process.getuid?.() ?? 0;
  const self = String(opts.pid ?? process.pid);
  const [maxUserWatches, maxUserInstances] = await Promise.all([
    readInt(path.join(proc, 'sys', 'fs', 'inotify', 'max_user_watches')),
    readInt(path.join(proc, 'sys', 'fs', 'inotify', 'max_user_instances')),
  ]);
  let usedWatches: number | null = 0;
  let usedByThisProcess: number | null = null;
  try {
    const pids = (await readdir(proc)).filter((e) => /^\d+$/.test(e));
    for (const pid of pids) {
      try {
        if ((await stat(path.join(proc, pid))).uid !== uid) continue;
      } catch {
        continue;
      }
      const n = await inotifyWatchesOf(proc, pid);
      usedWatches += n;
      if (pid === self) usedByThisProcess = n;
    }
  } catch {
    usedWatches = null;
  }
  let limits = { soft: null as number | null, hard: null as number | null };
  try {
    limits = parseLimits(await readFile(path.join(proc, self, 'limits'), 'utf8'));
  } catch {
    // no /proc/<pid>/limits
  }
  return { kind: 'inotify', maxUserWatches, maxUserInstances, usedWatches, usedByThisProcess, fdSoftLimit: limits.soft, fdHardLimit: limits.hard };
}
