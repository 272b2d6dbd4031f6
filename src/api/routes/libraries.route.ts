import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { badRequest, notFound } from '../api-error.js';
import { checkNewLibrary, resolveLibraryRoot } from '../../config/libraries.js';

const pathBody = {
  type: 'object',
  required: ['path'],
  additionalProperties: false,
  properties: { path: { type: 'string', minLength: 1, maxLength: 4096 } },
} as const;

export function registerLibraryRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { control } = ctx.deps;
  const list = () => ({ libraries: control.libraries() });

  app.get('/api/libraries', { schema: {} }, async () => list());

  app.post<{ Body: { path: string } }>('/api/libraries', { schema: { body: pathBody } }, async (req) => {
    const dir = req.body.path.trim();
    if (!path.isAbsolute(dir) || dir.includes('\0')) throw badRequest('the library must be an absolute folder path');
    const st = await stat(path.resolve(dir)).catch(() => null);
    // Same answer for "missing" and "not a folder": the API does not probe the disk for callers.
    if (!st?.isDirectory()) throw badRequest('not an existing folder');
    // Resolved once (a symlink becomes its target); a folder inside or around a library is refused.
    const norm = resolveLibraryRoot(dir);
    if (!control.libraries().includes(norm)) {
      checkNewLibrary(control.libraries(), norm);
      await control.addLibrary(norm);
    }
    ctx.hub.broadcast('libraries', list());
    return list();
  });

  app.post<{ Body: { path: string } }>('/api/libraries/remove', { schema: { body: pathBody } }, async (req) => {
    const given = path.resolve(req.body.path.trim());
    const norm = control.libraries().includes(given) ? given : resolveLibraryRoot(given);
    if (!control.libraries().includes(norm)) throw notFound('library');
    await control.removeLibrary(norm);
    ctx.hub.broadcast('libraries', list());
    return list();
  });
}
