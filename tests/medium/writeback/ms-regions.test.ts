import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { createMetadataPass, type ReadRegion } from '../../../src/passes/metadata.pass.js';
import { readMicrosoftRegions } from '../../../src/passes/metadata/foreign-regions.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { DB_FILE, openDb } from '../../../src/store/db.js';
import type { FileRow } from '../../../src/store/repositories/file.repository.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

const MP = '-XMP-MP:RegionInfoMP={Regions=[{PersonDisplayName=Marie Curie,Rectangle=0.1|, 0.2|, 0.3|, 0.4},{PersonDisplayName=Pierre Curie,Rectangle=0.5|, 0.5|, 0.2|, 0.2},{PersonDisplayName=Broken,Rectangle=0.9|, 0.9|, 0.5}]}';

describe('metadata: Microsoft Photo face regions are read like MWG ones', () => {
  const t = tempDir();
  let exif: ExifReader;
  before(() => {
    exif = new ExifReader();
  });
  after(async () => {
    await exif.end();
    t.cleanup();
  });

  function photo(name: string, args: string[]): string {
    const dir = path.join(t.dir, name);
    mkdirSync(dir, { recursive: true });
    const to = path.join(dir, 'IMG_1.jpg');
    cpSync(path.join(FIXTURES, 'photos/gps/arezzo_DSCN0010.jpg'), to, { mode: 0 });
    execFileSync('chmod', ['u+w', to]);
    execFileSync('exiftool', ['-q', '-overwrite_original', ...args, to]);
    return to;
  }

  async function regionsAfterPass(file: string): Promise<{ regions: ReadRegion[]; people: string[] }> {
    const { db } = openDb(path.join(path.dirname(file), 'home', DB_FILE));
    const now = Date.now();
    db.prepare(`INSERT INTO files (path, root, ext, kind, size, mtime_ns, state, content_hash, first_seen_at, last_seen_at) VALUES (?, ?, 'jpg', 'image', 1, '1', 'present', 'h', ?, ?)`).run(file, path.dirname(file), now, now);
    const f = db.prepare('SELECT * FROM files WHERE path = ?').get(file) as FileRow;
    const pipeline = new Pipeline({ db, passes: [createMetadataPass({ exif })], log: pino({ level: 'silent' }), bus: new PipelineBus(), concurrency: { cpu: 1, io: 1 }, maxAttempts: 1, retryBaseMs: 0, leaseMs: 60_000 });
    try {
      pipeline.consider(f, pipeline.pass('metadata')!);
      pipeline.start();
      await pipeline.whenIdle(20);
      assert.deepEqual(pipeline.stats.failed, []);
      const r = db.prepare('SELECT regions, people FROM metadata WHERE file_id = ?').get(f.id) as { regions: string; people: string };
      return { regions: JSON.parse(r.regions) as ReadRegion[], people: JSON.parse(r.people) as string[] };
    } finally {
      await pipeline.stop();
      db.close();
    }
  }

  test('MP:RegionInfo rectangles (top-left + size) become MWG-style centre + size face regions; a malformed one is skipped', async () => {
    const file = photo('mp', [MP]);
    const { regions, people } = await regionsAfterPass(file);
    assert.equal(regions.length, 2);
    const marie = regions.find((r) => r.name === 'Marie Curie')!;
    assert.equal(marie.type, 'Face');
    for (const [k, v] of Object.entries({ x: 0.25, y: 0.4, w: 0.3, h: 0.4 })) assert.ok(Math.abs(marie[k as 'x'] - v) < 1e-9, `${k} ${marie[k as 'x']}`);
    const pierre = regions.find((r) => r.name === 'Pierre Curie')!;
    assert.ok(Math.abs(pierre.x - 0.6) < 1e-9 && Math.abs(pierre.y - 0.6) < 1e-9);
    assert.deepEqual(people.sort(), ['Marie Curie', 'Pierre Curie'], 'their names are people of the photo');
  });

  test('MWG regions present: they are the regions (no doubles from the MP copy of the same faces)', async () => {
    const file = photo('both', [MP, '-XMP-mwg-rs:RegionInfo={AppliedToDimensions={W=640,H=480,Unit=pixel},RegionList=[{Name=Marie Curie,Type=Face,Area={X=0.25,Y=0.4,W=0.3,H=0.4,Unit=normalized}}]}']);
    const { regions } = await regionsAfterPass(file);
    assert.deepEqual(regions.map((r) => r.name), ['Marie Curie']);
  });

  test('no regions at all, or a foreign shape, reads as none', () => {
    assert.deepEqual(readMicrosoftRegions({}), []);
    assert.deepEqual(readMicrosoftRegions({ RegionInfoMP: { Regions: [{ PersonDisplayName: 'x', Rectangle: 'a, b, c, d' }, { Rectangle: 5 }] } }), []);
  });
});
