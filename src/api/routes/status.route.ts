import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.js';

export function registerStatusRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/status', { schema: { querystring: { type: 'object', additionalProperties: false, properties: {} } } }, async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send(await ctx.status.fullJson()),
  );

  app.get('/api/events', { schema: { querystring: { type: 'object', properties: {} } } }, async (req, reply) => {
    if (ctx.hub.full) {
      // 429 + Retry-After: the page's own reconnect loop waits that long (EventSource gives up on any non-200).
      return reply.status(429).header('retry-after', '10').send({ error: { code: 'API_TOO_MANY_STREAMS', message: 'Too many open event streams; retry later' } });
    }
    reply.hijack();
    ctx.hub.add(reply.raw);
    return reply;
  });

  const pausedReply = { response: { 200: { type: 'object', properties: { paused: { type: 'boolean' } } } } };
  app.post('/api/pause', { schema: pausedReply }, async () => {
    await ctx.deps.control.pause();
    ctx.hub.broadcast('paused', true);
    return { paused: ctx.deps.control.isPaused() };
  });

  app.post('/api/resume', { schema: pausedReply }, async () => {
    await ctx.deps.control.resume();
    ctx.hub.broadcast('paused', false);
    return { paused: ctx.deps.control.isPaused() };
  });
}
