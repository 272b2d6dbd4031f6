import { ensureToken } from '../api/api-token.js';
import { readApiUrl } from '../api/api-url-file.js';
import { TOKEN_HEADER } from '../api/security.hook.js';
import { isLoopback, type Config } from '../config/index.js';
import { DaemonError } from '../errors/index.js';
import type { Places } from '../platform/places.js';
import { isProcessAlive } from '../platform/process-alive.js';
import { readLockOwner, type LockOwner } from '../lifecycle/lock.js';
import { daemonRunning } from './lock.js';

export interface DaemonClient {
  /** The page's URL, ending in '/': where the running daemon listens (or would, from config). */
  baseUrl: string;
  /** True when a daemon holds this home's lock (the URL then comes from the daemon itself). */
  running: boolean;
  /** The header every API call needs. */
  headers: Record<string, string>;
  token: string;
  /** fetch() against the daemon with the token header; `path` starts with /api/. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /**
   * POSTs `body` as JSON and resolves with the reply. A daemon that does not answer is
   * API_FEATURE_UNAVAILABLE; one that refuses is a DaemonRefusal, for the command to say in its words.
   */
  post<T>(path: string, body: unknown): Promise<T>;
}

/** The daemon answered with an error: its HTTP status and the error body's code and message. */
export class DaemonRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly detail: string,
  ) {
    super(`${status}${code ? ` ${code}` : ''}: ${detail}`);
  }
}

/** The URL from the configuration alone (the daemon moves to the next port when this one is taken). */
export function configuredBaseUrl(config: Config): string {
  const h = config.api.host;
  const host = isLoopback(h) ? '127.0.0.1' : h.includes(':') ? `[${h}]` : h;
  return `http://${host}:${config.api.port}/`;
}

/**
 * The one way CLI commands talk to a running daemon: its bound URL (the api-url file it writes
 * at start) and the token header: `rawlight writeback` and `rawlight index` while the daemon runs.
 */
export function createDaemonClient(places: Places, config: Config): DaemonClient {
  const running = daemonRunning(places);
  const baseUrl = (running ? currentApiUrl(places, readLockOwner(places.dataDir)) : null) ?? configuredBaseUrl(config);
  const token = ensureToken(places);
  const headers = { [TOKEN_HEADER]: token };
  const call = (p: string, init: RequestInit = {}) => fetch(new URL(p, baseUrl), { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...headers } });
  return {
    baseUrl,
    running,
    headers,
    token,
    fetch: call,
    async post<T>(p: string, body: unknown): Promise<T> {
      let res: Response;
      try {
        res = await call(p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      } catch (e) {
        throw new DaemonError('API_FEATURE_UNAVAILABLE', `the running daemon's API at ${baseUrl} did not answer: ${(e as Error).message}`, { cause: e });
      }
      const reply = (await res.json().catch(() => ({}))) as unknown;
      if (res.ok) return reply as T;
      const err = (reply as { error?: { code?: string; message?: string } }).error;
      throw new DaemonRefusal(res.status, err?.code, err?.message ?? '');
    },
  };
}

/**
 * The URL the lock's holder wrote, not one a killed daemon left behind. A file's time comes from
 * the kernel's coarse clock, a few ms behind the one the start time was read from: 100 ms of slack
 * (a daemon writes its URL a good while after taking the lock: database, models, start-up steps).
 */
function currentApiUrl(places: Places, owner: LockOwner | null): string | null {
  const since = owner?.startedAt ? Date.parse(owner.startedAt) : NaN;
  return readApiUrl(places, Number.isFinite(since) ? { writtenSince: since - 100 } : {});
}

/** Who drives a home's queue: the daemon, answering at `url`; a command running it itself (no API); nobody. */
export type QueueHolder = { kind: 'daemon'; url: string } | { kind: 'command'; pid: number } | { kind: 'none' };

export interface FindQueueHolderOptions {
  /** How long a daemon that holds the lock may take to answer (ms). */
  timeoutMs?: number;
  /** Said once when the daemon is still starting. */
  onWait?: (pid: number | null) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** How long a starting daemon is waited for: its start-up steps take seconds even at 500K photos (`npm run bench scale`). */
export const DAEMON_START_WAIT_MS = 60_000;

/**
 * Who holds this home, for the commands that hand their work to a running daemon (`index`,
 * `writeback`) or send the user to its page (`open`). A daemon just started (launchd at login, `rawlight agent restart`) holds the lock a
 * moment before its API answers: it is waited for, instead of the command being refused as "another
 * daemon is running" or sent to the URL a killed one left behind. A daemon that never answers
 * (its API could not start: its log says why) is API_FEATURE_UNAVAILABLE after `timeoutMs`.
 */
export async function findQueueHolder(places: Places, o: FindQueueHolderOptions = {}): Promise<QueueHolder> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + (o.timeoutMs ?? DAEMON_START_WAIT_MS);
  let said = false;
  for (;;) {
    if (!daemonRunning(places)) return { kind: 'none' };
    const owner = readLockOwner(places.dataDir);
    // The pid file is written just after the lock is taken: until then it names the last holder.
    const current = owner && isProcessAlive(owner.pid) ? owner : null;
    if (current?.role && current.role !== 'daemon') return { kind: 'command', pid: current.pid };
    const url = current ? currentApiUrl(places, current) : null;
    if (url) return { kind: 'daemon', url };
    if (now() >= deadline) {
      throw new DaemonError('API_FEATURE_UNAVAILABLE', `the daemon${current ? ` (pid ${current.pid})` : ''} holds this home but its API has not answered in ${Math.round((o.timeoutMs ?? DAEMON_START_WAIT_MS) / 1000)} s: its log says why (\`rawlight doctor\`)`);
    }
    if (!said) (o.onWait?.(current?.pid ?? null), (said = true));
    await sleep(200);
  }
}
