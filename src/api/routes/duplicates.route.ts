import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { unavailable } from '../api-error.js';
import { listFiles } from '../files.repository.js';

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
}
