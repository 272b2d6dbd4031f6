// Soak: the daemon as installed (`bin/rawlight run`) over a library a "user" churns for
// SOAK_MINUTES — cards imported, photos added, edited in place, truncated, deleted, folders renamed,
// Lightroom saving sidecars, people named and undone, the CLI asked things, the daemon stopped and
// killed and started again — then, once it has caught up, what must hold after weeks unattended:
//   - the index matches the disk (every photo there, nothing gone still present);
//   - every photo went through the metadata pass (a bad file with its error recorded; an empty one's at scan);
//   - no job left running or waiting, no temp file left beside a photo;
//   - every sidecar reads, no value in it twice, and the user's rating and keywords kept;
//   - nothing left to write back (`rawlight writeback --dry-run`);
//   - no error in the daemon's log, and no command failing but in the ways a user is told of.
// Each kind of problem is printed with its first examples; the goal is 0. SOAK_SEED replays a run.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { installedCli } from './installed-cli.js';

const FIXTURES = process.env.RAWLIGHT_TEST_FIXTURES ?? path.resolve(import.meta.dirname, '..', '..', 'shared', 'fixtures');
const MODELS = process.env.RAWLIGHT_TEST_MODELS ?? path.resolve(import.meta.dirname, '..', '..', 'shared', 'models');
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const SEED = Number(process.env.SOAK_SEED ?? 1);
const RAW = /\.(cr2|cr3|crw|nef|arw|dng|raf|orf|rw2|pef|gpr)$/i;

// mulberry32: a seeded run can be replayed.
let seed = SEED;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));

const bin = installedCli();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rawlight-soak-'));
const home = path.join(tmp, 'home');
const lib = path.join(tmp, 'lib');
mkdirSync(home, { recursive: true });
mkdirSync(lib, { recursive: true });
writeFileSync(path.join(home, 'config.json'), JSON.stringify({ modelsDir: MODELS, libraries: [lib], api: { port: 0 } }));
const env = { ...process.env, RAWLIGHT_HOME: home, HOME: path.join(tmp, 'user') };

const photos = walk(path.join(FIXTURES, 'photos')).filter((f) => /\.(jpe?g|heic|png|webp|avif|tiff?)$/i.test(f));
// RAWs whose previews are whole (MANIFEST.md), and the files made to fail.
const raws = walk(path.join(FIXTURES, 'raw')).filter((f) => RAW.test(f) && !path.basename(f).startsWith('exiftool_'));
const bad = walk(path.join(FIXTURES, 'bad'));
console.log(`soak: ${MINUTES} min, seed ${SEED}; pool ${photos.length} photos, ${raws.length} RAWs, ${bad.length} bad files; ${os.cpus().length} cores`);

const problems = new Map<string, string[]>();
const problem = (kind: string, example: string) => problems.set(kind, [...(problems.get(kind) ?? []), example]);

let daemonLog = '';
function startDaemon(): ChildProcess {
  const c = spawn(bin, ['run'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  c.stderr!.on('data', (d: Buffer) => (daemonLog += d.toString()));
  return c;
}
let daemon = startDaemon();
const exited = (c: ChildProcess) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.on('exit', r)));

function cli(args: string[], timeoutMs = 300_000): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const t = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.on('exit', (code) => (clearTimeout(t), resolve({ code, out, err })));
  });
}
/** A command failing is a problem unless the user is told of it by name (`expected`, on stderr or in the report). */
async function ask(args: string[], expected?: RegExp): Promise<{ code: number | null; out: string; err: string }> {
  const r = await cli(args);
  if (r.code !== 0 && !(expected && expected.test(r.err + r.out))) problem(`rawlight ${args[0]} failed`, `${args.join(' ')} → exit ${r.code}: ${r.err.trim().slice(0, 300)}`);
  return r;
}

// What the user set in Lightroom, per sidecar: their rating and keywords must survive.
const userSet = new Map<string, { rating: number; keywords: Set<string> }>();
const libPhotos = () => walk(lib).filter((f) => !f.endsWith('.xmp') && !path.basename(f).startsWith('.'));
const folders = () => [...new Set(libPhotos().map((f) => path.dirname(f)))].filter((d) => d !== lib);
let n = 0;
const name = (src: string) => `P${String(++n).padStart(5, '0')}${path.extname(src).toLowerCase()}`;
const put = (dir: string, src: string, as = name(src)) => (mkdirSync(dir, { recursive: true }), copyFileSync(src, path.join(dir, as)));

/**
 * The user rates a photo and adds a keyword in another tool, which writes the sidecar `sc` as
 * Lightroom and darktable do (a new file renamed over the old one; a new sidecar from nothing).
 */
function userSaves(sc: string, keywords: readonly string[]): void {
  const u = userSet.get(sc) ?? { rating: 0, keywords: new Set<string>() };
  const rating = 1 + Math.floor(rnd() * 5), kw = pick(keywords);
  try {
    execFileSync('exiftool', ['-q', '-overwrite_original', `-XMP-xmp:Rating=${rating}`, `-XMP-dc:Subject-=${kw}`, `-XMP-dc:Subject+=${kw}`, sc], { stdio: 'pipe' });
    u.rating = rating;
    u.keywords.add(kw);
    userSet.set(sc, u);
  } catch (e) {
    problem('the user\'s sidecar could not be saved', `${sc}: ${(e as Error).message.slice(0, 200)}`);
  }
}

const actions: [weight: number, what: string, run: () => unknown][] = [
  [10, 'a photo added', () => put(path.join(lib, pick(['2024', '2024/Trip', '2025', 'Inbox', 'Reise Ü'])), pick(rnd() < 0.7 ? photos : raws))],
  [2, 'a card imported (15 files)', () => {
    const d = path.join(lib, `Card ${n}`);
    for (let i = 0; i < 15; i++) put(d, pick(rnd() < 0.5 ? photos : raws));
  }],
  [1, 'a bad file added', () => {
    const s = pick(bad);
    put(path.join(lib, 'Inbox'), s, `B${++n}${path.extname(s)}`);
  }],
  [2, 'a folder renamed', () => {
    const ds = folders();
    if (!ds.length) return;
    const d = pick(ds), to = `${d} r${++n}`;
    renameSync(d, to);
    for (const [k, v] of [...userSet]) if (k.startsWith(`${d}/`)) (userSet.delete(k), userSet.set(to + k.slice(d.length), v));
  }],
  [2, 'a photo deleted (with its sidecar)', () => {
    const ps = libPhotos();
    if (!ps.length) return;
    const p = pick(ps), stem = p.replace(/\.[^.]+$/, '');
    rmSync(p);
    if (!libPhotos().some((o) => o.replace(/\.[^.]+$/, '') === stem)) for (const x of [`${stem}.xmp`, `${p}.xmp`]) (rmSync(x, { force: true }), userSet.delete(x));
  }],
  [4, 'Lightroom saves a sidecar', () => {
    const rs = libPhotos().filter((f) => RAW.test(f));
    if (rs.length) userSaves(pick(rs).replace(/\.[^.]+$/, '.xmp'), ['Family', 'Portfolio', 'Holiday', 'Best of 2024', 'Client: Müller']);
  }],
  [1.5, 'a photo moved to another folder (with its sidecars)', () => {
    const ps = libPhotos(), ds = folders();
    if (!ps.length || ds.length < 2) return;
    const p = pick(ps), to = pick(ds.filter((d) => d !== path.dirname(p)));
    const stem = p.replace(/\.[^.]+$/, '');
    // A RAW+JPEG pair's shared IMG.xmp stays with the photo left behind.
    const shared = libPhotos().some((o) => o !== p && o.replace(/\.[^.]+$/, '') === stem);
    const moving = [p, `${p}.xmp`, ...(shared ? [] : [`${stem}.xmp`])].filter((x) => existsSync(x));
    // A name taken there: the user would rename; skipped.
    if (moving.some((x) => existsSync(path.join(to, path.basename(x))))) return;
    for (const x of moving) {
      const dest = path.join(to, path.basename(x));
      renameSync(x, dest);
      const u = userSet.get(x);
      if (u) (userSet.delete(x), userSet.set(dest, u));
    }
  }],
  [1, 'darktable saves its sidecar (IMG.NEF.xmp)', () => {
    const rs = libPhotos().filter((f) => RAW.test(f));
    if (rs.length) userSaves(`${pick(rs)}.xmp`, ['Keeper', 'Print', 'Night']);
  }],
  [0.3, 'the library drive unplugged and plugged back', async () => {
    renameSync(lib, `${lib}.away`);
    await sleep(2000 + rnd() * 6000);
    renameSync(`${lib}.away`, lib);
  }],
  [2, 'a photo edited in place', () => {
    const ps = libPhotos().filter((f) => /\.jpe?g$/i.test(f));
    if (ps.length) copyFileSync(pick(photos.filter((f) => /\.jpe?g$/i.test(f))), pick(ps));
  }],
  [1, 'a photo truncated (a copy cut short)', () => {
    const ps = libPhotos().filter((f) => /\.jpe?g$/i.test(f));
    if (!ps.length) return;
    const p = pick(ps);
    truncateSync(p, Math.floor(statSync(p).size / 3));
  }],
  [2, 'a person named', async () => {
    const r = await ask(['people', '--json']);
    const unnamed = r.code === 0 ? (JSON.parse(r.out).persons as { id: number; name: string | null }[]).filter((p) => !p.name) : [];
    if (unnamed.length) await ask(['people', 'name', String(pick(unnamed).id), pick(['Anna Müller', 'Bob', `Person ${++n}`, "Zoë O'Brien"])], /PERSON_CONFLICT/);
  }],
  [1, 'a person renamed', async () => {
    const r = await ask(['people', '--json']);
    const named = r.code === 0 ? (JSON.parse(r.out).persons as { id: number; name: string | null }[]).filter((p) => p.name) : [];
    if (named.length) await ask(['people', 'rename', String(pick(named).id), pick(['Anna Maria Müller', 'Robert', `Renamed ${++n}`, 'Zoë'])], /PERSON_CONFLICT/);
  }],
  [0.5, 'people merged', async () => {
    const r = await ask(['people', '--json']);
    const ps = r.code === 0 ? (JSON.parse(r.out).persons as { id: number; name: string | null }[]) : [];
    if (ps.length >= 2) {
      const a = pick(ps), b = pick(ps.filter((p) => p.id !== a.id));
      await ask(['people', 'merge', String(a.id), String(b.id)], /PERSON_CONFLICT|PERSON_NOT_FOUND/);
    }
  }],
  [0.5, 'rawlight writeback of a folder', async () => {
    const ds = folders();
    // A folder renamed meanwhile matches nothing: said, exit 1.
    if (ds.length) await ask(['writeback', pick(ds)], /not in the index|no photo in the index/);
  }],
  [0.5, 'people undo', () => ask(['people', 'undo'], /NOTHING_TO_UNDO|PERSON_CONFLICT/)],
  [2, 'a search', () => ask(['search', pick(['dog', 'beach', 'canon 2019', 'obama', 'iso 3200', 'Family', 'Anna Müller', 'Kapstadt', 'Nizza 2019']), '--json'])],
  [1, 'status', () => ask(['status', '--json'])],
  [1, 'index --passes metadata of a folder', async () => {
    const ds = folders();
    // A folder renamed meanwhile is not there any more: said, exit 64.
    if (ds.length) await ask(['index', pick(ds), '--passes', 'metadata', '--json'], /no such folder/);
  }],
  [1, 'show', async () => {
    const ps = libPhotos();
    if (ps.length) await ask(['show', pick(ps), '--json'], /FILE_NOT_INDEXED|FILE_NOT_FOUND/);
  }],
  [0.4, 'the daemon stopped and started (SIGTERM)', async () => (daemon.kill('SIGTERM'), await exited(daemon), (daemon = startDaemon()))],
  [0.3, 'the daemon killed and started (SIGKILL)', async () => (daemon.kill('SIGKILL'), await exited(daemon), (daemon = startDaemon()))],
];
const total = actions.reduce((s, a) => s + a[0], 0);

const done = new Map<string, number>();
const t0 = Date.now();
while (Date.now() - t0 < MINUTES * 60_000) {
  let r = rnd() * total;
  const a = actions.find((x) => (r -= x[0]) < 0) ?? actions[0]!;
  done.set(a[1], (done.get(a[1]) ?? 0) + 1);
  await a[2]();
  await sleep(200 + rnd() * 1500);
}
console.log(`what the user did: ${[...done].map(([k, v]) => `${k} ${v}`).join('; ')}`);

// Caught up: nothing running or due within a minute (retries later are the daemon's own business).
const dbFile = path.join(home, walk(home).find((f) => f.endsWith('rawlight.db'))!.slice(home.length + 1));
const settleFrom = Date.now();
for (;;) {
  await sleep(5000);
  const db = new Database(dbFile, { readonly: true });
  const left = db.prepare(`SELECT count(*) FROM jobs WHERE state != 'dead' AND run_after < ?`).pluck().get(Date.now() + 60_000) as number;
  db.close();
  if (left === 0) break;
  if (Date.now() - settleFrom > 30 * 60_000) {
    problem('not caught up after 30 min', `${left} jobs`);
    break;
  }
}
console.log(`caught up ${((Date.now() - settleFrom) / 1000).toFixed(0)} s after the last change`);

const db = new Database(dbFile, { readonly: true });
const present = new Set(db.prepare(`SELECT path FROM files WHERE state = 'present'`).pluck().all() as string[]);
const onDisk = libPhotos();
for (const p of onDisk) if (!present.has(p)) problem('a photo on disk not in the index', p);
for (const p of present) if (!existsSync(p)) problem('a photo gone from disk still in the index', p);
for (const f of walk(lib)) if (/\.rawlight-|_exiftool_tmp/.test(f)) problem('a temp file left beside the photos', f);
for (const j of db.prepare(`SELECT f.path, j.pass, j.state FROM jobs j JOIN files f ON f.id = j.file_id WHERE j.state != 'dead'`).all() as { path: string; pass: string; state: string }[]) problem('a job left', `${j.pass} ${j.state} ${j.path}`);
// A file whose scan recorded a final answer (an empty file: FILE_EMPTY) has its error there instead.
for (const p of db
  .prepare(`SELECT f.path FROM files f LEFT JOIN pass_results r ON r.file_id = f.id AND r.pass = 'metadata'
    WHERE f.state = 'present' AND r.file_id IS NULL AND NOT EXISTS (SELECT 1 FROM pass_results s WHERE s.file_id = f.id AND s.pass = 'scan' AND s.status != 'ok')`)
  .pluck()
  .all() as string[])
  problem('a photo never through the metadata pass', p);
const failed = db.prepare(`SELECT pass, error_code AS code, count(*) AS n FROM pass_results WHERE status != 'ok' GROUP BY 1, 2`).all() as { pass: string; code: string; n: number }[];
db.close();

// Every sidecar read by ExifTool (Debian's, not the daemon's) in one run.
let read: Record<string, unknown>[] = [];
try {
  read = JSON.parse(execFileSync('exiftool', ['-j', '-struct', '-XMP:all', '-r', '-ext', 'xmp', lib], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 }).toString()) as Record<string, unknown>[];
} catch (e) {
  // Exit 1 when some file could not be read: the JSON is still there, an Error field in those.
  const out = (e as { stdout?: Buffer }).stdout?.toString() ?? '';
  read = out ? (JSON.parse(out) as Record<string, unknown>[]) : [];
}
const sidecars = read.length;
for (const x of read) {
  const sc = String(x.SourceFile);
  if (x.Error) {
    problem('a sidecar that does not read', `${sc}: ${String(x.Error)}`);
    continue;
  }
  const list = (v: unknown) => ([] as unknown[]).concat(v ?? []).map((s) => (typeof s === 'string' ? s : JSON.stringify(s)));
  const twice = (a: string[]) => a.filter((v, i) => a.indexOf(v) !== i);
  for (const tag of ['Subject', 'HierarchicalSubject', 'PersonInImage']) for (const v of twice(list(x[tag]))) problem('a value written twice', `${sc}: ${tag} "${v}"`);
  for (const v of twice(list((x.RegionInfo as { RegionList?: unknown } | undefined)?.RegionList))) problem('a face region written twice', `${sc}: ${v.slice(0, 120)}`);
  const u = userSet.get(sc);
  if (u && Number(x.Rating) !== u.rating) problem('the user\'s rating lost', `${sc}: ${String(x.Rating)} instead of ${u.rating}`);
  for (const k of u?.keywords ?? []) if (!list(x.Subject).includes(k)) problem('a keyword of the user\'s lost', `${sc}: "${k}"`);
}
for (const sc of userSet.keys()) if (!existsSync(sc)) problem('a sidecar of the user\'s gone', sc);

const pending = await cli(['writeback', '--dry-run', '--json']);
try {
  const w = JSON.parse(pending.out) as { summary: { withChanges: number; conflicts: number; failed: number }; files: { path: string }[] };
  if (w.summary.withChanges > 0) problem('left to write back once caught up', `${w.summary.withChanges} photo(s): ${w.files.slice(0, 3).map((f) => JSON.stringify(f).slice(0, 300)).join(' ')}`);
} catch {
  problem('rawlight writeback failed', `--dry-run → exit ${pending.code}: ${pending.err.slice(0, 300)}`);
}

daemon.kill('SIGTERM');
await exited(daemon);
const lines = daemonLog.split('\n').filter(Boolean).map((l) => {
  try {
    return JSON.parse(l) as { level: number; msg: string; err?: { message?: string } };
  } catch {
    return { level: 60, msg: l };
  }
});
for (const l of lines.filter((x) => x.level >= 50)) problem('an error in the daemon\'s log', `${l.msg} ${l.err?.message?.slice(0, 200) ?? ''}`);

console.log(`index: ${onDisk.length} photos on disk, ${present.size} in the index; ${sidecars} sidecars, ${userSet.size} of them saved by the user; recorded failures: ${failed.map((x) => `${x.pass} ${x.code} ${x.n}`).join(', ') || 'none'}; daemon log ${lines.length} lines`);
const count = [...problems.values()].reduce((s, v) => s + v.length, 0);
for (const [kind, examples] of problems) console.log(`  ${kind}: ${examples.length} (${examples.slice(0, 3).join(' | ')})`);
console.log(`problems: ${count} (goal 0: ${count === 0 ? 'MET' : 'NOT MET'})`);
if (process.env.SOAK_KEEP) console.log(`kept: ${tmp}`);
else rmSync(tmp, { recursive: true, force: true });
process.exitCode = count === 0 ? 0 : 1;
