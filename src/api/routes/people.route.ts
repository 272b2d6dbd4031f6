import type { FastifyInstance } from 'fastify';
import { requestPass } from '../../queue/queue.js';
import { idOf, idParams, pageQuery, type ApiContext } from '../api-context.js';
import { badRequest, notFound, unavailable } from '../api-error.js';
import { faceExists, filesOfPerson, listPersonTiles, personTile, suggestNames } from '../../people/index.js';
import type { PeoplePort } from '../ports.js';

const nameBody = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } },
} as const;

export function registerPeopleRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { db } = ctx.deps;
  const people = (): PeoplePort => {
    if (!ctx.deps.people) throw unavailable('people (face grouping) is not running');
    return ctx.deps.people;
  };
  const personOr404 = (id: number) => {
    const p = personTile(db, id);
    if (!p) throw notFound('person');
    return p;
  };
  /** After a people change the photos' XMP must be reconsidered (PersonInImage, regions). */
  const reconsider = (fileIds: Iterable<number>) => {
    if (!ctx.deps.writeback) return;
    for (const f of fileIds) requestPass(db, f, 'writeback');
    ctx.deps.control.wake?.(); // idle workers sleep until woken (the doorbell would find it within 5 s)
  };
  const changed = (what: string, personId: number | null) => ctx.hub.broadcast('people-changed', { what, personId });

  app.get<{ Querystring: { offset: number; limit: number; ignored: boolean; named?: boolean; sample: number } }>(
    '/api/people',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQuery, ignored: { type: 'boolean', default: false }, named: { type: 'boolean' }, sample: { type: 'integer', minimum: 1, maximum: 24, default: 6 } },
        },
      },
    },
    async (req) => {
      const r = listPersonTiles(db, { includeIgnored: req.query.ignored, named: req.query.named, limit: req.query.limit, offset: req.query.offset, sample: req.query.sample });
      return { offset: req.query.offset, limit: req.query.limit, editable: !!ctx.deps.people, ...r };
    },
  );

  app.get<{ Querystring: { q: string; limit: number } }>(
    '/api/people/suggest',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: { q: { type: 'string', maxLength: 200, default: '' }, limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 } } } } },
    async (req) => ({ names: suggestNames(db, req.query.q.trim(), req.query.limit) }),
  );

  app.get('/api/people/:id', { schema: { params: idParams } }, async (req) => personOr404(idOf(req.params)));

  app.post<{ Body: { name: string } }>('/api/people/:id/name', { schema: { params: idParams, body: nameBody } }, async (req) => {
    const id = idOf(req.params);
    const before = personOr404(id);
    const name = req.body.name.trim().replace(/\s+/g, ' ');
    const r = await people().name(id, name);
    const personId = r && typeof r === 'object' ? r.personId : id;
    reconsider(new Set([...before.facesDetail.map((f) => f.fileId), ...filesOfPerson(db, personId)]));
    changed('named', personId);
    return personTile(db, personId) ?? { id: personId, name };
  });

  app.post<{ Body: { into: number } }>(
    '/api/people/:id/merge',
    { schema: { params: idParams, body: { type: 'object', required: ['into'], additionalProperties: false, properties: { into: { type: 'integer', minimum: 1 } } } } },
    async (req) => {
      const id = idOf(req.params);
      const from = personOr404(id);
      if (req.body.into === id) throw badRequest('cannot merge a person into itself');
      personOr404(req.body.into);
      await people().merge(id, req.body.into);
      reconsider(new Set([...from.facesDetail.map((f) => f.fileId), ...filesOfPerson(db, req.body.into)]));
      changed('merged', req.body.into);
      return personTile(db, req.body.into) ?? { id: req.body.into };
    },
  );

  app.post<{ Body: { ignored: boolean } }>(
    '/api/people/:id/ignore',
    { schema: { params: idParams, body: { type: 'object', additionalProperties: false, properties: { ignored: { type: 'boolean', default: true } } } } },
    async (req) => {
      const id = idOf(req.params);
      const p = personOr404(id);
      await people().ignore(id, req.body?.ignored ?? true);
      reconsider(p.facesDetail.map((f) => f.fileId));
      changed('ignored', id);
      return personTile(db, id) ?? { id };
    },
  );

  app.post('/api/faces/:id/remove', { schema: { params: idParams } }, async (req) => {
    const faceId = idOf(req.params);
    if (!faceExists(db, faceId)) throw notFound('face');
    const fileId = (db.prepare('SELECT file_id FROM faces WHERE id = ?').get(faceId) as { file_id: number }).file_id;
    await people().removeFace(faceId);
    reconsider([fileId]);
    changed('face-removed', null);
    return { faceId, removed: true };
  });

  // The viewer's "who is this?" on one face: into that person (created when new), confirmed.
  app.post<{ Body: { name: string } }>('/api/faces/:id/name', { schema: { params: idParams, body: nameBody } }, async (req) => {
    const faceId = idOf(req.params);
    if (!faceExists(db, faceId)) throw notFound('face');
    const port = people();
    if (!port.nameFace) throw unavailable('naming single faces is not available in this daemon');
    const fileId = (db.prepare('SELECT file_id FROM faces WHERE id = ?').get(faceId) as { file_id: number }).file_id;
    const { personId } = await port.nameFace(faceId, req.body.name.trim().replace(/\s+/g, ' '));
    reconsider([fileId, ...filesOfPerson(db, personId)]);
    changed('face-named', personId);
    return personTile(db, personId) ?? { id: personId };
  });

  // "Group now": the faces that fit no known person are clustered into groups at once.
  app.post('/api/people/group', { schema: {} }, async () => {
    const port = people();
    if (!port.group) throw unavailable('grouping is not running in this process');
    const report = await port.group();
    changed('grouped', null);
    return { grouped: true, report };
  });

  app.post('/api/people/undo', { schema: {} }, async () => {
    const undone = await people().undo();
    if (undone) changed('undone', null);
    return { undone };
  });
}
