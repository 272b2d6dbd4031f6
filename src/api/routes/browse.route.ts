import type { FastifyInstance } from 'fastify';
import { idOf, idParams, pageQuery, type ApiContext } from '../api-context.js';
import { notFound } from '../api-error.js';
import { mapPoints } from '../map.repository.js';
import { coverFaces, personPhotos } from '../person-photos.repository.js';
import { timelineDays, timelineFromDay, timelinePage } from '../timeline.repository.js';
import { worldOutline } from '../world-outline.js';

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2463eb"/><circle cx="16" cy="16" r="8" fill="none" stroke="#fff" stroke-width="3"/><circle cx="16" cy="16" r="3" fill="#ffd400"/></svg>`;

/** Read routes of the photo browser: timeline, map, a person's photos, cover faces, the favicon. */
export function registerBrowseRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const db = ctx.deps.readDb ?? ctx.deps.db; // read-only routes: never on the pipeline's connection
  const hasPeople = () => !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'face_person'").get();

  app.get('/api/timeline/days', { schema: { querystring: { type: 'object', additionalProperties: false, properties: {} } } }, async () => {
    const days = timelineDays(db);
    return { total: days.reduce((n, d) => n + d.count, 0), days };
  });

  app.get<{ Querystring: { offset: number; limit: number; day?: string; skip: number } }>(
    '/api/timeline',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...pageQuery,
            // From a day on (the page's fast path): "2013-11-18", or "none" for the undated photos.
            day: { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2}|none)$' },
            skip: { type: 'integer', minimum: 0, maximum: 10_000_000, default: 0 },
          },
        },
      },
    },
    async (req) => {
      const { day, skip, offset, limit } = req.query;
      if (day !== undefined) return { day, skip, items: timelineFromDay(db, day === 'none' ? null : day, skip, limit) };
      return { offset, items: timelinePage(db, offset, limit) };
    },
  );

  app.get('/api/map/points', { schema: { querystring: { type: 'object', additionalProperties: false, properties: {} } } }, async () => ({ points: mapPoints(db) }));

  // The outline never changes within a version: cacheable for a day.
  app.get('/api/map/countries', { schema: {} }, async (_req, reply) => {
    void reply.header('cache-control', 'public, max-age=86400');
    return worldOutline();
  });

  app.get<{ Querystring: { offset: number; limit: number } }>(
    '/api/people/:id/photos',
    { schema: { params: idParams, querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuery } } } },
    async (req) => {
      const id = idOf(req.params);
      if (!hasPeople() || !db.prepare('SELECT 1 FROM persons WHERE id = ?').get(id)) throw notFound('person');
      return { personId: id, offset: req.query.offset, ...personPhotos(db, id, req.query.offset, req.query.limit) };
    },
  );

  app.get<{ Querystring: { ids: string } }>(
    '/api/people/covers',
    { schema: { querystring: { type: 'object', additionalProperties: false, required: ['ids'], properties: { ids: { type: 'string', pattern: '^[0-9]{1,15}(,[0-9]{1,15}){0,499}$' } } } } },
    async (req) => {
      if (!hasPeople()) return { covers: {} };
      const covers = coverFaces(db, req.query.ids.split(',').map(Number));
      return { covers: Object.fromEntries([...covers].map(([p, f]) => [p, { faceId: f, crop: `/api/faces/${f}/crop` }])) };
    },
  );

  app.get('/favicon.ico', { schema: {} }, async (_req, reply) => reply.header('content-type', 'image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON));
  app.get('/favicon.svg', { schema: {} }, async (_req, reply) => reply.header('content-type', 'image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON));
}
