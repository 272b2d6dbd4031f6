// Previews read straight from a RAW's bytes at the offsets the metadata pass recorded: on every
// fixture the bytes are ExifTool's and the preview is the one the ExifTool path makes; offsets that
// do not hold (another base, a corrupted, truncated or rewritten file) fall back or fail clearly.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, truncateSync, unlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { toDaemonError } from '../../../src/errors/index.js';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { imageLocationsOf } from '../../../src/exiftool/image-locations.js';
import { isWholeJpeg, jpegSizeAt, readLocated } from '../../../src/image/embedded-at.js';
import { probeImage } from '../../../src/image/render.js';
import { silentLogger } from '../../../src/log/index.js';
import { createMetadataPass } from '../../../src/passes/metadata.pass.js';
import type { Pass } from '../../../src/passes/pass.js';
import { createPreviewPass } from '../../../src/passes/preview.pass.js';
import { openDb, tx, type WritableDb } from '../../../src/store/db.js';
import { embeddedLocationsFor } from '../../../src/store/repositories/embedded-locations.repository.js';
import { getFile, type FileRow } from '../../../src/store/repositories/file.repository.js';
import { FIXTURES, REPO, tempDir } from '../../helpers/fixtures.js';
import { plan } from '../../helpers/query-plan.js';

const RAWS = readdirSync(path.join(FIXTURES, 'raw')).filter((f) => !f.endsWith('.xmp')).map((f) => `raw/${f}`);
const HEICS = readdirSync(path.join(FIXTURES, 'photos/heic')).map((f) => `photos/heic/${f}`);
const JPEGS = ['photos/camera/nikon-d90_DSC_0003.JPG', 'photos/gps/gps-zero-zero.jpg', 'photos/gps/snow_gps-empty.jpg', 'photos/gps/arezzo_DSCN0010.jpg'];
const NEF = 'raw/imagemeta_NEF-header_d7100.nef';
/** Fixtures whose offsets must hold (TIFF-based RAWs and RAF's JPEG): read without ExifTool. */
const MUST_LOCATE = [NEF, 'raw/imagemeta_CR2-header_eos-1ds-mk3.cr2', 'raw/imagemeta_ARW-header_slt-a55v.arw', 'raw/photoprism_canon_eos_6d.dng', 'raw/pigallery2_pixel7_test.dng', 'raw/exif-py_nikon_z9_he_dx_overexposed.dng', 'raw/exiftool_FujiFilm.raf'];

const tmp = tempDir('rawlight-embedded-at-');
const exif = new ExifReader({ maxProcs: 2 });
let db: WritableDb;
let metadata: Pass;
let preview: Pass;
const ctx = (f: FileRow) => ({ file: f, inputKey: 'k', log: silentLogger(), signal: new AbortController().signal, db });

before(() => {
  db = openDb(path.join(tmp.dir, 'rawlight.db')).db;
  metadata = createMetadataPass({ exif });
  preview = createPreviewPass({ exif, cacheDir: path.join(tmp.dir, 'cache'), heicDecoders: [] });
});
after(async () => {
  db?.close();
  await exif.end();
  tmp.cleanup();
});

/** The file's row as the scan leaves it: a content hash and the signature it was taken for. */
function scanned(rel: string, name = rel.replaceAll('/', '_')): FileRow {
  const to = path.join(tmp.dir, 'lib', name);
  mkdirSync(path.dirname(to), { recursive: true });
  copyFileSync(path.join(FIXTURES, rel), to);
  chmodSync(to, 0o644);
  return rescanned(to);
}

function rescanned(p: string): FileRow {
  const st = statSync(p, { bigint: true });
  const hash = execFileSync('sha256sum', [p], { encoding: 'utf8' }).slice(0, 32);
  const now = Date.now();
  db.prepare(
    `INSERT INTO files (path, root, ext, kind, size, mtime_ns, ino, content_hash, scanned_sig, first_seen_at, last_seen_at) VALUES (?, ?, ?, 'raw', ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, ino = excluded.ino, content_hash = excluded.content_hash, scanned_sig = excluded.scanned_sig`,
  ).run(p, path.dirname(p), path.extname(p).slice(1).toLowerCase(), Number(st.size), st.mtimeNs.toString(), Number(st.ino), hash, `${st.size}:${st.mtimeNs}:${st.ino}`, now, now);
  return getFile(db, (db.prepare('SELECT id FROM files WHERE path = ?').get(p) as { id: number }).id)!;
}

async function runPass(pass: Pass, f: FileRow): Promise<Record<string, unknown>> {
  const out = await pass.run(ctx(f));
  tx(db, () => out.commit?.(db));
  return out.output ?? {};
}

/** The preview pass's output and how many ExifTool extraction commands it took. */
async function previewOf(f: FileRow): Promise<{ out: Record<string, unknown>; commands: number }> {
  const before = exif.stats.embeddedCommands;
  const out = await runPass(preview, f);
  return { out, commands: exif.stats.embeddedCommands - before };
}

/** The ExifTool path's preview: the same file with its recorded locations set aside. */
async function withoutLocations(f: FileRow): Promise<Record<string, unknown>> {
  const saved = db.prepare('SELECT * FROM embedded_locations WHERE file_id = ?').get(f.id) as Record<string, unknown> | undefined;
  db.prepare('DELETE FROM embedded_locations WHERE file_id = ?').run(f.id);
  try {
    return (await previewOf(f)).out;
  } finally {
    if (saved) db.prepare(`INSERT INTO embedded_locations (${Object.keys(saved).join(', ')}) VALUES (${Object.keys(saved).map(() => '?').join(', ')})`).run(...Object.values(saved));
  }
}

describe('embedded previews read at their recorded offsets', () => {
  test('every RAW, HEIC and camera JPEG fixture: the bytes at each offset that validates are exiftool -b\'s; the preview is the ExifTool path\'s', async () => {
    const located: string[] = [];
    for (const rel of [...RAWS, ...HEICS, ...JPEGS]) {
      const f = scanned(rel);
      try {
        await runPass(metadata, f);
      } catch (e) {
        assert.equal(toDaemonError(e).code, 'METADATA_UNREADABLE', rel); // a foreign RAW: no metadata, no locations
        continue;
      }
      const loc = embeddedLocationsFor(db, f.id, f.content_hash);
      const tags = (await exif.read(f.path)) as unknown as Record<string, unknown>;
      assert.deepEqual(loc, imageLocationsOf(tags), `${rel}: stored as read`);
      if (!loc) continue;
      const size = statSync(f.path).size;
      const fh = await open(f.path, 'r');
      try {
        for (const l of loc.located) {
          const fromExifTool = execFileSync('exiftool', ['-b', `-${l.tag}`, f.path], { maxBuffer: 1 << 28 });
          const inFile = l.start + l.length <= size;
          const bytes = inFile ? readFileSync(f.path).subarray(l.start, l.start + l.length) : Buffer.alloc(0);
          if (inFile && (await jpegSizeAt(fh, l)) && isWholeJpeg(bytes)) assert.ok(bytes.equals(fromExifTool), `${rel} ${l.tag}: the bytes at ${l.start} are exiftool -b's`);
          // What validation turns down ExifTool does not give as a JPEG either (placeholders, another base, past the end).
          else assert.ok(!(fromExifTool.length > 0 && fromExifTool.subarray(0, 2).equals(Buffer.from([0xff, 0xd8])) && bytes.equals(fromExifTool)), `${rel} ${l.tag}`);
        }
      } finally {
        await fh.close();
      }
      if (rel.endsWith('.raf')) {
        // The JPEG inside the RAF container, found from the RAF header: ExifTool's PreviewImage.
        const h = readFileSync(f.path);
        const at = h.readUInt32BE(84);
        assert.ok(h.subarray(at, at + h.readUInt32BE(88)).equals(execFileSync('exiftool', ['-b', '-PreviewImage', f.path])), `${rel} PreviewImage`);
      }
      if (!rel.startsWith('raw/') && !rel.startsWith('photos/heic/')) continue; // a JPEG's preview is the file itself
      let mine: { out: Record<string, unknown>; commands: number } | null = null;
      let mineErr: string | null = null;
      try {
        mine = await previewOf(f);
      } catch (e) {
        mineErr = toDaemonError(e).code;
      }
      let theirs: Record<string, unknown> | null = null;
      let theirsErr: string | null = null;
      try {
        theirs = await withoutLocations(f);
      } catch (e) {
        theirsErr = toDaemonError(e).code;
      }
      assert.equal(mineErr, theirsErr, `${rel}: same failure`);
      assert.deepEqual(mine?.out ?? null, theirs, `${rel}: same preview as the ExifTool path`);
      if (mine?.commands === 0) located.push(rel);
    }
    for (const rel of MUST_LOCATE) assert.ok(located.includes(rel), `${rel} previewed without ExifTool (located: ${located.join(', ')})`);
  });

  test('the lookup is by primary key', () => {
    assert.deepEqual(plan(db, 'SELECT * FROM embedded_locations WHERE file_id = ?'), ['SEARCH embedded_locations USING INTEGER PRIMARY KEY (rowid=?)']);
  });

  test('corrupted bytes at the recorded offset: ExifTool decides, as before', async () => {
    const f = scanned(NEF, 'corrupt.nef');
    await runPass(metadata, f);
    const loc = embeddedLocationsFor(db, f.id, f.content_hash)!;
    const jpg = loc.located.find((l) => l.tag === 'JpgFromRaw')!;
    const b = readFileSync(f.path);
    b.fill(0, jpg.start, jpg.start + 64);
    writeFileSync(f.path, b);
    const g = rescanned(f.path);
    db.prepare('UPDATE embedded_locations SET content_hash = ? WHERE file_id = ?').run(g.content_hash, g.id); // offsets as recorded, bytes not what they say
    const { out, commands } = await previewOf(g);
    assert.equal(commands, 1, 'fell back to ExifTool');
    assert.notEqual(out.source, 'JpgFromRaw');
    assert.deepEqual(out, await withoutLocations(g));
  });

  test('offsets from another base (shifted): ExifTool decides, as before', async () => {
    const f = scanned(NEF, 'shifted.nef');
    await runPass(metadata, f);
    db.prepare('UPDATE embedded_locations SET jpg_start = jpg_start + 12, preview_start = preview_start + 12, other_start = other_start + 12 WHERE file_id = ?').run(f.id);
    const { out, commands } = await previewOf(f);
    assert.equal(commands, 1);
    assert.equal(out.source, 'JpgFromRaw');
    assert.deepEqual(out, await withoutLocations(f));
  });

  test('a truncated file (the image ends past its end): ExifTool decides, as before', async () => {
    const f = scanned(NEF, 'truncated.nef');
    await runPass(metadata, f);
    truncateSync(f.path, 2_000_000); // inside JpgFromRaw
    const g = rescanned(f.path);
    db.prepare('UPDATE embedded_locations SET content_hash = ? WHERE file_id = ?').run(g.content_hash, g.id);
    const { out, commands } = await previewOf(g);
    assert.equal(commands, 1);
    assert.deepEqual(out, await withoutLocations(g));
  });

  test('the file rewritten after the metadata pass: never a preview of other bytes; the hash decides', async () => {
    const f = scanned(NEF, 'rewritten.nef');
    await runPass(metadata, f);
    // Rewritten before the scan saw it: the pass's row still names the old content.
    const other = readFileSync(path.join(FIXTURES, 'raw/imagemeta_ARW-header_slt-a55v.arw'));
    writeFileSync(f.path, other);
    await assert.rejects(preview.run(ctx(f)), (e: unknown) => toDaemonError(e).code === 'FILE_CHANGED_DURING_PASS');
    // Rewritten in place with its size and times kept (an editor restoring them): validation sees it.
    const g = scanned(NEF, 'rewritten2.nef');
    await runPass(metadata, g);
    const st = statSync(g.path);
    const jpg = embeddedLocationsFor(db, g.id, g.content_hash)!.located.find((l) => l.tag === 'JpgFromRaw')!;
    const fd = openSync(g.path, 'r+');
    writeSync(fd, Buffer.alloc(4096), 0, 4096, jpg.start);
    closeSync(fd);
    utimesSync(g.path, st.atime, st.mtime);
    const same = statSync(g.path, { bigint: true });
    if (`${same.size}:${same.mtimeNs}:${same.ino}` !== g.scanned_sig) return; // the filesystem keeps no ns times: covered above
    const { out, commands } = await previewOf(g);
    assert.equal(commands, 1, 'the bytes at the offset no longer form one JPEG: ExifTool decides');
    assert.deepEqual(out, await withoutLocations(g));
  });

  test('a writer racing the read: FILE_CHANGED_DURING_PASS, never the half-read bytes', async () => {
    const f = scanned(NEF, 'race.nef');
    await runPass(metadata, f);
    const loc = embeddedLocationsFor(db, f.id, f.content_hash)!;
    await assert.rejects(
      readLocated(f.path, loc, {
        previewSize: 2048,
        ext: 'nef',
        scannedSig: f.scanned_sig,
        // The other writer lands between the chosen image's read and the final check.
        probe: async (buf) => {
          writeFileSync(f.path, readFileSync(f.path).subarray(0, 1000));
          return probeImage(buf);
        },
      }),
      (e: unknown) => toDaemonError(e).code === 'FILE_CHANGED_DURING_PASS',
    );
  });

  test('a vanished file is FILE_NOT_FOUND, as on the ExifTool path', async () => {
    const f = scanned(NEF, 'vanished.nef');
    await runPass(metadata, f);
    unlinkSync(f.path);
    await assert.rejects(preview.run(ctx(f)), (e: unknown) => toDaemonError(e).code === 'FILE_NOT_FOUND');
  });

  test('a file the daemon may not read is FILE_PERMISSION_DENIED', async () => {
    const f = scanned(NEF, 'denied.nef');
    await runPass(metadata, f);
    chmodSync(f.path, 0o000);
    try {
      if (process.getuid?.() === 0) {
        // Root reads anything (CAP_DAC_OVERRIDE): the read runs in a child without the capabilities
        // that bypass file permissions, as the spine's permission test does.
        const loc = embeddedLocationsFor(db, f.id, f.content_hash);
        const src = (m: string) => JSON.stringify(path.join(REPO, 'src', m));
        const code = `import { readLocated } from ${src('image/embedded-at.ts')}; import { toDaemonError } from ${src('errors/index.ts')};
          try { await readLocated(${JSON.stringify(f.path)}, ${JSON.stringify(loc)}, { previewSize: 2048, ext: 'nef', scannedSig: ${JSON.stringify(f.scanned_sig)}, probe: async () => null }); console.log('read'); }
          catch (e) { console.log(toDaemonError(e).code); }`;
        const out = execFileSync('setpriv', ['--bounding-set', '-dac_override,-dac_read_search', process.execPath, '--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO, encoding: 'utf8' });
        assert.equal(out.trim(), 'FILE_PERMISSION_DENIED');
      } else {
        await assert.rejects(preview.run(ctx(f)), (e: unknown) => toDaemonError(e).code === 'FILE_PERMISSION_DENIED');
      }
    } finally {
      chmodSync(f.path, 0o644);
    }
  });

  test('a TIFF-based format without a fixture to prove it (PEF…): offsets only when one covers the preview size', async () => {
    const pef = scanned(NEF, 'nef-content.pef');
    const nef = scanned(NEF, 'plain.nef');
    await runPass(metadata, pef);
    await runPass(metadata, nef);
    const huge = createPreviewPass({ exif, cacheDir: path.join(tmp.dir, 'cache-huge'), heicDecoders: [], previewSize: 8000 });
    const commands = async (p: Pass, f: FileRow) => {
      const before = exif.stats.embeddedCommands;
      await p.run(ctx(f));
      return exif.stats.embeddedCommands - before;
    };
    assert.equal(await commands(preview, pef), 0, 'JpgFromRaw covers 2048 px');
    assert.equal(await commands(huge, pef), 1, 'nothing covers 8000 px: ExifTool may know a larger one');
    assert.equal(await commands(huge, nef), 0, 'NEF: every candidate is located');
  });

  test('a file read before this table, or recorded for other content, takes the ExifTool path', async () => {
    const f = scanned(NEF, 'old.nef');
    await runPass(metadata, f);
    db.prepare(`UPDATE embedded_locations SET content_hash = 'someone-else' WHERE file_id = ?`).run(f.id);
    assert.equal(embeddedLocationsFor(db, f.id, f.content_hash), null);
    assert.equal((await previewOf(f)).commands, 1);
  });
});
