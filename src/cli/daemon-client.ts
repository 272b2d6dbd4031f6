import { ensureToken } from '../api/api-token.js';
import { readApiUrl } from '../api/api-url-file.js';
import { TOKEN_HEADER } from '../api/security.hook.js';
import { isLoopback, type Config } from '../config/index.js';
import { DaemonError } from '../errors/index.js';
import type { Places } from '../platform/places.js';
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
  const baseUrl = (running ? readApiUrl(places) : null) ?? configuredBaseUrl(config);
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
