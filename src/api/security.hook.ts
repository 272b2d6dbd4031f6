import type { FastifyReply, FastifyRequest } from 'fastify';
import { DaemonError } from '../errors/index.js';
import { tokenMatches } from './api-token.js';

export const TOKEN_HEADER = 'x-rawlight-token';
export const TOKEN_COOKIE = 'rawlight_token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SecurityOptions {
  token: string;
  /** The port browsers use in the Host header (known only once listening). */
  port: () => number;
  /** Extra host names accepted (only the configured bind host, when allowRemote is on). */
  extraHosts: readonly string[];
  /** Remote mode: every /api request needs the token, reads included. */
  remote: boolean;
}

export function allowedHosts(port: number, extra: readonly string[]): string[] {
  const names = ['localhost', '127.0.0.1', '[::1]', ...extra.map((h) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h))];
  return names.map((n) => `${n}:${port}`.toLowerCase());
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The token a request carries: the header (scripts, CLI) or the page's cookie. */
export function requestToken(req: FastifyRequest): string | undefined {
  const h = req.headers[TOKEN_HEADER];
  const header = Array.isArray(h) ? h[0] : h;
  return header ?? readCookie(req.headers.cookie, TOKEN_COOKIE);
}

/**
 * Guards every request, in order:
 * 1. Host must be one of ours with our port: defeats DNS rebinding, where a hostile page's own
 *    name resolves to 127.0.0.1 and its requests become "same-origin".
 * 2. Browsers announce cross-site requests (Sec-Fetch-Site) and their origin (Origin); any API
 *    request another site makes (reads included: an <img> can probe) is refused, and a
 *    state-changing one must come from our exact origin.
 * 3. A state-changing request must carry the token (header or cookie); a local page on another
 *    port is same-site, so SameSite alone would not keep it out: the Origin check does.
 */
export function createSecurityHook(opts: SecurityOptions) {
  return async function securityHook(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const port = opts.port();
    const hosts = allowedHosts(port, opts.extraHosts);
    const host = (req.headers.host ?? '').toLowerCase();
    if (!hosts.includes(host)) throw new DaemonError('API_FORBIDDEN_HOST');

    const isApi = req.url.startsWith('/api/') || req.url === '/api';
    const site = header(req, 'sec-fetch-site');
    const origin = header(req, 'origin');
    const unsafe = !SAFE_METHODS.has(req.method);
    if (isApi && (site === 'cross-site' || site === 'same-site')) throw new DaemonError('API_CROSS_ORIGIN');
    if (unsafe) {
      if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new DaemonError('API_CROSS_ORIGIN');
      if (origin !== undefined && !hosts.some((h) => origin.toLowerCase() === `http://${h}`)) throw new DaemonError('API_CROSS_ORIGIN');
    }
    if ((unsafe || (opts.remote && isApi)) && !tokenMatches(opts.token, requestToken(req))) {
      throw new DaemonError('API_UNAUTHORIZED');
    }
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
