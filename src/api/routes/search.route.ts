import type { FastifyInstance } from 'fastify';
import { pageQuery, type ApiContext } from '../api-context.js';
import { listFiles } from '../files.repository.js';
import { filterProps, toFilter, type FilterQuery } from './files.route.js';

/** How many semantic hits are fetched before the filters narrow them. */
const CANDIDATES = 500;

export function registerSearchRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const db = ctx.deps.readDb ?? ctx.deps.db; // read-only routes: never on the pipeline's connection
  app.get<{ Querystring: FilterQuery & { q: string; mode?: 'auto' | 'text' } }>(
    '/api/search',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['q'],
          properties: { ...pageQuery, q: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' }, mode: { type: 'string', enum: ['auto', 'text'] }, ...filterProps },
        },
      },
    },
    async (req) => {
      const filter = toFilter(req.query);
      const q = filter.q ?? '';
      if (ctx.deps.search?.query && req.query.mode !== 'text') {
        // Read for structure first (camera, dates, places, people…); the mode says what ranked.
        const r0 = await ctx.deps.search.query(q, { limit: CANDIDATES });
        const hit = new Map(r0.results.map((h) => [h.fileId, h]));
        const r = listFiles(db, { ...filter, q: undefined, ids: r0.results.map((h) => h.fileId) });
        return {
          q,
          mode: r0.mode,
          label: r0.label ?? null,
          parts: r0.parts ?? [],
          // With no results, why (which filter nothing passes, or that none passes them all).
          empty: r0.empty ?? null,
          offset: filter.offset,
          limit: filter.limit,
          total: r.total,
          items: r.items.map((i) => ({ ...i, score: hit.get(i.id)?.score ?? null, why: hit.get(i.id)?.why ?? null })),
        };
      }
      if (ctx.deps.search && req.query.mode !== 'text') {
        const hits = await ctx.deps.search.search(q, { limit: CANDIDATES });
        const score = new Map(hits.map((h) => [h.fileId, h.score]));
        const why = new Map(hits.map((h) => [h.fileId, h.why ?? null]));
        const r = listFiles(db, { ...filter, q: undefined, ids: hits.map((h) => h.fileId) });
        return { q, mode: 'semantic', offset: filter.offset, limit: filter.limit, total: r.total, items: r.items.map((i) => ({ ...i, score: score.get(i.id) ?? null, why: why.get(i.id) ?? null })) };
      }
      const r = listFiles(db, filter);
      return { q, mode: 'text', offset: filter.offset, limit: filter.limit, total: r.total, items: r.items.map((i) => ({ ...i, score: null })) };
    },
  );
}
