import type { FastifyReply, FastifyRequest } from 'fastify';
import { DaemonError } from '../errors/index.js';
import { sessionSecret, tokenMatches } from './api-token.js';
import { isApiPath, normalisedPath } from './request-path.js';

export const TOKEN_HEADER = 'x-rawlight-token';
/** The browser's session: holds sessionSecret(token), set only by GET /?token=TOKEN. */
export const SESSION_COOKIE = 'rawlight_session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SecurityOptions {
  /** The current API token (re-read after `rawlight token rotate`). */
  token: () => string;
  /** The port browsers use in the Host header (known only once listening). */
  port: () => number;
  /** Extra host names accepted (only the configured bind host, when allowRemote is on). */
  extraHosts: readonly string[];
}

export function allowedHosts(port: number, extra: readonly string[]): string[] {
  const names = ['localhost', '127.0.0.1', '[::1]', ...extra.map((h) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h))];
  return names.map((n) => `${n}:${port}`.toLowerCase());
}

/** One cookie of the request, parsed by @fastify/cookie (registered in server.ts). */
export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return req.server.parseCookie(header)[name];
}

/**
 * Whether a request carries the token: the `x-rawlight-token` header (scripts, CLI) or the
 * browser's session cookie. Both comparisons are constant-time.
 */
export function requestAuthorized(req: FastifyRequest, token: string): boolean {
  const h = req.headers[TOKEN_HEADER];
  const header = Array.isArray(h) ? h[0] : h;
  if (header !== undefined) return tokenMatches(token, header);
  const cookie = readCookie(req, SESSION_COOKIE);
  return cookie !== undefined && tokenMatches(sessionSecret(token), cookie);
}

/**
 * True when the request is for the API: by the route the router matched, and by the normalised
 * path (so `/%61pi/...`, `//api/...`, `/API/...` count too, whatever the router makes of them).
 */
export function isApiRequest(req: FastifyRequest): boolean {
  const route = req.routeOptions.url;
  return (route !== undefined && isApiPath(route.toLowerCase())) || isApiPath(normalisedPath(req.url));
}

/**
 * Guards every request, in order:
 * 1. Host must be one of ours with our port: defeats DNS rebinding, where a hostile page's own
 *    name resolves to 127.0.0.1 and its requests become "same-origin".
 * 2. Browsers announce cross-site requests (Sec-Fetch-Site) and their origin (Origin); any API
 *    request another site makes (reads included: an <img> can probe) is refused, and a
 *    state-changing one must come from our exact origin.
 * 3. Every API request (reads, images and the event stream included) and every state-changing
 *    one must carry the token: another local user or process can reach a loopback port, and
 *    face crops, names and GPS are as private as anything on the machine.
 */
export function createSecurityHook(opts: SecurityOptions) {
  return async function securityHook(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const port = opts.port();
    const hosts = allowedHosts(port, opts.extraHosts);
    const host = (req.headers.host ?? '').toLowerCase();
    if (!hosts.includes(host)) throw new DaemonError('API_FORBIDDEN_HOST');

    const isApi = isApiRequest(req);
    const site = header(req, 'sec-fetch-site');
    const origin = header(req, 'origin');
    const ourOrigin = origin === undefined || hosts.some((h) => origin.toLowerCase() === `http://${h}`);
    const unsafe = !SAFE_METHODS.has(req.method);
    if (isApi && (site === 'cross-site' || site === 'same-site' || !ourOrigin)) throw new DaemonError('API_CROSS_ORIGIN');
    if (unsafe) {
      if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new DaemonError('API_CROSS_ORIGIN');
      if (!ourOrigin) throw new DaemonError('API_CROSS_ORIGIN');
    }
    if ((unsafe || isApi) && !requestAuthorized(req, opts.token())) throw new DaemonError('API_UNAUTHORIZED');
    // Never framed by another page (clickjacking the name/merge buttons).
    void reply.header('x-frame-options', 'DENY');
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
  };
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
