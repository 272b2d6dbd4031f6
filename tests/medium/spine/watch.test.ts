import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { parseConfig } from '../../../src/config/index.js';
import { Daemon } from '../../../src/main.js';
import { createPlatform } from '../../../src/platform/index.js';
import type { Places } from '../../../src/platform/places.js';
import { capturingLogger, until } from '../../helpers/daemon-watch.js';
import { FIXTURES, tempDir } from '../../helpers/fixtures.js';

const SPINE_ONLY = { faces: false, embed: false, tags: false, places: false, writeback: false, ocr: false };

test('the watcher picks up new, changed, moved and deleted photos within seconds, and sidecar edits re-read metadata only', async () => {
  const t = tempDir();
  const lib = path.join(t.dir, 'lib');
  mkdirSync(lib, { recursive: true });
  const home = path.join(t.dir, 'home');
  const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
  const config = parseConfig({ libraries: [lib], passes: SPINE_ONLY, watch: { settleMs: 300 } });
  const daemon = new Daemon({ places, config, log: pino({ level: 'silent' }), libraries: [lib] });
  try {
    await daemon.start();
    const db = daemon.core.db;
    const row = (p: string) => db.prepare('SELECT f.state, (SELECT count(*) FROM pass_results r WHERE r.file_id = f.id AND r.status = \'ok\') AS done FROM files f WHERE path = ?').get(p) as { state: string; done: number } | undefined;
    const a = path.join(lib, 'a.jpg');
    copyFileSync(path.join(FIXTURES, 'photos/gps/zebra.jpg'), a);
    // Every pass the photo gets (the spine, and the fingerprint that cannot be switched off) done.
    await until(() => (row(a)?.done ?? 0) >= 3 && daemon.core.pipeline.isIdle());
    // A sidecar written by someone else: metadata is read again, nothing else.
    const before = db.prepare(`SELECT count(*) AS n FROM pass_runs`).get() as { n: number };
    writeFileSync(path.join(lib, 'a.xmp'), `<?xpacket begin=''?><x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:subject><rdf:Bag><rdf:li>striped</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>`);
    await until(() => {
      const m = db.prepare(`SELECT m.keywords FROM metadata m JOIN files f ON f.id = m.file_id WHERE f.path = ?`).get(a) as { keywords: string } | undefined;
      return !!m && JSON.parse(m.keywords).includes('striped');
    });
    const runs = db.prepare(`SELECT pass FROM pass_runs WHERE id > ?`).all(before.n) as { pass: string }[];
    assert.deepEqual([...new Set(runs.map((r) => r.pass))], ['metadata']);
    // Move within the library keeps the row; delete marks it gone.
    const b = path.join(lib, 'sub', 'b.jpg');
    mkdirSync(path.dirname(b));
    const id = (db.prepare('SELECT id FROM files WHERE path = ?').get(a) as { id: number }).id;
    renameSync(a, b);
    await until(() => (db.prepare('SELECT path FROM files WHERE id = ?').get(id) as { path: string }).path === b);
    rmSync(b);
    await until(() => row(b)?.state === 'gone');
  } finally {
    await daemon.stop(2000);
    t.cleanup();
  }
});

test('Linux: a library with more folders than inotify allows is reported clearly', async () => {
  const t = tempDir();
  const lib = path.join(t.dir, 'lib');
  for (let i = 0; i < 12; i++) mkdirSync(path.join(lib, `d${i}`), { recursive: true });
  const home = path.join(t.dir, 'home');
  const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
  const real = createPlatform({ places, platform: 'linux' });
  // The machine's limit is large: pretend it is 5 (all else real).
  const platform = { ...real, watchLimits: async () => ({ ...(await real.watchLimits()), maxUserWatches: 5, usedWatches: 0, usedByThisProcess: 0 }) };
  const { log, lines } = capturingLogger();
  const daemon = new Daemon({ places, config: parseConfig({ libraries: [lib], passes: SPINE_ONLY, watch: { backend: 'chokidar' } }), log, libraries: [lib], platform });
  try {
    await daemon.start();
    const err = lines().find((l) => l.level === 50 && /inotify allows 5 watches/.test(l.msg));
    assert.ok(err, 'an error naming the limit');
    assert.equal(err.folders, 13);
    assert.match(err.msg, /sysctl fs\.inotify\.max_user_watches=/);
  } finally {
    await daemon.stop(2000);
    t.cleanup();
  }
});

const PHOTOS_STORE = path.join('Photos Library.photoslibrary', 'resources', 'derivatives', 'A');

/** A daemon watching `lib` (in a temp folder of its own) with `backend`, the spine passes only: given to `body`, then stopped and the folder removed. */
async function watching(lib: (dir: string) => string, backend: 'chokidar' | 'recursive', body: (daemon: Daemon, lib: string) => Promise<void>): Promise<void> {
  const t = tempDir();
  const root = lib(t.dir);
  mkdirSync(root, { recursive: true });
  const home = path.join(t.dir, 'home');
  const places: Places = { configDir: home, dataDir: home, cacheDir: path.join(home, 'cache'), logsDir: path.join(home, 'logs') };
  const daemon = new Daemon({ places, config: parseConfig({ libraries: [root], passes: SPINE_ONLY, watch: { backend, settleMs: 300 } }), log: pino({ level: 'silent' }), libraries: [root] });
  try {
    await daemon.start();
    await body(daemon, root);
  } finally {
    await daemon.stop(2000);
    t.cleanup();
  }
}

for (const backend of ['chokidar', 'recursive'] as const) {
  test(`watcher (${backend}): a photo appearing in Photos' library or a Synology thumbnail folder under a library is not indexed; one beside them is`, () => {
    // Photos' library is there when the daemon starts; the Synology folder appears later.
    const withStore = (dir: string) => {
      mkdirSync(path.join(dir, 'lib', PHOTOS_STORE), { recursive: true });
      return path.join(dir, 'lib');
    };
    return watching(withStore, backend, async (daemon, lib) => {
      const db = daemon.core.db;
      // Into the stores first, then the photo beside them: once the later one is indexed, the
      // earlier events have been dealt with.
      copyFileSync(path.join(FIXTURES, 'photos/gps/zebra.jpg'), path.join(lib, PHOTOS_STORE, 'A1B2_1_105_c.jpeg'));
      const thumbs = path.join(lib, 'NAS', '@eaDir', 'zebra.jpg');
      mkdirSync(thumbs, { recursive: true });
      copyFileSync(path.join(FIXTURES, 'photos/gps/zebra.jpg'), path.join(thumbs, 'SYNOPHOTO_THUMB_XL.jpg'));
      const mine = path.join(lib, 'NAS', 'zebra.jpg');
      copyFileSync(path.join(FIXTURES, 'photos/gps/zebra.jpg'), mine);
      await until(() => !!db.prepare('SELECT 1 FROM files WHERE path = ?').get(mine) && daemon.core.pipeline.isIdle());
      assert.deepEqual((db.prepare('SELECT path FROM files').all() as { path: string }[]).map((r) => r.path), [mine]);
    });
  });

  test(`watcher (${backend}): a library folder chosen inside a private store, or being one, is watched as asked`, () =>
    watching((dir) => path.join(dir, 'Old Mac.photoslibrary'), backend, async (daemon, lib) => {
      const photo = path.join(lib, 'originals', 'zebra.jpg');
      mkdirSync(path.dirname(photo));
      copyFileSync(path.join(FIXTURES, 'photos/gps/zebra.jpg'), photo);
      await until(() => !!daemon.core.db.prepare('SELECT 1 FROM files WHERE path = ?').get(photo));
    }),
  );
}
