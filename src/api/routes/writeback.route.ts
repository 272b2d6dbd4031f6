import type { FastifyInstance } from 'fastify';
import { requestPass } from '../../queue/queue.js';
import { idOf, idParams, type ApiContext } from '../api-context.js';
import { notFound, unavailable } from '../api-error.js';
import { fileExists } from '../files.repository.js';

export function registerWritebackRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { db } = ctx.deps;

  app.get('/api/files/:id/writeback', { schema: { params: idParams } }, async (req) => {
    const id = idOf(req.params);
    if (!fileExists(db, id)) throw notFound('file');
    if (!ctx.deps.writeback) throw unavailable('XMP writeback is not running');
    return { fileId: id, preview: await ctx.deps.writeback.preview(id) };
  });

  // `rawlight writeback` while the daemon runs: the daemon's one writer does the work.
  app.post<{ Body: { paths: string[]; dryRun?: boolean; repair?: boolean; restore?: boolean } }>(
    '/api/writeback/run',
    {
      schema: {
        body: {
          type: 'object',
          required: ['paths'],
          additionalProperties: false,
          properties: {
            paths: { type: 'array', maxItems: 10_000, items: { type: 'string', minLength: 1, maxLength: 4096 } },
            dryRun: { type: 'boolean' },
            repair: { type: 'boolean' },
            restore: { type: 'boolean' },
          },
        },
      },
    },
    async (req) => {
      if (!ctx.deps.writeback?.run) throw unavailable('XMP writeback is not running');
      return ctx.deps.writeback.run({ paths: req.body.paths, dryRun: req.body.dryRun ?? false, repair: req.body.repair ?? false, restore: req.body.restore ?? false });
    },
  );

  app.post<{ Body: { fileIds: number[] } }>(
    '/api/writeback/apply',
    {
      schema: {
        body: {
          type: 'object',
          required: ['fileIds'],
          additionalProperties: false,
          properties: { fileIds: { type: 'array', minItems: 1, maxItems: 10_000, uniqueItems: true, items: { type: 'integer', minimum: 1 } } },
        },
      },
    },
    async (req) => {
      const missing = req.body.fileIds.filter((id) => !fileExists(db, id));
      if (missing.length) throw notFound(`file ${missing.slice(0, 5).join(', ')}`);
      if (ctx.deps.writeback) return { accepted: await ctx.deps.writeback.apply(req.body.fileIds) };
      if (!ctx.deps.config.passes.writeback || ctx.deps.config.writeback === 'off') throw unavailable('XMP writeback is switched off');
      for (const id of req.body.fileIds) requestPass(db, id, 'writeback');
      ctx.deps.control.wake?.();
      return { accepted: req.body.fileIds.length };
    },
  );
}
