import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { parseConfig, type Config } from '../../../src/config/index.js';
import { silentLogger } from '../../../src/log/index.js';
import { PipelineBus } from '../../../src/pipeline/events.js';
import type { Places } from '../../../src/platform/places.js';
import { retryDead } from '../../../src/queue/queue.js';
import { openDb, type WritableDb } from '../../../src/store/db.js';
import type { ApiControl, ApiDeps } from '../../../src/api/server.js';
import { copyFixtures, tempDir, FIXTURES, REPO } from '../../helpers/fixtures.js';

/**
 * Compiles the page's modules into dist/web (the page's part of the build; a fresh clone has no
 * dist/). Test files run two at a time and several build the page while another serves it: tsc
 * rewrites each output in place (truncate, then write), and a file served in between went out
 * short or hung the request (a static file rewritten while fetched: 106 of 300 fetches hung here).
 * So the build goes to a folder of its own, and only a file whose bytes differ is put in place, by
 * a rename (a reader gets the old file or the new one, whole).
 */
export function buildWeb(): void {
  const out = mkdtempSync(path.join(os.tmpdir(), 'rawlight-web-build-'));
  try {
    execFileSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(REPO, 'web', 'tsconfig.json'), '--outDir', out], { stdio: 'inherit' });
    const dist = path.join(REPO, 'dist', 'web');
    for (const rel of readdirSync(out, { recursive: true, encoding: 'utf8' })) {
      const from = path.join(out, rel);
      if (!statSync(from).isFile()) continue;
      const to = path.join(dist, rel);
      const bytes = readFileSync(from);
      if (existsSync(to) && readFileSync(to).equals(bytes)) continue;
      mkdirSync(path.dirname(to), { recursive: true });
      const part = `${to}.${process.pid}.part`;
      writeFileSync(part, bytes);
      renameSync(part, to);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export const TOKEN = 'test-token-0123456789abcdef0123456789';
export const PORT = 7414;
export const HOST = `127.0.0.1:${PORT}`;

export interface Harness {
  dir: string;
  library: string;
  places: Places;
  db: WritableDb;
  config: Config;
  bus: PipelineBus;
  deps: ApiDeps;
  control: ApiControl & { paused: boolean; libs: string[]; calls: string[] };
  cleanup(): void;
}

/** A real database and cache folder in a temp home, with control backed by real state. */
export function makeHarness(opts: { configRaw?: Record<string, unknown> } = {}): Harness {
  const { dir, cleanup } = tempDir('rawlight-api-');
  const places: Places = { configDir: path.join(dir, 'home'), dataDir: path.join(dir, 'home'), cacheDir: path.join(dir, 'home', 'cache'), logsDir: path.join(dir, 'home', 'logs') };
  mkdirSync(places.cacheDir, { recursive: true });
  const library = path.join(dir, 'library');
  mkdirSync(library, { recursive: true });
  const config = parseConfig({ libraries: [library], api: { port: PORT }, ...(opts.configRaw ?? {}) });
  const { db } = openDb(path.join(places.dataDir, 'rawlight.db'));
  const bus = new PipelineBus();
  const control = {
    paused: false,
    libs: [...config.libraries],
    calls: [] as string[],
    pause() {
      control.paused = true;
      control.calls.push('pause');
    },
    resume() {
      control.paused = false;
      control.calls.push('resume');
    },
    isPaused: () => control.paused,
    libraries: () => control.libs,
    async addLibrary(d: string) {
      control.libs.push(d);
      control.calls.push(`add ${d}`);
    },
    async removeLibrary(d: string) {
      control.libs = control.libs.filter((l) => l !== d);
      control.calls.push(`remove ${d}`);
    },
    retryDead: (jobId?: number) => retryDead(db, jobId === undefined ? {} : { jobId }),
    wake: () => void control.calls.push('wake'),
    passNames: () => ['scan', 'metadata', 'preview', 'faces'],
    watchState: () => ({ backend: 'test', folders: control.libs.length }),
  };
  const deps: ApiDeps = { db, places, config, bus, token: TOKEN, control, log: silentLogger(), statusCacheMs: 0 };
  return {
    dir,
    library,
    places,
    db,
    config,
    bus,
    deps,
    control,
    cleanup() {
      db.close();
      cleanup();
    },
  };
}

let hashSeq = 0;

export interface SeedFile {
  rel: string;
  id?: number;
  make?: string;
  model?: string;
  capturedAt?: string;
  keywords?: string[];
  people?: string[];
  preview?: boolean;
}

/** Copies a real fixture photo into the library, records it like the pipeline would and renders its preview + thumbnail with sharp. */
export async function seedFile(h: Harness, f: SeedFile): Promise<number> {
  const [abs] = copyFixtures(h.library, [f.rel]);
  const now = Date.now();
  const r = h.db
    .prepare(`INSERT INTO files (path, root, ext, kind, size, state, first_seen_at, last_seen_at) VALUES (?, ?, ?, 'image', 1, 'present', ?, ?)`)
    .run(abs!, h.library, path.extname(abs!).slice(1).toLowerCase(), now, now);
  const id = Number(r.lastInsertRowid);
  const ts = f.capturedAt ? Date.parse(f.capturedAt + 'Z') : null;
  h.db
    .prepare(`INSERT INTO metadata (file_id, make, model, captured_at, captured_ts, keywords, people, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(id, f.make ?? null, f.model ?? null, f.capturedAt ?? null, ts, JSON.stringify(f.keywords ?? []), JSON.stringify(f.people ?? []), now);
  if (f.preview !== false) {
    const hash = `ph${(++hashSeq).toString(16).padStart(6, '0')}${id}`;
    const rel = `previews/${hash}.jpg`;
    const thumb = `thumbs/${hash}.jpg`;
    mkdirSync(path.join(h.places.cacheDir, 'previews'), { recursive: true });
    mkdirSync(path.join(h.places.cacheDir, 'thumbs'), { recursive: true });
    const info = await sharp(path.join(FIXTURES, f.rel)).rotate().resize(1024, 1024, { fit: 'inside' }).jpeg().toFile(path.join(h.places.cacheDir, rel));
    await sharp(path.join(FIXTURES, f.rel)).rotate().resize(256, 256, { fit: 'cover' }).jpeg().toFile(path.join(h.places.cacheDir, thumb));
    h.db
      .prepare(`INSERT INTO previews (file_id, preview_hash, source, width, height, bytes, path, thumb_path, orientation, made_at) VALUES (?, ?, 'file', ?, ?, ?, ?, ?, 1, ?)`)
      .run(id, hash, info.width, info.height, info.size, rel, thumb, now);
  }
  return id;
}

export function passResult(h: Harness, fileId: number, pass: string, status: 'ok' | 'failed', code: string | null = null, at = Date.now()): void {
  h.db
    .prepare(`INSERT OR REPLACE INTO pass_results (file_id, pass, version, input_key, status, error_code, error, completed_at, duration_ms) VALUES (?, ?, 1, 'k', ?, ?, ?, ?, 10)`)
    .run(fileId, pass, status, code, code ? `failed with ${code}` : null, at);
  h.db
    .prepare(`INSERT INTO pass_runs (file_id, pass, version, input_key, status, error_code, error, started_at, duration_ms) VALUES (?, ?, 1, 'k', ?, ?, ?, ?, 10)`)
    .run(fileId, pass, status, code, code ? `failed with ${code}` : null, at);
}

export function addJob(h: Harness, fileId: number, pass: string, state: 'pending' | 'leased' | 'dead', code: string | null = null): number {
  const now = Date.now();
  return Number(
    h.db
      .prepare(`INSERT INTO jobs (file_id, pass, input_key, state, attempts, last_error_code, last_error, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)`)
      .run(fileId, pass, `k${Math.random()}`, state, code, code ? `boom ${code}` : null, now, now).lastInsertRowid,
  );
}

/** A face with a real crop (cut from the preview with sharp) attached to a person. */
export async function addFace(h: Harness, fileId: number, idx: number, box: { x: number; y: number; w: number; h: number }, personId: number | null): Promise<number> {
  const prev = h.db.prepare('SELECT preview_hash, path, width, height FROM previews WHERE file_id = ?').get(fileId) as { preview_hash: string; path: string; width: number; height: number };
  const crop = `faces/${prev.preview_hash}-${idx}.jpg`;
  mkdirSync(path.join(h.places.cacheDir, 'faces'), { recursive: true });
  await sharp(path.join(h.places.cacheDir, prev.path))
    .extract({ left: Math.round(box.x * prev.width), top: Math.round(box.y * prev.height), width: Math.max(1, Math.round(box.w * prev.width)), height: Math.max(1, Math.round(box.h * prev.height)) })
    .resize(112, 112)
    .jpeg()
    .toFile(path.join(h.places.cacheDir, crop));
  const faceId = Number(
    h.db
      .prepare(`INSERT INTO faces (file_id, preview_hash, idx, box_x, box_y, box_w, box_h, stored_x, stored_y, stored_w, stored_h, score, detector, embedder, crop_path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0.99, 'test', 'test', ?, ?)`)
      .run(fileId, prev.preview_hash, idx, box.x, box.y, box.w, box.h, box.x, box.y, box.w, box.h, crop, Date.now()).lastInsertRowid,
  );
  if (personId !== null) h.db.prepare(`INSERT INTO face_person (face_id, person_id, source, confirmed, assigned_at) VALUES (?, ?, 'cluster', 0, ?)`).run(faceId, personId, Date.now());
  return faceId;
}

export function addPerson(h: Harness, name: string | null): number {
  const now = Date.now();
  return Number(h.db.prepare('INSERT INTO persons (name, created_at, updated_at) VALUES (?, ?, ?)').run(name, now, now).lastInsertRowid);
}

export function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { host: HOST, ...extra };
}

export function authed(extra: Record<string, string> = {}): Record<string, string> {
  return { host: HOST, 'x-rawlight-token': TOKEN, ...extra };
}
