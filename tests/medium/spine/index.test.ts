import assert from 'node:assert/strict';
import { copyFileSync, renameSync, rmSync, utimesSync, writeFileSync, mkdirSync, chmodSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { ExifTool } from 'exiftool-vendored';
import { cli, cliProcess } from '../../helpers/cli.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';

interface IndexJson {
  files: number;
  executed: Record<string, number>;
  failed: { path: string; pass: string; error: string; code: string }[];
  cloudOnly: number;
}

describe('rawlight index on the real fixtures', () => {
  const t = tempDir();
  const lib = path.join(t.dir, 'lib');
  const home = path.join(t.dir, 'home');
  let first: IndexJson;

  before(async () => {
    copyFixtures(lib, ['raw', 'photos', 'bad']);
    const r = await cli(home, ['index', lib, '--json']);
    assert.equal(r.code, 0, r.stderr);
    first = r.json<IndexJson>();
  });
  after(() => t.cleanup());

  const db = () => new Database(path.join(home, 'rawlight.db'), { readonly: true });

  test('every file is seen, and every raw/ and photos/ file has metadata and a preview or a recorded reason', () => {
    const d = db();
    try {
      const files = d.prepare(`SELECT id, path, state FROM files`).all() as { id: number; path: string; state: string }[];
      // 205 files in the corpus, minus MANIFEST.md, labels.json and the two .xmp sidecars
      assert.equal(first.files, files.filter((f) => f.state === 'present').length);
      assert.ok(first.files >= 195, `only ${first.files} media files seen`);
      for (const f of files.filter((x) => !x.path.includes('/bad/'))) {
        const meta = d.prepare(`SELECT status, error FROM pass_results WHERE file_id = ? AND pass = 'metadata'`).get(f.id) as { status: string } | undefined;
        const prev = d.prepare(`SELECT status, error, error_code FROM pass_results WHERE file_id = ? AND pass = 'preview'`).get(f.id) as { status: string; error: string | null; error_code: string } | undefined;
        const rel = path.relative(lib, f.path);
        if (rel === 'raw/kimageformats_RAW_KODAK_C330_FORMAT_NONE_YRGB.raw') {
          assert.equal(meta?.status, 'failed', 'ExifTool does not support this RAW type: a recorded failure');
          continue;
        }
        assert.equal(meta?.status, 'ok', `metadata for ${rel}`);
        assert.ok(prev, `preview result for ${rel}`);
        if (prev.status === 'failed') {
          assert.equal(prev.error_code, 'PREVIEW_NONE', `${rel}: ${prev.error}`);
          assert.ok(prev.error && prev.error.length > 20, `${rel} has a readable reason`);
          // Only stripped test files and GoPro GPR (no embedded JPEG) may lack a preview.
          assert.match(rel, /^raw\/(exiftool_|digicam_GOPR|imagemeta_Hero8|exiv2_IMG_1361|file-type_leica)/, `${rel} should have a preview: ${prev.error}`);
        }
      }
      // The photos all decode, HEIC included (heif-convert on Linux).
      const photosWithoutPreview = d
        .prepare(`SELECT f.path FROM files f LEFT JOIN previews p ON p.file_id = f.id WHERE f.path LIKE ? AND p.file_id IS NULL`)
        .all(`${lib}/photos/%`) as { path: string }[];
      assert.deepEqual(photosWithoutPreview.map((r) => r.path), []);
    } finally {
      d.close();
    }
  });

  test('every bad/ file ends as a recorded error or a correct result', () => {
    const d = db();
    try {
      const bad = d.prepare(`SELECT id, path FROM files WHERE path LIKE ?`).all(`${lib}/bad/%`) as { id: number; path: string }[];
      assert.ok(bad.length >= 55);
      for (const f of bad) {
        const res = d.prepare(`SELECT pass, status FROM pass_results WHERE file_id = ?`).all(f.id) as { pass: string; status: string }[];
        const failed = res.find((r) => r.status === 'failed');
        const complete = ['scan', 'metadata', 'preview'].every((p) => res.some((r) => r.pass === p && r.status === 'ok'));
        assert.ok(failed || complete, `${f.path}: ${JSON.stringify(res)}`);
      }
      const jobs = d.prepare(`SELECT count(*) AS n FROM jobs`).get() as { n: number };
      assert.equal(jobs.n, 0, 'nothing left in the queue');
      assert.ok(first.failed.some((f) => f.path.endsWith('empty-zero-bytes.jpg') && f.code === 'FILE_EMPTY'));
      assert.ok(first.failed.some((f) => f.path.endsWith('git-lfs-pointer-named-as.jpg') && /TXT/.test(f.error)));
    } finally {
      d.close();
    }
  });

  test('rotated photos get upright previews (Orientation 6 twin matches the upright original)', () => {
    const d = db();
    try {
      const p = (name: string) => d.prepare(`SELECT p.width, p.height, p.preview_hash FROM previews p JOIN files f ON f.id = p.file_id WHERE f.path = ?`).get(path.join(lib, 'photos/people', name)) as { width: number; height: number };
      const upright = p('curie_portrait.jpg');
      const rotated = p('curie_portrait-orientation-6.jpg');
      assert.equal(rotated.width, upright.width);
      assert.equal(rotated.height, upright.height);
    } finally {
      d.close();
    }
  });

  test('a second run executes nothing', async () => {
    const r = await cli(home, ['index', lib, '--json']);
    assert.equal(r.code, 0);
    assert.deepEqual(r.json<IndexJson>().executed, {});
  });

  test('touch only: a rehash, nothing else', async () => {
    const f = path.join(lib, 'photos/gps/zebra.jpg');
    const later = new Date(Date.now() + 5000);
    utimesSync(f, later, later);
    const r = await cli(home, ['index', lib, '--json']);
    assert.deepEqual(r.json<IndexJson>().executed, { scan: 1 });
  });

  test('a content-preserving keyword edit re-reads metadata; the preview hash is unchanged', async () => {
    const f = path.join(lib, 'photos/scenes/bus.jpg');
    const before = (await cli(home, ['show', f, '--json'])).json<{ hashes: { content: string; preview: string } }>();
    const et = new ExifTool();
    try {
      await et.write(f, { Keywords: ['red bus'] }, { writeArgs: ['-overwrite_original'] });
    } finally {
      await et.end();
    }
    const r = await cli(home, ['index', lib, '--json']);
    const ex = r.json<IndexJson>().executed;
    assert.equal(ex.scan, 1);
    assert.equal(ex.metadata, 1);
    const after = (await cli(home, ['show', f, '--json'])).json<{ hashes: { content: string; preview: string }; metadata: { keywords: string[] } }>();
    assert.notEqual(after.hashes.content, before.hashes.content);
    assert.equal(after.hashes.preview, before.hashes.preview, 'same pixels, same preview hash: preview-keyed passes do not re-run');
    assert.deepEqual(after.metadata.keywords, ['red bus']);
  });

  test('rename and move re-run nothing and keep results; delete marks the file gone', async () => {
    const from = path.join(lib, 'photos/scenes/giraffe.jpg');
    const before = (await cli(home, ['show', from, '--json'])).json<{ id: number }>();
    mkdirSync(path.join(lib, 'moved'), { recursive: true });
    const to = path.join(lib, 'moved/giraffe-renamed.jpg');
    renameSync(from, to);
    rmSync(path.join(lib, 'photos/scenes/horses.jpg'));
    const r = await cli(home, ['index', lib, '--json']);
    assert.deepEqual(r.json<IndexJson>().executed, {});
    const moved = (await cli(home, ['show', to, '--json'])).json<{ id: number; state: string; preview: unknown }>();
    assert.equal(moved.id, before.id);
    assert.equal(moved.state, 'present');
    assert.ok(moved.preview);
    const d = db();
    try {
      const gone = d.prepare(`SELECT state FROM files WHERE path = ?`).get(path.join(lib, 'photos/scenes/horses.jpg')) as { state: string };
      assert.equal(gone.state, 'gone');
    } finally {
      d.close();
    }
  });

  test('show reads as words: the camera once, the place, the XMP written, no JSON', async () => {
    const canon = (await cli(home, ['show', path.join(lib, 'photos/scenes/clowns.jpg')])).stdout;
    assert.match(canon, /camera: Canon EOS 7D  lens: EF24-105mm f\/4L IS USM\n/, 'Make "Canon" and Model "Canon EOS 7D": the make once');
    const passes = (await cli(home, ['show', path.join(lib, 'photos/scenes/clowns.jpg'), '--json'])).json<{ passes: { pass: string; output: { camera?: string } | null }[] }>().passes;
    assert.equal(passes.find((p) => p.pass === 'metadata')?.output?.camera, 'Canon EOS 7D', "the metadata pass's output names the camera the same way");
    const arezzo = await cli(home, ['show', path.join(lib, 'photos/gps/arezzo_DSCN0010.jpg')]);
    assert.equal(arezzo.code, 0, arezzo.stderr);
    assert.match(arezzo.stdout, /\n  place: Arezzo, Tuscany, Italy\n/);
    assert.match(arezzo.stdout, /\n  XMP sidecar .*arezzo_DSCN0010\.jpg\.xmp: \d+ values from rawlight, last written /);
    assert.doesNotMatch(arezzo.stdout, /[{[]"/, 'no JSON in the text form');
  });

  test('status says why a pass has fewer results than photos once the queue is empty (no GPS, nothing to write, an earlier pass failed)', async () => {
    const s = (await cli(home, ['status', '--json'])).json<{ filesByState: { present: number }; passes: Record<string, { done: number; failed: number; pending: number; dead: number }>; queue: { pending: number } }>();
    assert.equal(s.queue.pending, 0);
    const p = s.passes.places!;
    const withoutGps = s.filesByState.present - p.done - p.failed - p.pending - p.dead;
    assert.ok(withoutGps > 0 && p.done > 0, `places ran for some photos only: ${JSON.stringify(p)}`);
    const text = (await cli(home, ['status'])).stdout;
    assert.match(text, new RegExp(`\\nnot run for every photo:\\n(  .*\\n)*  places: ${withoutGps} photos have no GPS position\\n`));
    // The broken files of bad/: a failed metadata read leaves the preview with nothing to read.
    const m = s.passes.metadata!;
    const pv = s.passes.preview!;
    assert.ok(m.failed > 0);
    assert.match(text, new RegExp(`\\n  preview: ${s.filesByState.present - pv.done - pv.failed - pv.pending - pv.dead} photos, where an earlier pass failed\\n`));
    assert.doesNotMatch(text, /  (preview|metadata|fingerprint|ocr): \d+ photos? ha/, 'a pass every photo goes through never "has nothing to do"');
  });

  test('status --json keeps its contract', async () => {
    const r = await cli(home, ['status', '--json']);
    const s = r.json<{ files: number; passes: Record<string, { done: number; failed: number; pending: number }>; queue: { pending: number; leased: number; dead: number } }>();
    assert.equal(typeof s.files, 'number');
    for (const p of ['scan', 'metadata', 'preview']) {
      assert.equal(typeof s.passes[p]?.done, 'number');
      assert.equal(typeof s.passes[p]?.failed, 'number');
      assert.equal(typeof s.passes[p]?.pending, 'number');
    }
    assert.deepEqual(Object.keys(s.queue).filter((k) => ['pending', 'leased', 'dead'].includes(k)).sort(), ['dead', 'leased', 'pending']);
    const d = db();
    try {
      assert.equal(d.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      d.close();
    }
  });
});

describe('failure paths', () => {
  test('invalid config: refuses with a message naming the bad key', async () => {
    const t = tempDir();
    try {
      mkdirSync(path.join(t.dir, 'home'), { recursive: true });
      writeFileSync(path.join(t.dir, 'home', 'config.json'), JSON.stringify({ libraries: 'not-a-list', queue: { maxAttempts: 0 }, colour: 'red' }));
      mkdirSync(path.join(t.dir, 'lib'));
      const r = await cli(path.join(t.dir, 'home'), ['index', path.join(t.dir, 'lib')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /CONFIG_INVALID/);
      assert.match(r.stderr, /libraries/);
      assert.match(r.stderr, /queue\.maxAttempts/);
      assert.match(r.stderr, /colour/);
      const bad = await cli(path.join(t.dir, 'home'), ['doctor', '--json']);
      assert.equal(bad.code, 1);
    } finally {
      t.cleanup();
    }
  });

  test('an unreadable folder is reported and left alone; the rest completes', async () => {
    const t = tempDir();
    try {
      const lib = path.join(t.dir, 'lib');
      copyFixtures(lib, ['photos/gps/zebra.jpg', 'photos/gps/snake.jpg']);
      const locked = path.join(lib, 'photos/locked');
      copyFixtures(lib, ['photos/scenes/bus.jpg']);
      mkdirSync(locked);
      renameSync(path.join(lib, 'photos/scenes/bus.jpg'), path.join(locked, 'bus.jpg'));
      const home = path.join(t.dir, 'home');
      const first = await cli(home, ['index', lib, '--json']);
      assert.equal(first.json<IndexJson>().files, 3);
      chmodSync(locked, 0o000);
      let r;
      try {
        if (process.getuid?.() === 0) {
          // Root reads anything (CAP_DAC_OVERRIDE), so the daemon would never meet the error: run
          // the CLI as a child without the capabilities that bypass file permissions.
          const dropCaps = ['setpriv', '--bounding-set', '-dac_override,-dac_read_search'];
          const probe = spawnSync(dropCaps[0]!, [...dropCaps.slice(1), 'ls', locked], { encoding: 'utf8' });
          assert.notEqual(probe.status, 0, 'precondition: the folder is unreadable to the child');
          r = cliProcess(home, ['index', lib, '--json'], { wrapper: dropCaps });
        } else {
          assert.throws(() => readdirSync(locked), /EACCES/, 'precondition: the folder is unreadable');
          r = await cli(home, ['index', lib, '--json']);
        }
      } finally {
        chmodSync(locked, 0o755);
      }
      assert.equal(r.code, 0);
      assert.deepEqual(r.json<{ unreadable: { path: string; why: string }[] }>().unreadable, [
        { path: locked, why: 'the folder cannot be read (permission denied): its photos are left as they were' },
      ], 'the summary says which folder was not read, and why');
      const d = new Database(path.join(home, 'rawlight.db'), { readonly: true });
      try {
        const bus = d.prepare(`SELECT state FROM files WHERE path = ?`).get(path.join(locked, 'bus.jpg')) as { state: string };
        assert.equal(bus.state, 'present', 'a folder we cannot read is not a deleted folder');
      } finally {
        d.close();
      }
    } finally {
      t.cleanup();
    }
  });

  test('a file or folder whose name is not UTF-8 (Latin-1 from an old disk) is said, with what to do, not skipped in silence', async (t) => {
    if (process.platform !== 'linux') return t.skip('only Linux file systems hold names that are not UTF-8');
    const dir = tempDir();
    try {
      const lib = path.join(dir.dir, 'lib');
      copyFixtures(lib, ['photos/gps/zebra.jpg']);
      const latin1 = Buffer.concat([Buffer.from(lib + '/Caf'), Buffer.from([0xe9]), Buffer.from('.jpg')]);
      copyFileSync(path.join(lib, 'photos/gps/zebra.jpg'), latin1);
      const folder = Buffer.concat([Buffer.from(lib + '/Vacances '), Buffer.from([0xe9, 0x74, 0xe9])]);
      mkdirSync(folder);
      copyFileSync(path.join(lib, 'photos/gps/zebra.jpg'), Buffer.concat([folder, Buffer.from('/IMG_1.jpg')]));
      const r = await cli(path.join(dir.dir, 'home'), ['index', lib]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^1 photos in 1 folder/);
      assert.match(r.stdout, /\n  not read: .*\/lib\/Caf\uFFFD\.jpg: the file name is not UTF-8, so it cannot be opened: rename the file to index it\n/);
      assert.match(r.stdout, /\n  not read: .*\/lib\/Vacances \uFFFDt\uFFFD: the folder name is not UTF-8, so it cannot be opened: rename the folder to index what is in it\n/);
    } finally {
      dir.cleanup();
    }
  });

  test('a file vanishing between discovery and hashing is marked gone, not failed', async () => {
    const t = tempDir();
    try {
      const lib = path.join(t.dir, 'lib');
      const [a] = copyFixtures(lib, ['photos/gps/zebra.jpg']);
      copyFixtures(lib, ['photos/gps/snake.jpg']);
      const home = path.join(t.dir, 'home');
      // Discovery then deletion before the pipeline runs: use the Core directly.
      const { Core } = await import('../../../src/main.js');
      const { loadConfig } = await import('../../../src/config/index.js');
      const { resolvePlaces } = await import('../../../src/platform/places.js');
      const { silentLogger } = await import('../../../src/log/index.js');
      const places = resolvePlaces({ env: { RAWLIGHT_HOME: home } });
      const core = Core.open({ places, config: loadConfig(places, { env: {} }), log: silentLogger() });
      try {
        await core.reconcile([lib]);
        rmSync(a!);
        core.pipeline.start();
        await core.pipeline.whenIdle();
        const row = core.db.prepare(`SELECT state FROM files WHERE path = ?`).get(a) as { state: string };
        assert.equal(row.state, 'gone');
        const other = core.db
          .prepare(`SELECT r.pass FROM pass_results r JOIN files f ON f.id = r.file_id WHERE f.path LIKE '%snake.jpg' AND r.status = 'ok'`)
          .all() as { pass: string }[];
        for (const p of ['scan', 'metadata', 'preview']) assert.ok(other.some((r) => r.pass === p), `the other file completed ${p}`);
      } finally {
        await core.close();
      }
    } finally {
      t.cleanup();
    }
  });

  test('the database refuses a schema from a newer rawlight', async () => {
    const t = tempDir();
    try {
      const home = path.join(t.dir, 'home');
      mkdirSync(home);
      const d = new Database(path.join(home, 'rawlight.db'));
      d.pragma('user_version = 9999');
      d.close();
      mkdirSync(path.join(t.dir, 'lib'));
      const r = await cli(home, ['index', path.join(t.dir, 'lib')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /DB_FROM_FUTURE/);
      assert.match(r.stderr, /9999/);
    } finally {
      t.cleanup();
    }
  });

  test('a second process on the same home is refused while one holds the lock', async () => {
    const t = tempDir();
    try {
      const home = path.join(t.dir, 'home');
      const { acquireLock } = await import('../../../src/lifecycle/lock.js');
      const held = acquireLock(home, { role: 'index' }); // another `rawlight index`
      mkdirSync(path.join(t.dir, 'lib'));
      const r = await cli(home, ['index', path.join(t.dir, 'lib')]);
      const seen = (await cli(home, ['setup', '--json', '--library', path.join(t.dir, 'lib')])).json<{ running: boolean }>();
      assert.equal(seen.running, true, 'setup (install.sh) sees the running daemon without disturbing it');
      held.release();
      assert.equal((await cli(home, ['setup', '--json', '--library', path.join(t.dir, 'lib')])).json<{ running: boolean }>().running, false);
      assert.equal(r.code, 75);
      assert.match(r.stderr, /DAEMON_ALREADY_RUNNING/);
      assert.match(r.stderr, new RegExp(`pid ${process.pid}, started .*\\(\`rawlight index\`: run this again when it is done\\)`));
      const after = await cli(home, ['index', path.join(t.dir, 'lib'), '--json']);
      assert.equal(after.code, 0, 'free again once released');
    } finally {
      t.cleanup();
    }
  });
});
