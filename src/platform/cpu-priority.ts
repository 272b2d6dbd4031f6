import { readdirSync } from 'node:fs';
import os from 'node:os';

/** The niceness the daemon's threads get on Linux: the user's own apps are scheduled first. */
export const BACKGROUND_NICE = 10;

export interface CpuPriorityDeps {
  platform: 'darwin' | 'linux';
  /** `os.setPriority` (fake in tests). */
  setPriority?: (id: number, priority: number) => void;
  /** The ids of this process's threads (Linux: /proc/self/task). */
  threadIds?: () => number[];
  /** True when launchd/systemd started us (RAWLIGHT_AGENT=1). */
  isAgentProcess: boolean;
}

export interface CpuPriorityResult {
  /** What was done, in words (logged at start). */
  how: string;
  /** Threads re-niced (Linux). */
  threads: number;
}

function procThreads(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number).filter(Number.isInteger);
  } catch {
    return [process.pid];
  }
}

/**
 * Puts the daemon's CPU work behind the user's apps. Linux: niceness is per thread, so every
 * thread that exists now is re-niced; threads started later (libuv pool, ONNX workers) inherit
 * it from the thread that creates them. Nice costs nothing on an idle machine, so it also holds
 * during a first import. macOS: launchd's ProcessType does this for the agent (Background, or
 * Standard while the first import runs in turbo mode): re-nicing here would fight that switch,
 * so only a daemon started by hand is re-niced.
 */
export function lowerCpuPriority(d: CpuPriorityDeps): CpuPriorityResult {
  const setPriority = d.setPriority ?? ((id: number, p: number) => os.setPriority(id, p));
  if (d.platform === 'darwin' && d.isAgentProcess) return { how: 'launchd ProcessType (Background; Standard while turbo)', threads: 0 };
  const ids = d.platform === 'linux' ? (d.threadIds ?? procThreads)() : [process.pid];
  let n = 0;
  for (const id of ids) {
    try {
      setPriority(id, BACKGROUND_NICE);
      n++;
    } catch {
      // a thread that just ended, or a nicer value already set by the user (lowering it needs root)
    }
  }
  return { how: `nice ${BACKGROUND_NICE}`, threads: n };
}
