import type { FastifyInstance } from 'fastify';
import { countDeadJobs, listDeadJobs } from '../../store/repositories/status.repository.js';
import { pageQuery, type ApiContext } from '../api-context.js';
import { notFound } from '../api-error.js';

export function registerJobRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { db } = ctx.deps;

  app.get<{ Querystring: { offset: number; limit: number } }>(
    '/api/jobs/dead',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: pageQuery } } },
    async (req) => ({ offset: req.query.offset, limit: req.query.limit, total: countDeadJobs(ctx.deps.readDb ?? db), items: listDeadJobs(ctx.deps.readDb ?? db, req.query) }),
  );

  app.post<{ Body: { jobId?: number } | undefined }>(
    '/api/jobs/retry',
    { schema: { body: { type: 'object', additionalProperties: false, properties: { jobId: { type: 'integer', minimum: 1 } } } } },
    async (req) => {
      const jobId = req.body?.jobId;
      if (jobId !== undefined && !db.prepare(`SELECT 1 FROM jobs WHERE id = ? AND state = 'dead'`).get(jobId)) throw notFound('dead job');
      const retried = jobId === undefined ? ctx.deps.control.retryDead() : ctx.deps.control.retryDead(jobId);
      return { retried };
    },
  );
}
