import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { reconsiderSiblingsOnRawChange } from '../../../src/watch/raw-arrival.js';
import { userSidecars } from '../../../src/xmp/sidecar-path.js';
import { createMetadataPass } from '../../../src/passes/metadata.pass.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { createScanPass } from '../../../src/passes/scan.pass.js';
import { Discovery } from '../../../src/watch/discover.js';
import { reconcileRoot } from '../../../src/watch/reconcile.js';
import { DB_FILE, openDb, type WritableDb } from '../../../src/store/db.js';
import type { FileRow } from '../../../src/store/repositories/file.repository.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';
import type { SidecarStyle } from '../../../src/xmp/sidecar-path.js';

const RAW = 'raw/exiftool_CanonRaw.cr2';
const JPG = 'photos/gps/arezzo_DSCN0010.jpg';

function place(dir: string, rel: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const to = path.join(dir, name);
  cpSync(path.join(FIXTURES, rel), to, { mode: 0 });
  execFileSync('chmod', ['u+w', to]);
  return to;
}

function xmp(file: string, args: string[]): void {
  execFileSync('exiftool', ['-q', ...args, file]);
}

function addPhoto(db: WritableDb, p: string, kind: 'raw' | 'image'): FileRow {
  const now = Date.now();
  db.prepare(`INSERT INTO files (path, root, ext, kind, size, mtime_ns, state, content_hash, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, 1, '1', 'present', ?, ?, ?)`).run(
    p,
    path.dirname(p),
    path.extname(p).slice(1).toLowerCase(),
    kind,
    `hash-${path.basename(p)}`,
    now,
    now,
  );
  return db.prepare('SELECT * FROM files WHERE path = ?').get(p) as FileRow;
}

interface Meta {
  keywords: string[];
  people: string[];
  rating: number | null;
  label: string | null;
  gps_lat: number | null;
  captured_at: string | null;
}

function meta(db: WritableDb, id: number): Meta {
  const r = db.prepare('SELECT keywords, people, rating, label, gps_lat, captured_at FROM metadata WHERE file_id = ?').get(id) as Record<string, unknown>;
  return { keywords: JSON.parse(String(r.keywords)) as string[], people: JSON.parse(String(r.people)) as string[], rating: r.rating as number | null, label: r.label as string | null, gps_lat: r.gps_lat as number | null, captured_at: r.captured_at as string | null };
}

describe('metadata: user values from every sidecar of the photo', () => {
  const t = tempDir();
  let exif: ExifReader;
  const open: { db: WritableDb; pipeline: Pipeline }[] = [];
  before(() => {
    exif = new ExifReader();
  });
  after(async () => {
    for (const o of open) {
      await o.pipeline.stop();
      o.db.close();
    }
    await exif.end();
    t.cleanup();
  });

  function setup(name: string, style: SidecarStyle): { db: WritableDb; pipeline: Pipeline; bus: PipelineBus; dir: string } {
    const { db } = openDb(path.join(t.dir, name, 'home', DB_FILE));
    const bus = new PipelineBus();
    const log = pino({ level: 'silent' });
    const pipeline = new Pipeline({ db, passes: [createMetadataPass({ exif, sidecarStyle: style })], log, bus, concurrency: { cpu: 1, io: 1 }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 60_000 });
    reconsiderSiblingsOnRawChange({ db, bus, pipeline, log });
    open.push({ db, pipeline });
    return { db, pipeline, bus, dir: path.join(t.dir, name, 'lib') };
  }

  async function index(pipeline: Pipeline, files: FileRow[]): Promise<void> {
    for (const f of files) pipeline.consider(f, pipeline.pass('metadata')!);
    pipeline.start();
    await pipeline.whenIdle(20);
    assert.deepEqual(pipeline.stats.failed, []);
  }

  test('the naming rules: RAW alone reads both (style first); a JPEG reads IMG_1.xmp only without a RAW', () => {
    const ad = '/l/IMG_1.xmp';
    const dt = '/l/IMG_1.CR3.xmp';
    const base = { photoPath: '/l/IMG_1.CR3', existing: [ad, dt], siblings: [], isRaw: true };
    assert.deepEqual(userSidecars({ ...base, style: 'adobe' }), [ad, dt]);
    assert.deepEqual(userSidecars({ ...base, style: 'ext' }), [dt, ad]);
    assert.deepEqual(userSidecars({ ...base, style: 'adobe', siblings: [{ path: '/l/IMG_1.NEF', isRaw: true }] }), [dt]);
    const jpg = { photoPath: '/l/IMG_1.JPG', existing: [ad, '/l/IMG_1.JPG.xmp'], isRaw: false, style: 'adobe' as const };
    assert.deepEqual(userSidecars({ ...jpg, siblings: [] }), ['/l/IMG_1.JPG.xmp', ad]);
    assert.deepEqual(userSidecars({ ...jpg, siblings: [{ path: '/l/IMG_1.CR3', isRaw: true }] }), ['/l/IMG_1.JPG.xmp']);
  });

  for (const style of ['adobe', 'ext'] as const) {
    test(`both IMG_1.xmp and IMG_1.CR2.xmp: values read from both, ${style === 'adobe' ? 'IMG_1.xmp' : 'IMG_1.CR2.xmp'} first`, async () => {
      const { db, pipeline, dir } = setup(`both-${style}`, style);
      const raw = place(dir, RAW, 'IMG_1.CR2');
      // Lightroom's sidecar and darktable's, each with its own user values, and one disagreement (rating, label).
      xmp(path.join(dir, 'IMG_1.xmp'), ['-XMP-dc:Subject=Lightroom kw', '-XMP-xmp:Rating=5', '-XMP-xmp:Label=Red', '-XMP-iptcExt:PersonInImage=Marie Curie', '-XMP-exif:GPSLatitude=45.764', '-XMP-exif:GPSLongitude=4.8357']);
      xmp(path.join(dir, 'IMG_1.CR2.xmp'), ['-XMP-dc:Subject=darktable kw', '-XMP-xmp:Rating=2', '-XMP-xmp:Label=Blue', '-XMP-iptcExt:PersonInImage=Pierre Curie', '-XMP-exif:DateTimeOriginal=2001:02:03 04:05:06']);
      const f = addPhoto(db, raw, 'raw');
      await index(pipeline, [f]);
      const m = meta(db, f.id);
      assert.deepEqual(m.keywords.sort(), ['Lightroom kw', 'darktable kw']);
      assert.deepEqual(m.people.sort(), ['Marie Curie', 'Pierre Curie']);
      assert.equal(m.rating, style === 'adobe' ? 5 : 2, 'the style\'s file wins a disagreement');
      assert.equal(m.label, style === 'adobe' ? 'Red' : 'Blue');
      assert.ok(m.gps_lat !== null && Math.abs(m.gps_lat - 45.764) < 1e-3, 'GPS from the sidecar that has it');
      assert.equal(m.captured_at, '2001-02-03T04:05:06', 'capture time from the sidecar that has it');
    });
  }

  test('a user\'s IMG_1.xmp beside a lone JPEG is the JPEG\'s; when IMG_1.CR2 arrives it is the RAW\'s alone', async () => {
    const { db, pipeline, bus, dir } = setup('jpeg-then-raw', 'adobe');
    const jpg = place(dir, JPG, 'IMG_1.JPG');
    xmp(path.join(dir, 'IMG_1.xmp'), ['-XMP-dc:Subject=from another tool', '-XMP-xmp:Rating=4']);
    const j = addPhoto(db, jpg, 'image');
    await index(pipeline, [j]);
    assert.deepEqual(meta(db, j.id).keywords, ['from another tool']);
    assert.equal(meta(db, j.id).rating, 4);

    // The RAW arrives later (discovery's event): the JPEG's metadata is read again, without IMG_1.xmp.
    const raw = place(dir, RAW, 'IMG_1.CR2');
    const r = addPhoto(db, raw, 'raw');
    pipeline.consider(r, pipeline.pass('metadata')!);
    bus.emit('file-changed', { fileId: r.id, path: raw, change: 'added' });
    await pipeline.whenIdle(20);
    assert.deepEqual(meta(db, j.id).keywords, [], 'the JPEG no longer reads the RAW\'s sidecar');
    assert.equal(meta(db, j.id).rating, null);
    assert.deepEqual(meta(db, r.id).keywords, ['from another tool'], 'the RAW reads it');
    assert.equal(meta(db, r.id).rating, 4);

    // The RAW goes: IMG_1.xmp is the JPEG's again.
    db.prepare(`UPDATE files SET state = 'gone' WHERE id = ?`).run(r.id);
    bus.emit('file-changed', { fileId: r.id, path: raw, change: 'gone' });
    await pipeline.whenIdle(20);
    assert.deepEqual(meta(db, j.id).keywords, ['from another tool']);
  });

  test('a malformed second sidecar is a warning; the other one is still read', async () => {
    const { db, pipeline, dir } = setup('malformed', 'adobe');
    const raw = place(dir, RAW, 'IMG_1.CR2');
    xmp(path.join(dir, 'IMG_1.CR2.xmp'), ['-XMP-dc:Subject=good']);
    writeFileSync(path.join(dir, 'IMG_1.xmp'), 'not XMP at all');
    const f = addPhoto(db, raw, 'raw');
    await index(pipeline, [f]);
    assert.deepEqual(meta(db, f.id).keywords, ['good']);
    const w = JSON.parse(String((db.prepare('SELECT warnings FROM metadata WHERE file_id = ?').get(f.id) as { warnings: string }).warnings)) as string[];
    assert.ok(w.some((x) => x.includes('IMG_1.xmp') && x.includes('malformed')), w.join('; '));
  });

  test('an edit to either sidecar re-reads the photo\'s metadata (watcher and reconcile walk agree on the signature)', async () => {
    const { db } = openDb(path.join(t.dir, 'edit-either', 'home', DB_FILE));
    const dir = path.join(t.dir, 'edit-either', 'lib');
    const bus = new PipelineBus();
    const log = pino({ level: 'silent' });
    const pipeline = new Pipeline({ db, passes: [createScanPass(), createMetadataPass({ exif, sidecarStyle: 'adobe' })], log, bus, concurrency: { cpu: 1, io: 1 }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 60_000 });
    open.push({ db, pipeline });
    const discovery = new Discovery({ db, pipeline, bus, log });
    const raw = place(dir, RAW, 'IMG_1.CR2');
    xmp(path.join(dir, 'IMG_1.CR2.xmp'), ['-XMP-dc:Subject=darktable kw']);
    xmp(path.join(dir, 'IMG_1.xmp'), ['-XMP-dc:Subject=Lightroom kw']);
    const walk = () => reconcileRoot(dir, { db, discovery, log });
    assert.equal((await walk()).added, 1);
    pipeline.start();
    await pipeline.whenIdle(20);
    const id = (db.prepare('SELECT id FROM files WHERE path = ?').get(raw) as { id: number }).id;
    assert.deepEqual(meta(db, id).keywords.sort(), ['Lightroom kw', 'darktable kw']);
    assert.equal((await walk()).changed, 0, 'an unchanged pair of sidecars is unchanged to the walk');

    // Lightroom edits IMG_1.xmp, the second sidecar in discovery's order: the watcher's observation is a sidecar change.
    xmp(path.join(dir, 'IMG_1.xmp'), ['-XMP-dc:Subject+=added in Lightroom']);
    const st = lstatSync(raw, { bigint: true });
    const changes = await discovery.observeMany([{ path: raw, root: dir, stat: st, sidecar: await Discovery.findSidecar(raw) }]);
    assert.equal(changes.get(raw), 'sidecar');
    await pipeline.whenIdle(20);
    assert.ok(meta(db, id).keywords.includes('added in Lightroom'), meta(db, id).keywords.join(', '));
    assert.equal((await walk()).changed, 0, 'the walk computes the same signature as the watcher');

    // And the walk alone catches an edit of the second sidecar too.
    xmp(path.join(dir, 'IMG_1.xmp'), ['-XMP-dc:Subject+=seen by the walk']);
    assert.equal((await walk()).changed, 1);
    await pipeline.whenIdle(20);
    assert.ok(meta(db, id).keywords.includes('seen by the walk'));
    assert.deepEqual(pipeline.stats.failed, []);
  });
});
