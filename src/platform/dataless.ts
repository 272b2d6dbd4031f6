import type { BigIntStats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import type { CommandRunner } from './runner.js';

/** Finds iCloud placeholders ("dataless" files) without reading, and so without downloading, them. */
export interface DatalessProbe {
  /** The subset of `paths` that are dataless. Missing paths are simply not in the result. */
  check(paths: readonly string[]): Promise<Set<string>>;
}

/** For callers with no placeholders to find (tests, platforms without iCloud). */
export const noDatalessProbe: DatalessProbe = { check: async () => new Set() };

/** A cheap hint that a file may be an iCloud placeholder: allocated nothing yet holds bytes. */
export function maybeDataless(st: BigIntStats): boolean {
  return st.blocks === 0n && st.size > 0n;
}

export interface DatalessOptions {
  /** Override for tests; the probe is a no-op anywhere but darwin. */
  platform?: NodeJS.Platform;
  /** Most paths per `stat` call, and most argument bytes (macOS ARG_MAX is 1 MiB; stay well under). */
  batchSize?: number;
  batchBytes?: number;
  /** The `stat` binary: BSD stat on macOS (GNU stat has no -f format of this kind). */
  statPath?: string;
}

/**
 * `stat -f` format: device, inode, then the flag names. Output lines carry no path, so a name with
 * spaces or newlines cannot break the parsing, and a path that vanished between lstat and stat
 * (stat prints nothing for it, only an error on stderr) cannot shift the other answers: each line
 * is matched back by (dev, ino), which we already have from lstat.
 */
export const STAT_FORMAT = '%d %i %Sf';

export function createDatalessProbe(runner: CommandRunner, opts: DatalessOptions = {}): DatalessProbe {
  const platform = opts.platform ?? process.platform;
  if (platform !== 'darwin') return { check: async () => new Set() };
  const batchSize = opts.batchSize ?? 256;
  const batchBytes = opts.batchBytes ?? 128 * 1024;
  const statBin = opts.statPath ?? '/usr/bin/stat';

  return {
    async check(paths) {
      const found = new Set<string>();
      // Cheap pre-filter: a dataless file has a size but no allocated blocks. lstat does not
      // materialise the file (TN3150), so only candidates ever reach the slower `stat` call.
      const candidates = new Map<string, string[]>(); // "dev:ino" -> paths
      const queue: string[] = [];
      await mapLimit(paths, 32, async (p) => {
        let st;
        try {
          st = await lstat(p, { bigint: true });
        } catch {
          return; // ENOENT and friends: not dataless, and not ours to report
        }
        if (!st.isFile() || st.blocks !== 0n || st.size === 0n) return;
        const key = `${st.dev}:${st.ino}`;
        const list = candidates.get(key);
        if (list) list.push(p);
        else {
          candidates.set(key, [p]);
          queue.push(p);
        }
      });
      for (const batch of batches(queue, batchSize, batchBytes)) {
        const r = await runner(statBin, ['-f', STAT_FORMAT, '--', ...batch]);
        // Exit code 1 only means some path failed (vanished): the other lines are still good.
        for (const line of r.stdout.split('\n')) {
          const m = /^(\d+) (\d+) ?(.*)$/.exec(line.trim());
          if (!m) continue;
          const flags = (m[3] ?? '').split(',').map((f) => f.trim());
          if (!flags.includes('dataless')) continue;
          for (const p of candidates.get(`${m[1]}:${m[2]}`) ?? []) found.add(p);
        }
      }
      return found;
    },
  };
}

function* batches(paths: readonly string[], size: number, bytes: number): Generator<string[]> {
  let cur: string[] = [];
  let len = 0;
  for (const p of paths) {
    const n = Buffer.byteLength(p) + 1;
    if (cur.length > 0 && (cur.length >= size || len + n > bytes)) {
      yield cur;
      cur = [];
      len = 0;
    }
    cur.push(p);
    len += n;
  }
  if (cur.length > 0) yield cur;
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async () => {
    while (i < items.length) {
      const item = items[i++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
