import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { buildServer } from '../../../src/api/server.js';
import { authed, makeHarness } from './harness.js';

test('POST /api/libraries refuses a folder inside or around a library, naming it; a symlinked folder is added resolved', async () => {
  const h = makeHarness();
  const app = buildServer(h.deps);
  try {
    await app.ready();
    const inner = path.join(h.library, 'people');
    mkdirSync(inner);
    const add = (p: string) => app.inject({ method: 'POST', url: '/api/libraries', headers: authed(), payload: { path: p } });
    const r = await add(inner);
    assert.equal(r.statusCode, 409, r.body);
    assert.equal(r.json().error.code, 'LIBRARY_NESTED');
    assert.match(r.json().error.message, new RegExp(`inside the library ${h.library.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const around = await add(path.dirname(h.library));
    assert.equal(around.statusCode, 409);
    assert.ok(around.json().error.message.includes(`contains the library ${h.library}`));
    assert.deepEqual(h.control.calls, [], 'nothing was added');

    const real = path.join(h.dir, 'elsewhere');
    mkdirSync(real);
    const link = path.join(h.dir, 'shortcut');
    symlinkSync(real, link);
    const ok = await add(link);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(h.control.calls, [`add ${realpathSync(real)}`], 'stored and shown as the folder the link points to');
  } finally {
    await app.close();
    h.cleanup();
  }
});
