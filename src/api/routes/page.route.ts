import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DaemonError } from '../../errors/index.js';
import type { ApiContext } from '../api-context.js';
import { sessionSecret, tokenMatches } from '../api-token.js';
import { SESSION_COOKIE } from '../security.hook.js';

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

/** Browsers cap a cookie's life at 400 days; a bookmark keeps working that long. */
const SESSION_MAX_AGE_S = 400 * 24 * 3600;

/** The sign-in URL `rawlight open` opens: the page, with the token once in the query. */
export function signInUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/?token=${encodeURIComponent(token)}`;
}

/**
 * The page at `/`. It holds no data: everything comes from /api, which needs the session. A plain
 * GET / sets nothing (the page then shows "run `rawlight open`"). GET /?token=TOKEN (the URL
 * `rawlight open` opens) checks the token in constant time, sets the HttpOnly, SameSite=Strict
 * session cookie (a secret derived from the token) and redirects to / so the token leaves the
 * address bar and the history; a wrong token gets 401 and no cookie.
 */
export function registerPageRoutes(app: FastifyInstance, ctx: ApiContext, pageDir: string): void {
  const sendPage = async (req: FastifyRequest<{ Querystring: { token?: string } }>, reply: FastifyReply) => {
    const given = req.query.token;
    if (given !== undefined) {
      const token = ctx.token();
      if (!tokenMatches(token, given)) throw new DaemonError('API_UNAUTHORIZED', 'This sign-in link is not valid (the token changed?): run `rawlight open` again');
      const cookie = app.serializeCookie(SESSION_COOKIE, sessionSecret(token), { path: '/', httpOnly: true, sameSite: 'strict', maxAge: SESSION_MAX_AGE_S });
      return reply.header('set-cookie', cookie).header('cache-control', 'no-store').redirect('/', 303);
    }
    void reply.header('content-security-policy', CSP).header('cache-control', 'no-cache');
    return reply.sendFile('index.html', pageDir);
  };
  const query = { type: 'object', properties: { token: { type: 'string', maxLength: 512 } } };
  app.get('/', { schema: { querystring: query } }, sendPage);
  app.get('/index.html', { schema: { querystring: query } }, sendPage);

  /** Reached only with a valid session or token (the security hook): the page's "am I signed in". */
  app.get('/api/session', { schema: {} }, async () => ({
    authorized: true,
    remote: ctx.deps.config.api.allowRemote,
  }));
}
