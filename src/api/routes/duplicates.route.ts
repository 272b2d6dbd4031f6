import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { notFound, unavailable } from '../api-error.js';
import { fileExists, listFiles } from '../files.repository.js';

/** GET /api/duplicates: the groups with each file's thumbnail for side-by-side review. */
export function registerDuplicateRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { db } = ctx.deps;
  app.get('/api/duplicates', async () => {
    if (!ctx.deps.duplicates) throw unavailable('duplicate finding is not available in this daemon');
    const { groups, confirmedBy } = await ctx.deps.duplicates.find();
    const ids = groups.flatMap((g) => g.fileIds);
    const items = new Map(listFiles(db, { ids, offset: 0, limit: Math.max(1, ids.length) }).items.map((i) => [i.id, i] as const));
    return {
      confirmedBy,
      groups: groups.map((g) => ({ kind: g.kind, keep: g.keep, files: g.fileIds.map((id, k) => ({ ...(items.get(id) ?? { id, path: g.files[k], name: g.files[k], thumbnail: null, preview: null }), keep: g.files[k] === g.keep })) })),
    };
  });

  // Only on the user's request: a keyword on the files they chose, written by the normal writeback.
  app.post<{ Body: { fileIds: number[]; label?: string } }>(
    '/api/duplicates/mark',
    {
      schema: {
        body: {
          type: 'object',
          required: ['fileIds'],
          additionalProperties: false,
          properties: {
            fileIds: { type: 'array', minItems: 1, maxItems: 10_000, uniqueItems: true, items: { type: 'integer', minimum: 1 } },
            label: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[^|\\n\\r]+$' },
          },
        },
      },
    },
    async (req) => {
      const port = ctx.deps.duplicates;
      if (!port?.mark) throw unavailable('marking duplicates is not available in this daemon');
      const missing = req.body.fileIds.filter((id) => !fileExists(db, id));
      if (missing.length) throw notFound(`file ${missing.slice(0, 5).join(', ')}`);
      return { marked: await port.mark(req.body.fileIds, req.body.label) };
    },
  );
}
