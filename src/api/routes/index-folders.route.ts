import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { badRequest, unavailable } from '../api-error.js';

const body = {
  type: 'object',
  required: ['dirs'],
  additionalProperties: false,
  properties: {
    dirs: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 4096 } },
    passes: { type: 'array', maxItems: 32, items: { type: 'string', minLength: 1, maxLength: 64 } },
  },
} as const;

/**
 * `POST /api/index`: what `rawlight index DIR...` asks of a running daemon (one process drives a
 * home's queue). The folders are walked now and their work queued ahead of the backlog; the reply
 * says what the walk found and which passes to wait for. The caller follows the work in the
 * database; the daemon goes on with every pass as always.
 */
export function registerIndexFoldersRoute(app: FastifyInstance, ctx: ApiContext): void {
  const { control } = ctx.deps;
  app.post<{ Body: { dirs: string[]; passes?: string[] } }>('/api/index', { schema: { body } }, async (req) => {
    if (!control.index) throw unavailable('indexing folders');
    const dirs: string[] = [];
    for (const d of req.body.dirs) {
      if (!path.isAbsolute(d) || d.includes('\0')) throw badRequest('each folder must be an absolute path');
      // Same answer for "missing" and "not a folder", as for libraries.
      if (!(await stat(d).catch(() => null))?.isDirectory()) throw badRequest(`not an existing folder: ${d}`);
      const abs = path.resolve(d);
      if (!dirs.includes(abs)) dirs.push(abs);
    }
    return control.index(dirs, req.body.passes);
  });
}
