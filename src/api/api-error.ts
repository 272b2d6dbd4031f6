import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { DaemonError, isDaemonError, type ErrorCode } from '../errors/index.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  API_BAD_REQUEST: 400,
  API_NOT_FOUND: 404,
  API_FORBIDDEN_HOST: 403,
  API_CROSS_ORIGIN: 403,
  API_UNAUTHORIZED: 401,
  API_TOO_MANY_STREAMS: 429,
  PLATFORM_NO_DESKTOP: 409,
  PLATFORM_COMMAND_FAILED: 502,
  API_FEATURE_UNAVAILABLE: 503,
  CONFIG_INVALID: 400,
  PASS_UNKNOWN: 400,
  DAEMON_STOPPED: 503,
  LIBRARY_NESTED: 409,
  FILE_NOT_FOUND: 404,
  WRITE_CONFLICT: 409,
  PERSON_NOT_FOUND: 404,
  FACE_NOT_FOUND: 404,
  PERSON_CONFLICT: 409,
  PERSON_NAME_INVALID: 400,
  NOTHING_TO_UNDO: 409,
};

export function badRequest(detail: string): DaemonError {
  return new DaemonError('API_BAD_REQUEST', detail);
}

export function notFound(what = 'resource'): DaemonError {
  return new DaemonError('API_NOT_FOUND', what);
}

export function unavailable(feature: string): DaemonError {
  return new DaemonError('API_FEATURE_UNAVAILABLE', feature);
}

export interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * Replaces absolute paths that are not inside a library with "<path>", so an error from deep
 * inside (a model folder, the cache, a home directory) never tells a caller how the disk looks.
 */
export function redactPaths(message: string, allowedRoots: readonly string[]): string {
  // A path starts the message or follows a space, quote, bracket or '=': `application/json` and
  // `querystring/limit` are not paths and keep their names.
  return message.replace(/(?<=^|[\s'"`(=[<{,:])(?:[A-Za-z]:)?(?:\/[^\s'"`:,;()<>[\]{}]+)+\/?/g, (p) =>
    allowedRoots.some((r) => p === r || p.startsWith(r.endsWith('/') ? r : r + '/')) ? p : '<path>',
  );
}

/**
 * The one error handler: schema failures become 400 (or 404 for a malformed id in the URL, which
 * names nothing that exists), DaemonErrors keep their code, anything else is a 500 with no
 * message or stack (logged here instead).
 */
export function createErrorHandler(log: Logger, allowedRoots: () => readonly string[]) {
  return function handleError(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
    const fe = err as FastifyError;
    let status: number;
    let code: string;
    let message: string;
    if (fe.validation) {
      if (fe.validationContext === 'params') {
        status = 404;
        code = 'API_NOT_FOUND';
        message = 'No such resource';
      } else {
        status = 400;
        code = 'API_BAD_REQUEST';
        message = `Invalid request: ${fe.message}`;
      }
    } else if (isDaemonError(err)) {
      status = STATUS[err.code] ?? 500;
      code = err.code;
      message = err.message;
      if (status >= 500) log.warn({ err, url: req.url }, 'api request failed');
    } else if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      // fastify's own client errors (bad JSON body, wrong content type, body too large).
      status = fe.statusCode;
      code = status === 404 ? 'API_NOT_FOUND' : 'API_BAD_REQUEST';
      message = fe.message;
    } else {
      log.error({ err, url: req.url }, 'api internal error');
      status = 500;
      code = 'INTERNAL';
      message = 'Unexpected internal error';
    }
    const body: ErrorBody = { error: { code, message: redactPaths(message, allowedRoots()) } };
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  };
}
