// Writeback waits for every pass before it to settle. A pass that fails for good settles too: a RAW
// whose preview cannot be made (a GoPro GPR has none embedded) has no faces or tags, but its place
// still belongs in its XMP. It used to be left out: nothing looked at writeback again.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { DaemonError } from '../../../src/errors/index.js';
import type { Pass } from '../../../src/passes/pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { Priority } from '../../../src/queue/queue.js';
import { openDb } from '../../../src/store/db.js';
import { getFile } from '../../../src/store/repositories/file.repository.js';
import { cli } from '../../helpers/cli.js';
import { FIXTURES, MODELS, tempDir } from '../../helpers/fixtures.js';

test('a pass failing for good makes what waits for it to settle look again; what reads its output does not', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-settled-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { db } = openDb(path.join(dir, 'rawlight.db'));
  t.after(() => db.close());
  db.prepare(`INSERT INTO files (id, path, root, ext, kind, first_seen_at, last_seen_at) VALUES (1, '/l/a.gpr', '/l', 'gpr', 'raw', 0, 0)`).run();
  const ran: string[] = [];
  const pending = (id: number, passes: string[]) => db.prepare(`SELECT 1 FROM jobs WHERE file_id = ? AND pass IN (SELECT value FROM json_each(?)) AND state <> 'dead'`).get(id, JSON.stringify(passes)) !== undefined;
  const pass = (name: string, after: string[], o: Partial<Pass> = {}): Pass => ({
    name, version: 1, resource: 'cpu', after, description: name,
    inputKey: () => 'k',
    run: async () => (ran.push(name), {}),
    ...o,
  });
  const passes = [
    pass('metadata', []),
    pass('places', ['metadata']),
    pass('preview', ['metadata'], { run: async () => (ran.push('preview'), Promise.reject(new DaemonError('PREVIEW_NONE', 'no embedded JPEG, TIFF or thumbnail'))) }),
    pass('faces', ['preview'], { inputKey: (d, f) => (d.prepare(`SELECT status FROM pass_results WHERE file_id = ? AND pass = 'preview'`).pluck().get(f.id) === 'ok' ? 'k' : null) }),
    // As writeback: no input while any pass before it is still to run.
    pass('writeback', ['places', 'preview', 'faces'], { afterSettled: true, inputKey: (_, f) => (pending(f.id, ['metadata', 'places', 'preview', 'faces']) ? null : 'k') }),
  ];
  const pipeline = new Pipeline({ db, passes, log: pino({ level: 'silent' }), bus: new PipelineBus(), concurrency: { cpu: 1, io: 0 }, maxAttempts: 3, retryBaseMs: 0, leaseMs: 600_000 });
  pipeline.considerFile(getFile(db, 1)!, Priority.user);
  pipeline.start();
  try {
    for (let i = 0; i < 500 && !ran.includes('writeback'); i++) await new Promise((r) => setImmediate(r));
  } finally {
    await pipeline.stop(100);
  }
  assert.deepEqual(ran, ['metadata', 'places', 'preview', 'writeback']);
  assert.equal(db.prepare(`SELECT count(*) FROM jobs`).pluck().get(), 0, 'faces not queued: it reads the preview');
});

test('rawlight index: a GoPro GPR (no preview in it) gets its place keywords in its sidecar', async () => {
  const t = tempDir('rawlight-gpr-place-');
  try {
    const lib = path.join(t.dir, 'lib');
    const home = path.join(t.dir, 'home');
    mkdirSync(lib, { recursive: true });
    mkdirSync(home, { recursive: true });
    copyFileSync(path.join(FIXTURES, 'raw/imagemeta_Hero8.gpr'), path.join(lib, 'GOPR0009.GPR'));
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: MODELS, libraries: [lib], passes: { embed: false, ocr: false } }));
    const r = await cli(home, ['index', lib, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = r.json<{ failed: { pass: string; code: string }[]; executed: Record<string, number> }>();
    assert.deepEqual(j.failed.map((f) => `${f.pass} ${f.code}`), ['preview PREVIEW_NONE']);
    assert.equal(j.executed.writeback, 1);
    const sidecar = path.join(lib, 'GOPR0009.xmp');
    assert.ok(existsSync(sidecar), 'the sidecar is written');
    // Trige, Denmark: the camera's GPS (56.29843, 10.14656).
    assert.match(readFileSync(sidecar, 'utf8'), /<rdf:li>Trige<\/rdf:li>/);
  } finally {
    t.cleanup();
  }
});
