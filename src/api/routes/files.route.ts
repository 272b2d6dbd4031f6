import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { idOf, idParams, pageQuery, type ApiContext } from '../api-context.js';
import { badRequest, notFound, unavailable } from '../api-error.js';
import { sendCachedImage } from '../cached-image.js';
import { faceCrop, facets, fileDetail, fileExists, fileRow, listFiles, previewImage, type FileFilter } from '../files.repository.js';

const DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

/** Filters shared by /api/files and /api/search. */
export const filterProps = {
  root: { type: 'string', minLength: 1, maxLength: 4096 },
  kind: { type: 'string', enum: ['raw', 'image'] },
  from: { type: 'string', pattern: DATE },
  to: { type: 'string', pattern: DATE },
  camera: { type: 'string', minLength: 1, maxLength: 200 },
  person: { type: 'string', minLength: 1, maxLength: 200 },
  tag: { type: 'string', minLength: 1, maxLength: 200 },
  place: { type: 'string', minLength: 1, maxLength: 200 },
} as const;

export interface FilterQuery {
  offset: number;
  limit: number;
  q?: string;
  root?: string;
  kind?: 'raw' | 'image';
  from?: string;
  to?: string;
  camera?: string;
  person?: string;
  tag?: string;
  place?: string;
}

const DAY_MS = 86_400_000;

/** A day's start; for `to`, the next day's start: the day itself is included, the bound exclusive. */
function dateMs(s: string, through: boolean): number {
  const t = Date.parse(`${s}T00:00:00.000Z`);
  if (Number.isNaN(t)) throw badRequest(`not a date: ${s}`);
  return through ? t + DAY_MS : t;
}

export function toFilter(q: FilterQuery): FileFilter {
  return {
    offset: q.offset,
    limit: q.limit,
    q: q.q?.trim() || undefined,
    root: q.root,
    kind: q.kind,
    from: q.from ? dateMs(q.from, false) : undefined,
    to: q.to ? dateMs(q.to, true) : undefined,
    camera: q.camera,
    person: q.person,
    tag: q.tag,
    place: q.place,
  };
}

const versionQuery = { type: 'object', properties: { v: { type: 'string', maxLength: 64 } } } as const;

export function registerFileRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const db = ctx.deps.readDb ?? ctx.deps.db; // read-only routes: never on the pipeline's connection

  app.get<{ Querystring: FilterQuery }>(
    '/api/files',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuery, q: { type: 'string', maxLength: 500 }, ...filterProps } } } },
    async (req) => {
      const r = listFiles(db, toFilter(req.query));
      return { offset: req.query.offset, limit: req.query.limit, ...r };
    },
  );

  app.get('/api/facets', { schema: {} }, async () => facets(db));

  app.get('/api/files/:id', { schema: { params: idParams } }, async (req) => {
    const d = fileDetail(db, idOf(req.params));
    if (!d) throw notFound('file');
    const xmp = ctx.deps.writeback?.state ? await ctx.deps.writeback.state(d.id) : (d.passResults.find((r) => r.pass === 'writeback') ?? null);
    return { ...d, xmp };
  });

  for (const which of ['thumbnail', 'preview'] as const) {
    app.get<{ Querystring: { v?: string } }>(`/api/files/:id/${which}`, { schema: { params: idParams, querystring: versionQuery } }, async (req, reply) => {
      const img = previewImage(db, idOf(req.params), which);
      if (!img) throw notFound(which);
      return sendCachedImage(req, reply, ctx.deps.places.cacheDir, img.rel, img.hash, req.query.v);
    });
  }

  app.get<{ Querystring: { v?: string } }>('/api/faces/:id/crop', { schema: { params: idParams, querystring: versionQuery } }, async (req, reply) => {
    const img = faceCrop(db, idOf(req.params));
    if (!img) throw notFound('face');
    return sendCachedImage(req, reply, ctx.deps.places.cacheDir, img.rel, img.hash, req.query.v);
  });

  app.post('/api/files/:id/reveal', { schema: { params: idParams } }, async (req) => {
    const f = fileRow(db, idOf(req.params));
    if (!f) throw notFound('file');
    // Only ever a path the database holds, and only inside a current library.
    const libs = ctx.deps.control.libraries();
    if (!libs.some((l) => f.path.startsWith(l.endsWith(path.sep) ? l : l + path.sep))) throw notFound('file');
    return ctx.reveal(f.path);
  });

  app.get<{ Querystring: { limit: number } }>(
    '/api/files/:id/similar',
    { schema: { params: idParams, querystring: { type: 'object', additionalProperties: false, properties: { limit: pageQuery.limit } } } },
    async (req) => {
      const id = idOf(req.params);
      if (!fileExists(db, id)) throw notFound('file');
      if (!ctx.deps.search) throw unavailable('similar photos need the CLIP embeddings (embed pass)');
      if (ctx.deps.search.clipInstalled && !ctx.deps.search.clipInstalled()) throw unavailable('More like this needs a CLIP model, and none is installed (see `rawlight models` for how to add one)');
      const hits = (await ctx.deps.search.similar(id, { limit: req.query.limit })).filter((h) => h.fileId !== id);
      const score = new Map(hits.map((h) => [h.fileId, h.score]));
      const r = listFiles(db, { offset: 0, limit: req.query.limit, ids: hits.map((h) => h.fileId) });
      return { fileId: id, total: r.total, items: r.items.map((i) => ({ ...i, score: score.get(i.id) ?? null })) };
    },
  );
}
