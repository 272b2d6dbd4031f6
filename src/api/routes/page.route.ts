import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { tokenMatches } from '../api-token.js';
import { readCookie, TOKEN_COOKIE } from '../security.hook.js';

const CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The page at `/`. Loading it from our own origin hands the token over as an HttpOnly,
 * SameSite=Strict cookie: scripts (even ours) cannot read it, and other sites' requests do not
 * carry it. A cross-site navigation (a link on another site) gets the page without the cookie.
 */
export function registerPageRoutes(app: FastifyInstance, ctx: ApiContext, pageDir: string): void {
  const sendPage = async (req: FastifyRequest, reply: FastifyReply) => {
    const site = req.headers['sec-fetch-site'];
    if (site === undefined || site === 'none' || site === 'same-origin') {
      void reply.header('set-cookie', `${TOKEN_COOKIE}=${ctx.deps.token}; Path=/; HttpOnly; SameSite=Strict`);
    }
    void reply.header('content-security-policy', CSP).header('cache-control', 'no-cache');
    return reply.sendFile('index.html', pageDir);
  };
  app.get('/', { schema: {} }, sendPage);
  app.get('/index.html', { schema: {} }, sendPage);

  /** Whether this browser holds a valid token cookie (the page cannot read an HttpOnly cookie). */
  app.get('/api/session', { schema: {} }, async (req) => ({
    authorized: tokenMatches(ctx.deps.token, readCookie(req.headers.cookie, TOKEN_COOKIE)),
    remote: ctx.deps.config.api.allowRemote,
  }));
}
