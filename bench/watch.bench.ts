// Watching a large library: file descriptors and inotify watches used, time to ready, memory, and
// how fast a new photo is noticed, for both backends on this platform, on a tree of FOLDERS folders.
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { silentLogger } from '../src/log/index.js';
import type { Discovery } from '../src/watch/discover.js';
import { LibraryWatcher, type WatchBackend } from '../src/watch/watcher.js';

const FOLDERS = Number(process.env.BENCH_FOLDERS ?? 5000);
const FILES_PER_FOLDER = Number(process.env.BENCH_FILES_PER_FOLDER ?? 20);

function fds(): { total: number; inotifyWatches: number } {
  let total = 0;
  let inotifyWatches = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    total++;
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === 'anon_inode:inotify') {
        inotifyWatches += readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').split('\n').filter((l) => l.startsWith('inotify wd:')).length;
      }
    } catch {
      /* closed meanwhile */
    }
  }
  return { total, inotifyWatches };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rawlight-watch-bench-'));
try {
  const root = path.join(tmp, 'lib');
  for (let i = 0; i < FOLDERS; i++) {
    const d = path.join(root, `y${Math.floor(i / 100)}`, `d${i}`);
    mkdirSync(d, { recursive: true });
    for (let j = 0; j < FILES_PER_FOLDER; j++) writeFileSync(path.join(d, `IMG_${j}.JPG`), '');
  }
  console.log(`tree: ${FOLDERS} folders, ${FOLDERS * FILES_PER_FOLDER} files; ${process.platform}; max_user_watches ${readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim()}`);
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE files (path TEXT, state TEXT)`);
  for (const backend of ['chokidar', 'recursive'] as WatchBackend[]) {
    const base = fds();
    const rss0 = process.memoryUsage().rss;
    let noticed: (() => void) | null = null;
    const discovery = {
      observeMany: async () => {
        noticed?.();
        return new Map();
      },
      markGone: () => 0,
    } as unknown as Discovery;
    const w = new LibraryWatcher({ db: db as never, discovery, log: silentLogger(), roots: [root], exclude: [], settleMs: 0, backend, rescan: async () => {} });
    const t0 = Date.now();
    await w.start();
    const readyMs = Date.now() - t0;
    const used = fds();
    const seen = new Promise<void>((r) => (noticed = r));
    const t1 = Date.now();
    writeFileSync(path.join(root, 'y10', 'd1000', 'NEW.JPG'), 'x');
    await Promise.race([seen, new Promise((r) => setTimeout(r, 10_000))]);
    const latency = Date.now() - t1;
    console.log(
      `${backend.padEnd(9)} ready in ${readyMs} ms; fds +${used.total - base.total}; inotify watches +${used.inotifyWatches - base.inotifyWatches} (${((used.inotifyWatches - base.inotifyWatches) / FOLDERS).toFixed(2)} per folder); RSS +${Math.round((process.memoryUsage().rss - rss0) / 2 ** 20)} MiB; new file noticed in ${latency} ms`,
    );
    await w.close();
    rmSync(path.join(root, 'y10', 'd1000', 'NEW.JPG'));
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
