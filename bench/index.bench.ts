// First import at the speed of the hardware (issue 14), one run on one tree of fixture copies:
//   1. scan + metadata vs a 2-process `exiftool -fast -j -r` over the same tree   (goal: ratio <= 1.0)
//   2. previews with the default CPU workers vs one worker                          (goal: <= 0.6 on 2 cores)
//      against the render step alone run on as many threads vs one (the machine's own scaling),
//      and, on the RAWs alone, CPU per preview read at recorded offsets vs ExifTool's extraction
//   3. faces and tags passes vs a bare onnxruntime loop on the same tensors         (goal: <= 1.3 each)
//   4. a full first import with every pass but CLIP: files/s, CPU use of all cores (goal >= 85 %), peak RSS;
//      then the same import as a user starts it (bin/rawlight index, a process of its own): time ratio
//   5. the daemon idle after it (`bin/rawlight run`, compiled as installed; a few new photos, then
//      caught up): CPU (goal 0 %) and RSS (goal < 200 MiB)
//   6. a no-op rescan                                                                (goal >= 30K files/s)
// plus hashing against sha256sum. Figures and ratios are measured in this run, on this machine.
//   npm run bench index          BENCH_COPIES=N (default 3)  BENCH_NOOP_FILES=N (default 30000)
//   BENCH_ONLY=metadata,previews,ml,import,rescan runs only those parts (default: all of them)
//   BENCH_IO_WORKERS=N runs part 1 with queue.ioConcurrency N (default: the config default)
// First, as in the CLI: libuv's threadpool sized for the CPU workers before anything starts it.
import '../src/cli/size-threadpool.js';
// The daemon's V8 settings: the passes measured in this process run as they do in the daemon.
import '../src/cli/tune-heap.js';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { loadConfig, type ConfigInput } from '../src/config/index.js';
import { silentLogger } from '../src/log/index.js';
import { Core } from '../src/main.js';
import { IMAGENET_PREPROCESS, imageToTensor } from '../src/ml/clip/image-tensor.js';
import { classifierSourceFromRegistry, noClip } from '../src/ml/clip/model-sources.js';
import { DecodedPreviews } from '../src/ml/decoded-previews.js';
import { locatable, locatedStats, readLocated } from '../src/image/embedded-at.js';
import { ExifReader } from '../src/exiftool/reader.js';
import { imageLocationsOf } from '../src/exiftool/image-locations.js';
import { chooseEmbedded } from '../src/image/choose-embedded.js';
import { probeImage } from '../src/image/render.js';
import { createThreadedRenderer } from '../src/image/threaded-render.js';
import { alignFace } from '../src/ml/faces/align.js';
import { writeFaceCrop } from '../src/ml/faces/crops.js';
import { FaceEmbedder } from '../src/ml/faces/embedder.js';
import { YunetDetector } from '../src/ml/faces/yunet.js';
import { decodeRgb } from '../src/ml/image.js';
import { createModelRegistry } from '../src/ml/registry.js';
import { ModelSessions } from '../src/ml/session.js';
import { createFacesPass } from '../src/passes/faces.pass.js';
import type { Pass } from '../src/passes/pass.js';
import { hashFile } from '../src/passes/scan.pass.js';
import { createTagsPass } from '../src/passes/tags.pass.js';
import { cpuWorkers } from '../src/pipeline/worker-count.js';
import { resolvePlaces } from '../src/platform/places.js';
import { IDLE_RELEASE_MS } from '../src/pipeline/idle-release.js';
import { openDb, tx } from '../src/store/db.js';
import { getFile } from '../src/store/repositories/file.repository.js';
import { installedCli } from './installed-cli.js';

const FIXTURES = process.env.RAWLIGHT_TEST_FIXTURES ?? path.resolve(import.meta.dirname, '..', '..', 'shared', 'fixtures');
const MODELS = process.env.RAWLIGHT_TEST_MODELS ?? path.resolve(import.meta.dirname, '..', '..', 'shared', 'models');
const COPIES = Number(process.env.BENCH_COPIES ?? 3);
const NOOP_FILES = Number(process.env.BENCH_NOOP_FILES ?? 30_000);
const CORES = os.availableParallelism();
/** BENCH_IO_WORKERS=N: part 1 with `queue.ioConcurrency` N instead of the default (to compare). */
const IO_WORKERS = process.env.BENCH_IO_WORKERS ? Number(process.env.BENCH_IO_WORKERS) : undefined;
const NO_CLIP = { faces: true, embed: false, tags: true, places: true, writeback: true };
const PARTS = ['metadata', 'previews', 'ml', 'import', 'rescan'] as const;
const ONLY = new Set((process.env.BENCH_ONLY ?? PARTS.join(',')).split(',').map((x) => x.trim()).filter(Boolean));
for (const p of ONLY) if (!(PARTS as readonly string[]).includes(p)) throw new Error(`BENCH_ONLY: unknown part ${p} (parts: ${PARTS.join(', ')})`);
const part = (p: (typeof PARTS)[number]) => ONLY.has(p);

function replicate(dest: string, copies: number, subs = ['photos/gps', 'photos/scenes', 'photos/people', 'photos/camera', 'raw'], keep = (_name: string) => true): string[] {
  const src: string[] = [];
  for (const sub of subs) {
    for (const f of readdirSync(path.join(FIXTURES, sub))) if (!f.endsWith('.xmp') && !f.endsWith('.json') && keep(f)) src.push(path.join(sub, f));
  }
  const out: string[] = [];
  for (let c = 0; c < copies; c++) {
    for (const rel of src) {
      const to = path.join(dest, `c${c}`, rel);
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(path.join(FIXTURES, rel), to);
      out.push(to);
    }
  }
  return out;
}

/** Wall seconds for the preview render step (renderer threads, as the pass uses them) over `inputs`, `threads` at a time. */
async function renderAlone(inputs: readonly string[], threads: number, cacheDir: string): Promise<number> {
  const r = createThreadedRenderer({ threads });
  try {
    await Promise.all(Array.from({ length: threads }, () => r.render(inputs[0]!, 1, { cacheDir }))); // threads started
    const queue = [...inputs];
    const [, secs] = await time(() => Promise.all(Array.from({ length: threads }, async () => {
      for (let x = queue.shift(); x; x = queue.shift()) await r.render(x, 1, { cacheDir });
    })));
    return secs;
  } finally {
    await r.close();
  }
}

const time = async <T>(fn: () => Promise<T> | T): Promise<[T, number]> => {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [r, Number(process.hrtime.bigint() - t) / 1e9];
};

/** CPU seconds of this process's reaped children (ExifTool…), from /proc (Linux; 0 elsewhere). */
function childCpuSeconds(): number {
  try {
    const s = readFileSync('/proc/self/stat', 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / 100; // cutime cstime
  } catch {
    return 0;
  }
}

/** This process's page faults and CPU (clock ticks), its own and its reaped children's (/proc/self/stat). */
function selfStat(): { minflt: number; cminflt: number; utime: number; stime: number; cutime: number; cstime: number } {
  const st = readFileSync('/proc/self/stat', 'utf8');
  // Fields 10 and 11 (minflt, cminflt) and 14..17 (utime stime cutime cstime) of stat, counted after the state field.
  const x = st.slice(st.lastIndexOf(')') + 2).split(' ').map(Number);
  return { minflt: x[7]!, cminflt: x[8]!, utime: x[11]!, stime: x[12]!, cutime: x[13]!, cstime: x[14]! };
}

/** CPU seconds of this process and its reaped children (ExifTool, djxl…), from /proc (Linux). */
function cpuSeconds(): number {
  try {
    const k = selfStat();
    return (k.utime + k.stime + k.cutime + k.cstime) / 100;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
}

/**
 * The first import as a user starts it: `bin/rawlight index` (compiled, as installed, with the
 * launcher's allocator settings) in a home of its own with the same config. Its page faults and
 * CPU are read from this process's reaped-children counters.
 */
async function launchedImport(home: string, lib: string, config: object): Promise<{ secs: number; executed: Record<string, number>; minflt: number; userSecs: number; sysSecs: number }> {
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, 'config.json'), JSON.stringify(config));
  const cli = installedCli();
  const a = selfStat();
  const t = performance.now();
  const child = spawn(cli, ['index', lib, '--json'], { env: { ...process.env, RAWLIGHT_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const secs = (performance.now() - t) / 1000;
  if (code !== 0) throw new Error(`bin/rawlight index exited with ${code}`);
  const b = selfStat();
  return { secs, executed: (JSON.parse(stdout) as { executed: Record<string, number> }).executed, minflt: b.cminflt - a.cminflt, userSecs: (b.cutime - a.cutime) / 100, sysSecs: (b.cstime - a.cstime) / 100 };
}

/**
 * The preview pass's source step alone for one RAW (no render): ExifTool's extraction of every
 * candidate + header probes + the choice, against the headers and the chosen image read at the
 * offsets the metadata read recorded. CPU ms per file, node + ExifTool (its start and end, measured
 * apart, subtracted), each over `n` rounds.
 */
async function sourceStepCpu(file: string, n = 10): Promise<{ exiftoolMs: number; offsetsMs: number; same: boolean }> {
  const TAGS = ['JpgFromRaw', 'PreviewImage', 'OtherImage', 'ThumbnailImage', 'PreviewTIFF', 'ThumbnailTIFF'];
  const reader = new ExifReader({ maxProcs: 1 });
  const loc = imageLocationsOf((await reader.read(file)) as unknown as Record<string, unknown>);
  await reader.end();
  if (!loc) throw new Error(`${file}: no recorded offsets`);
  let c = cpuSeconds();
  const idle = new ExifReader({ maxProcs: 1 });
  await idle.version();
  await idle.end();
  const startEnd = cpuSeconds() - c;
  const et = new ExifReader({ maxProcs: 1 });
  c = cpuSeconds();
  await et.version();
  let viaEt = '';
  for (let i = 0; i < n; i++) {
    const usable: { name: string; long: number }[] = [];
    for (const [name, buf] of await et.embeddedImages(file, TAGS)) {
      const m = await probeImage(buf);
      if (m && Math.max(m.width, m.height) >= 32) usable.push({ name, long: Math.max(m.width, m.height) });
    }
    viaEt = chooseEmbedded(usable, 2048)?.name ?? '';
  }
  await et.end();
  const exiftoolMs = ((cpuSeconds() - c - startEnd) * 1000) / n;
  const st = statSync(file, { bigint: true });
  c = cpuSeconds();
  let viaOff = '';
  for (let i = 0; i < n; i++) viaOff = (await readLocated(file, loc, { previewSize: 2048, ext: path.extname(file).slice(1).toLowerCase(), scannedSig: `${st.size}:${st.mtimeNs}:${st.ino}`, probe: probeImage })).name;
  return { exiftoolMs, offsetsMs: ((cpuSeconds() - c) * 1000) / n, same: viaEt === viaOff };
}

/** A fresh home indexing `lib` with these passes and settings; resolves when the queue is idle. */
async function indexRun(home: string, lib: string, o: { only?: string[]; config?: Partial<ConfigInput>; keepOpen?: boolean } = {}) {
  const places = resolvePlaces({ env: { RAWLIGHT_HOME: home } });
  const config = loadConfig(places, { env: {}, overrides: { modelsDir: MODELS, ...o.config } });
  const core = Core.open({ places, config, log: silentLogger(), ...(o.only ? { onlyPasses: o.only } : {}) });
  const [, secs] = await time(async () => {
    await core.reconcile([lib]);
    core.pipeline.sweep();
    core.pipeline.start();
    // As `rawlight index` ends: the new faces grouped, and the writebacks that queued run too.
    await core.settleImport(0, 20);
  });
  const executed = { ...core.pipeline.stats.executed };
  if (!o.keepOpen) await core.close();
  return { core, secs, executed };
}

/**
 * Samples every `ms` how many of this process's threads and its children's are running or
 * waiting for a core (Linux /proc state R); returns a stop function giving the mean of
 * min(n, cores) / cores. On a shared machine, a figure that other people's load does not shrink.
 */
function runnableSampler(cores: number, ms = 100): () => number {
  let sum = 0;
  let samples = 0;
  const count = (pid: string) => {
    let r = 0;
    try {
      for (const t of readdirSync(`/proc/${pid}/task`)) {
        try {
          const st = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
          if (st[st.lastIndexOf(')') + 2] === 'R') r++;
        } catch {
          /* the thread ended */
        }
      }
    } catch {
      /* the process ended */
    }
    return r;
  };
  const timer = setInterval(() => {
    let r = count('self') - 1; // this sampler, on the main thread
    try {
      for (const t of readdirSync('/proc/self/task')) for (const k of readFileSync(`/proc/self/task/${t}/children`, 'utf8').split(' ').filter(Boolean)) r += count(k);
    } catch {
      /* no children file */
    }
    sum += Math.min(Math.max(r, 0), cores) / cores;
    samples++;
  }, ms);
  timer.unref();
  return () => {
    clearInterval(timer);
    return samples ? sum / samples : 0;
  };
}

/** The process and every descendant still running (Linux /proc: each thread's `children` list). */
function processTree(pid: number): number[] {
  let kids: number[] = [];
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) kids.push(...readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
  } catch {
    kids = []; // it has exited meanwhile
  }
  return [pid, ...kids.flatMap(processTree)];
}

/**
 * CPU seconds and RSS of another process and everything it keeps running (ExifTool's perl
 * processes, a converter, an inference child): what the user's machine pays for the daemon.
 * CPU counts the live processes' own time (and the children each has reaped).
 */
function procSample(pid: number): { cpu: number; rssMiB: number; ownRssMiB: number; children: number } {
  let cpu = 0;
  let rssMiB = 0;
  let ownRssMiB = 0;
  const tree = processTree(pid);
  for (const p of tree) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) / 1024;
      cpu += [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / 100;
      rssMiB += rss;
      if (p === pid) ownRssMiB = rss;
    } catch {
      /* exited between the listing and the read */
    }
  }
  return { cpu, rssMiB, ownRssMiB, children: tree.length - 1 };
}

/**
 * The daemon as users get it: `rawlight run` (compiled) on the imported home. Once it has settled
 * (start-up reconcile: under 2 % CPU over 2 s), a day's new photos arrive (faces, GPS, scenes: it
 * loads its models and the place index for them); once they are done and the queue has stayed dry
 * past IDLE_RELEASE_MS, 20 s of idling are measured. RSS while it still held the models is kept too.
 * RSS and CPU are the whole process tree's (the daemon and every child it keeps, e.g. ExifTool).
 */
async function idleDaemon(home: string, lib: string): Promise<{ cpu: number; rssMiB: number; ownRssMiB: number; anonMiB: number; children: number; startRssMiB: number; ranAtStart: string; busyRssMiB: number; secs: number; settledSecs: number; newFiles: number; done: number }> {
  // What the daemon runs on its own at start (jobs left due by the import: retries, writebacks), by pass.
  const since = Date.now();
  const startRuns = () => {
    const { db } = openDb(path.join(home, 'rawlight.db'));
    try {
      return (db.prepare(`SELECT pass, count(*) AS n FROM pass_runs WHERE started_at >= ? GROUP BY pass ORDER BY pass`).all(since) as { pass: string; n: number }[]).map((r) => `${r.pass} ${r.n}`).join(', ') || 'nothing';
    } finally {
      db.close();
    }
  };
  const child = spawn(installedCli(), ['run', '--port', '0'], { env: { ...process.env, RAWLIGHT_HOME: home }, stdio: 'ignore' });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Waits (up to `max` 2-s windows) for `run` windows in a row each using under `cpuSecs`; returns the seconds waited. */
  const settle = async (max: number, cpuSecs = 0.04, run = 1) => {
    const t0 = performance.now();
    let quiet = 0;
    for (let i = 0; i < max && quiet < run; i++) {
      const a = procSample(child.pid!);
      await sleep(2000);
      quiet = procSample(child.pid!).cpu - a.cpu < cpuSecs ? quiet + 1 : 0;
    }
    return (performance.now() - t0) / 1000;
  };
  try {
    await sleep(3000);
    await settle(45);
    const startRssMiB = procSample(child.pid!).rssMiB;
    const ranAtStart = startRuns();
    const shoot = path.join(lib, 'new-shoot');
    const picks = ['photos/people', 'photos/gps', 'photos/scenes'].flatMap((d) => readdirSync(path.join(FIXTURES, d)).filter((x) => /\.jpe?g$/i.test(x)).slice(0, 3).map((x) => path.join(d, x)));
    mkdirSync(shoot, { recursive: true });
    for (const rel of picks) copyFileSync(path.join(FIXTURES, rel), path.join(shoot, rel.replaceAll('/', '_')));
    // Done when every new file has its faces and places results and nothing runnable is left.
    const { db } = openDb(path.join(home, 'rawlight.db'));
    let done = 0;
    let busyRssMiB = 0;
    try {
      for (let i = 0; i < 240; i++) {
        await sleep(1000);
        busyRssMiB = Math.max(busyRssMiB, procSample(child.pid!).rssMiB);
        done = (db.prepare(`SELECT count(DISTINCT r.file_id) AS n FROM pass_results r JOIN files f ON f.id = r.file_id WHERE f.path LIKE ? AND r.pass = 'tags'`).get(`${shoot}/%`) as { n: number }).n;
        const runnable = (db.prepare(`SELECT count(*) AS n FROM jobs WHERE state = 'leased' OR (state = 'pending' AND run_after <= ?)`).get(Date.now()) as { n: number }).n;
        if (done >= picks.length && runnable === 0) break;
      }
    } finally {
      db.close();
    }
    await sleep(IDLE_RELEASE_MS + 5000);
    // The release ends worker threads and collects garbage; V8's memory reducer then shrinks the
    // heaps over a few more collections (~20 s, ~0.2 s of CPU in all). Idle is measured once three
    // 2-s windows in a row had at most one clock tick of CPU (0.5 %); how long that took is reported.
    const settledSecs = 5 + (await settle(45, 0.015, 3));
    const a = procSample(child.pid!);
    const t = performance.now();
    await sleep(20_000);
    const b = procSample(child.pid!);
    const secs = (performance.now() - t) / 1000;
    // The daemon's anonymous memory (heaps, arenas) apart from mapped files (node, libonnxruntime…).
    const anonKb = Number(/^Anonymous:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    return { cpu: (b.cpu - a.cpu) / secs, rssMiB: b.rssMiB, ownRssMiB: b.ownRssMiB, anonMiB: anonKb / 1024, children: b.children, startRssMiB, ranAtStart, busyRssMiB, secs, settledSecs, newFiles: picks.length, done };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rawlight-bench-'));
const f = (n: number, d = 1) => n.toFixed(d);
const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
const lines: string[] = [];
const say = (s: string) => {
  lines.push(s);
  console.log(s);
};
try {
  const lib = path.join(tmp, 'lib');
  const files = replicate(lib, COPIES);
  const bytes = files.reduce((n, x) => n + statSync(x).size, 0);
  const n = files.length;
  console.log(`tree: ${n} files, ${f(bytes / 2 ** 20)} MiB; ${CORES} cores; load average ${os.loadavg().map((x) => f(x, 1)).join(' ')} (a shared machine makes every figure noisy); parts: ${[...ONLY].join(', ')}`);
  // Lines keyed by part number: the parts run in dependency order, the report prints 1 to 6.
  const report: [number, string][] = [];
  let section = 0;
  const out = (s: string) => {
    section = Number(/^(\d)\./.exec(s)?.[1] ?? section);
    report.push([section, s]);
  };

  // 1. Baseline: the vendored ExifTool, two processes over two halves of the tree, at once; then
  // rawlight's scan + metadata over the same tree (its home is the start of part 2 as well).
  const smHome = path.join(tmp, 'home-sm');
  if (part('metadata') || part('previews')) {
    const require = createRequire(import.meta.url);
    const exiftoolPl = path.join(path.dirname(require.resolve('exiftool-vendored.pl/package.json')), 'bin', 'exiftool');
    const dirs = readdirSync(lib).flatMap((c) => ['photos', 'raw'].map((s) => path.join(lib, c, s)));
    const halves = [dirs.filter((_, i) => i % 2 === 0), dirs.filter((_, i) => i % 2 === 1)];
    const runEt = (ds: string[]) => new Promise<void>((resolve) => spawn('perl', [exiftoolPl, '-fast', '-j', '-r', '-q', '-q', ...ds], { stdio: 'ignore' }).on('close', () => resolve()));
    // Each side twice, in the order baseline, rawlight, rawlight, baseline (whichever runs first
    // or later meets the same page cache and machine); the ratio is of the summed times. The first
    // rawlight run's home is the start of part 2.
    const sides = { et: { secs: [] as number[], childCpu: 0 }, sm: { secs: [] as number[], childCpu: 0, cpu: 0, main: 0 } };
    let sm: Awaited<ReturnType<typeof indexRun>> | undefined;
    const baseline = async () => {
      const ch0 = childCpuSeconds();
      sides.et.secs.push((await time(() => Promise.all(halves.map(runEt))))[1]);
      sides.et.childCpu += childCpuSeconds() - ch0;
    };
    const ours = async (home: string) => {
      const ch0 = childCpuSeconds();
      const cpu0 = process.cpuUsage();
      const main0 = process.threadCpuUsage();
      const r = await indexRun(home, lib, { only: ['metadata'], ...(IO_WORKERS ? { config: { queue: { ioConcurrency: IO_WORKERS } } as Partial<ConfigInput> } : {}) });
      const cpu = process.cpuUsage(cpu0);
      const main = process.threadCpuUsage(main0);
      sides.sm.secs.push(r.secs);
      sides.sm.cpu += (cpu.user + cpu.system) / 1000;
      sides.sm.main += (main.user + main.system) / 1000;
      // The read pool's ExifTool processes are reaped when the run closes its core.
      sides.sm.childCpu += childCpuSeconds() - ch0;
      sm ??= r;
    };
    await baseline();
    await ours(smHome);
    await ours(path.join(tmp, 'home-sm-2'));
    await baseline();
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const etSecs = sum(sides.et.secs) / 2;
    const smSecs = sum(sides.sm.secs) / 2;
    const smRatio = smSecs / etSecs;
    const runs = (xs: number[]) => xs.map((x) => f(x, 2)).join(' s, ');
    out(`1. 2-process exiftool -fast -j -r:       ${f(n / etSecs)} files/s (${runs(sides.et.secs)} s)`);
    out(`   rawlight scan + metadata:             ${f(n / smSecs)} files/s (${runs(sides.sm.secs)} s)  time ratio ${f(smRatio, 2)} (goal <= 1.0: ${verdict(smRatio <= 1)}; ${f(sides.sm.secs[0]! / sides.et.secs[0]!, 2)} and ${f(sides.sm.secs[1]! / sides.et.secs[1]!, 2)} run by run)`);
    out(`   node CPU (parse, SQL, hashing) per file: ${f(sides.sm.cpu / 2 / n, 2)} ms (main thread ${f(sides.sm.main / 2 / n, 2)} ms: parse, SQL, queue)`);
    if (sides.et.childCpu > 0) out(`   ExifTool CPU per file:                ${f((sides.sm.childCpu * 1000) / 2 / n, 1)} ms (rawlight's read pool) vs ${f((sides.et.childCpu * 1000) / 2 / n, 1)} ms (baseline)`);
    const rs = sm!.core.exif.stats;
    out(`   ExifTool commands:                    ${rs.batches + rs.singles} for ${rs.batchedFiles + rs.singles} reads (${f((rs.batchedFiles + rs.singles) / Math.max(1, rs.batches + rs.singles), 1)} files a command)`);
    // The high-water mark of this process after part 1 (it runs first): what hashing and the io
    // workers' reads held at once (ExifTool's own processes are children, not counted).
    out(`   peak RSS after scan + metadata:       ${f(process.resourceUsage().maxRSS / 1024, 0)} MiB (this process; io workers ${IO_WORKERS ?? `${loadConfig(resolvePlaces({ env: { RAWLIGHT_HOME: smHome } }), { env: {} }).queue.ioConcurrency} (default)`})`);
    if (part('metadata') && sides.et.childCpu > 0) {
      // The metadata reads alone, through the read pool as the pass makes them, with its ExifTool
      // config (src/exiftool/read-pool.config) and with ExifTool's own tag lookup: what it saves.
      const readsCpu = async (opts: ConstructorParameters<typeof ExifReader>[0]) => {
        const c0 = childCpuSeconds();
        const reader = new ExifReader(opts);
        let next = 0;
        await Promise.all(Array.from({ length: 24 }, async () => {
          while (next < files.length) await reader.read(files[next++]!).catch(() => null);
        }));
        await reader.end();
        await new Promise((r) => setTimeout(r, 200)); // the ended processes reaped
        return ((childCpuSeconds() - c0) * 1000) / n;
      };
      const [patched, plain] = [await readsCpu({}), await readsCpu({ config: null })];
      out(`   ExifTool CPU per file, reads alone:   ${f(patched, 1)} ms with the read-pool config vs ${f(plain, 1)} ms without (ratio ${f(patched / plain, 2)}; baseline ${f((sides.et.childCpu * 1000) / 2 / n, 1)} ms)`);
    }
  }

  // 2. Previews on a copy of that database (scan + metadata done): one CPU worker, then the default.
  if (part('previews')) {
    /**
     * Previews on a copy of `from`'s database (scan + metadata done). `located: false` deletes the
     * embedded images' recorded offsets from the copy first: every RAW then takes the ExifTool
     * extraction, the path before them (a baseline in the same run).
     */
    const previewRun = async (name: string, workers: number | 'auto', o: { from?: string; tree?: string; located?: boolean } = {}) => {
      const home = path.join(tmp, name);
      mkdirSync(home, { recursive: true });
      const dbFile = path.join(home, 'rawlight.db');
      // SQLite's online backup through the project's own driver (no sqlite3 program needed).
      const from = openDb(path.join(o.from ?? smHome, 'rawlight.db')).db;
      await from.backup(dbFile);
      from.close();
      if (o.located === false) {
        const copy = openDb(dbFile).db;
        copy.prepare('DELETE FROM embedded_locations').run();
        copy.close();
      }
      const c0 = cpuSeconds();
      const t0 = process.threadCpuUsage();
      let majorGcs = 0;
      const gcs = new PerformanceObserver((l) => {
        for (const e of l.getEntries()) if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
      });
      gcs.observe({ entryTypes: ['gc'] });
      const l0 = { ...locatedStats };
      const r = await indexRun(home, o.tree ?? lib, { only: ['preview'], config: { queue: { cpuConcurrency: workers } } });
      const located = locatedStats.read - l0.read;
      gcs.disconnect();
      const t = process.threadCpuUsage(t0);
      const previews = Math.max(1, r.executed.preview ?? 0);
      // cpuSeconds counts ExifTool's processes once the run's close has reaped them.
      const cpuMs = ((cpuSeconds() - c0) * 1000) / previews;
      return { ...r, cores: (cpuSeconds() - c0) / r.secs, threadMs: (t.user + t.system) / 1000 / previews, majorGcs, cpuMs, extractions: r.core.exif.stats.embeddedCommands, located };
    };
    const one = await previewRun('home-p1', 1);
    const auto = await previewRun('home-pauto', 'auto');
    const pvRatio = auto.secs / one.secs;
    out(`2. previews, 1 CPU worker:               ${f(n / one.secs)} files/s (${f(one.secs, 2)} s, ${one.executed.preview ?? 0} previews; ${f(one.cores, 2)} cores busy)`);
    out(`   previews, default (${cpuWorkers('auto')} workers):       ${f(n / auto.secs)} files/s (${f(auto.secs, 2)} s; ${f(auto.cores, 2)} cores busy)  time ratio ${f(pvRatio, 2)} (goal <= 0.6 on 2 cores: ${verdict(pvRatio <= 0.6)})`);
    // One worker is not one core: libvips decodes and encodes on its own threads beside the caller,
    // the thumbnail is encoded beside the preview, ExifTool runs in its own process. On a quiet
    // machine the best ratio two workers can reach is (cores busy with one) / (cores).
    if (os.loadavg()[0]! < CORES / 2) out(`   best ratio reachable from one worker's ${f(one.cores, 2)} cores busy: ${f(Math.min(1, one.cores / CORES), 2)}`);
    // What this machine gives the pixel work itself: the preview render step alone (decode, resize,
    // hash, encode preview and thumbnail, on the renderer's threads as the pass runs it) over the
    // tree's JPEGs, one thread against as many as the default workers, no queue, database or
    // ExifTool. Two runs each, alternated, summed: the ratio the preview pass's own is measured against.
    const jpegs = files.filter((x) => /\.jpe?g$/i.test(x));
    const bare = { one: 0, all: 0 };
    for (let i = 0; i < 2; i++) {
      bare.one += await renderAlone(jpegs, 1, path.join(tmp, 'render-alone'));
      bare.all += await renderAlone(jpegs, cpuWorkers('auto'), path.join(tmp, 'render-alone'));
    }
    out(`   the render step alone (${jpegs.length} JPEGs, no queue): ${cpuWorkers('auto')} threads take ${f(bare.all / bare.one, 2)} of one thread's time (what this machine gives the pixel work itself; the pass's ratio is ${f(pvRatio / (bare.all / bare.one), 2)}× that)`);
    // The daemon's own thread is the one every worker waits on (claims, commits, ExifTool replies,
    // each sharp and fs completion): its CPU per preview and its major collections, a figure the
    // machine's other load does not change (wall times and ratios it does).
    out(`   daemon thread per preview:            ${f(one.threadMs, 1)} ms CPU, ${one.majorGcs} major GCs in all (1 worker); ${f(auto.threadMs, 1)} ms, ${auto.majorGcs} (default)`);
    // The same tree, 1 worker, every RAW through ExifTool's extraction (the path before recorded offsets).
    const oneEt = await previewRun('home-p1-et', 1, { located: false });
    out(`   CPU per preview (node + ExifTool):    ${f(one.cpuMs, 1)} ms (1 worker), ${f(auto.cpuMs, 1)} ms (default); ${one.located} RAW previews read at recorded offsets, ${one.extractions} ExifTool extraction commands`);
    out(`   without recorded offsets (before):    ${f(oneEt.cpuMs, 1)} ms (1 worker), ${oneEt.extractions} ExifTool extraction commands  CPU ratio ${f(one.cpuMs / oneEt.cpuMs, 2)}`);
    // The RAWs whose format can be read at recorded offsets, 1 worker: the embedded images read
    // where the metadata pass found them vs every candidate extracted by ExifTool (the path before;
    // offsets deleted from a copy of the same database). CPU per preview, a figure the machine's
    // other load barely moves.
    const rawLib = path.join(tmp, 'rawlib');
    replicate(rawLib, COPIES, ['raw'], (name) => locatable(path.extname(name).slice(1)));
    const rawSm = path.join(tmp, 'home-raw-sm');
    await indexRun(rawSm, rawLib, { only: ['metadata'] });
    const viaEt = await previewRun('home-raw-et', 1, { from: rawSm, tree: rawLib, located: false });
    const viaOff = await previewRun('home-raw-off', 1, { from: rawSm, tree: rawLib });
    out(`   RAW previews (NEF, CR2, ARW, DNG, RAF…), ExifTool extraction: ${f(viaEt.cpuMs, 1)} ms CPU each (node + ExifTool), ${viaEt.extractions} ExifTool commands for ${viaEt.executed.preview ?? 0} previews`);
    out(`   the same, read at recorded offsets:   ${f(viaOff.cpuMs, 1)} ms CPU each, ${viaOff.extractions} ExifTool commands, ${viaOff.located} of ${viaOff.executed.preview ?? 0} read at offsets  CPU ratio ${f(viaOff.cpuMs / viaEt.cpuMs, 2)}`);
    for (const rel of ['raw/imagemeta_NEF-header_d7100.nef', 'raw/imagemeta_ARW-header_slt-a55v.arw', 'raw/imagemeta_CR2-header_eos-1ds-mk3.cr2']) {
      const m = await sourceStepCpu(path.join(FIXTURES, rel));
      out(`   source step only, ${path.basename(rel).padEnd(34)} ${f(m.exiftoolMs, 1)} ms CPU via ExifTool, ${f(m.offsetsMs, 1)} ms at offsets (${m.same ? 'same image chosen' : 'DIFFERENT image chosen'})`);
    }
  }

  // 4 + 5. Full first import, every pass but CLIP, then the daemon idle. Part 3 needs only the
  // previews: without part 4 it gets a home with previews alone.
  const fullHome = path.join(tmp, 'home-full');
  mkdirSync(fullHome, { recursive: true });
  writeFileSync(path.join(fullHome, 'config.json'), JSON.stringify({ libraries: [lib], modelsDir: MODELS, passes: NO_CLIP }));
  if (part('import')) {
    const wanting = runnableSampler(CORES);
    const c0 = cpuSeconds();
    const k0 = selfStat();
    const full = await indexRun(fullHome, lib, { config: { passes: NO_CLIP }, keepOpen: true });
    const wanted = wanting();
    const peakRss = process.resourceUsage().maxRSS / 1024;
    const runs = full.core.db.prepare(`SELECT pass, count(*) AS n, sum(duration_ms) AS ms FROM pass_runs GROUP BY pass ORDER BY pass`).all() as { pass: string; n: number; ms: number }[];
    // When the whole tree had each pass's results, seconds into the import: OCR runs last (Pass.runsLast).
    const doneAt = new Map((full.core.db.prepare(`SELECT pass, (max(started_at + duration_ms) - (SELECT min(started_at) FROM pass_runs)) / 1000.0 AS secs FROM pass_runs GROUP BY pass`).all() as { pass: string; secs: number }[]).map((r) => [r.pass, r.secs]));
    const [, noopSecs] = await time(() => full.core.reconcile([lib]));
    await full.core.close();
    // Children (ExifTool) are reaped on close: their CPU time counts once they are.
    const util = (cpuSeconds() - c0) / (full.secs * CORES);
    const k1 = selfStat();
    // 4b. The same import as a user starts it, a process of its own: a launch setting that slows it
    // shows here (bin/rawlight's glibc settings made it 2.2-2.5x slower while the OCR models ran
    // without onnxruntime's arena, and part 4 then ran without those settings: unseen).
    // A copy of the tree of its own: an import writes sidecars next to the photos, and part 5's
    // daemon must find the tree as part 4 left it (else it re-reads what this import rewrote).
    const launchedLib = path.join(tmp, 'lib-launched');
    replicate(launchedLib, COPIES);
    const launched = await launchedImport(path.join(tmp, 'home-launched'), launchedLib, { libraries: [launchedLib], modelsDir: MODELS, passes: NO_CLIP });
    const inFaults = k1.minflt - k0.minflt + k1.cminflt - k0.cminflt;
    const inSys = (k1.stime - k0.stime + k1.cstime - k0.cstime) / 100, inAll = inSys + (k1.utime - k0.utime + k1.cutime - k0.cutime) / 100;
    // Writeback runs vary from run to run (a file's values can settle before or after its first write).
    const work = (e: Record<string, number>) => JSON.stringify(Object.entries(e).filter(([k]) => k !== 'writeback').sort());
    const sameWork = work(launched.executed) === work(full.executed);
    // 5. The daemon itself (`rawlight run`, a process of its own) on the library just imported.
    const idle = await idleDaemon(fullHome, lib);
    out(`4. full first import, every pass but CLIP: ${f(n / full.secs)} files/s (${f(full.secs, 1)} s); ran ${Object.entries(full.executed).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    for (const r of runs) out(`     ${r.pass.padEnd(9)} ${r.n} runs, ${f(r.ms / r.n, 1)} ms each (wall, summed over workers)`);
    out(`   the whole tree had its previews after ${f(doneAt.get('preview') ?? 0, 0)} s, faces ${f(doneAt.get('faces') ?? 0, 0)} s, tags ${f(doneAt.get('tags') ?? 0, 0)} s; its text (OCR, run last) ${f(doneAt.get('ocr') ?? 0, 0)} s`);
    out(`   CPU use of all ${CORES} cores:            ${f(util * 100, 1)} % (goal >= 85 %: ${verdict(util >= 0.85)}; this process + ExifTool children)`);
    out(`   threads wanting a core (sampled /proc, running or queued, capped at ${CORES}): ${f(wanted * 100, 0)} % of all cores (what a quiet machine would approach)`);
    out(`   peak RSS:                             ${f(peakRss, 0)} MiB (this process)`);
    out(`   no-op rescan of the imported tree:    ${f(n / noopSecs, 0)} files/s on ${n} files`);
    out(`   minor page faults:                    ${f(inFaults / n, 0)} a file; kernel time ${f((100 * inSys) / inAll, 0)} % of the CPU`);
    out(`4b. the same import as a user starts it (bin/rawlight index, compiled, the launcher's allocator settings): ${f(n / launched.secs)} files/s (${f(launched.secs, 1)} s), time ratio ${f(launched.secs / full.secs, 2)} to the import above (should be ~1)${sameWork ? '' : `; ran ${Object.entries(launched.executed).map(([k, v]) => `${k} ${v}`).join(', ')} (NOT the same work)`}`);
    out(`   minor page faults:                    ${f(launched.minflt / n, 0)} a file; kernel time ${f((100 * launched.sysSecs) / (launched.userSecs + launched.sysSecs), 0)} % of the CPU`);
    out(`5. rawlight run (compiled, as installed; allocator settings as bin/rawlight sets them) on the imported library, started and settled: RSS ${f(idle.startRssMiB, 0)} MiB, with its children (goal < 200 MiB: ${verdict(idle.startRssMiB < 200)}); it ran ${idle.ranAtStart} on its own`);
    out(`   then ${idle.done}/${idle.newFiles} new photos done and the queue dry past ${IDLE_RELEASE_MS / 1000} s (models, place index, ExifTool released; settled ${f(idle.settledSecs, 0)} s after the release):`);
    out(`   idle:                                 CPU ${f(idle.cpu * 100, 2)} % of one core over ${f(idle.secs, 0)} s (goal 0 %: ${verdict(idle.cpu < 0.005)}), RSS ${f(idle.rssMiB, 0)} MiB (goal < 200 MiB: ${verdict(idle.rssMiB < 200)}; the daemon and its ${idle.children} child processes)`);
    out(`   the daemon alone:                     RSS ${f(idle.ownRssMiB, 0)} MiB, ${f(idle.anonMiB, 0)} MiB of it anonymous (heaps; the rest is mapped code: node, onnxruntime, libvips)`);
    out(`   while it worked on them (models and place index loaded): RSS up to ${f(idle.busyRssMiB, 0)} MiB`);
  } else if (part('ml')) {
    await indexRun(fullHome, lib, { only: ['preview'], config: { passes: NO_CLIP } });
  }

  // 3. Faces and tags on the import's people and scene previews, each pass against a bare
  // onnxruntime loop over the very tensors it feeds the models.
  //   bare side: sessions on this thread, the prepared tensors, the ONNX runs and nothing else;
  //   pass side: pass.run + its commit, as the worker runs them (detector input, alignment, crop
  //     JPEGs, classifier input, the ML worker hop, SQL), from the decoded preview.
  // The one decode of a preview serves faces, tags, CLIP and OCR in the daemon (DecodedPreviews):
  // it is timed on a line of its own and added back in the "all of it" ratio. Per photo the sides
  // run back to back (bare, decode, faces, tags), so load from elsewhere hits both alike.
  if (part('ml')) {
    const fp = resolvePlaces({ env: { RAWLIGHT_HOME: fullHome } });
    const cfg = loadConfig(fp, { env: {}, overrides: { modelsDir: MODELS, passes: NO_CLIP } });
    const { db } = openDb(path.join(fp.dataDir, 'rawlight.db'));
    const rows = db.prepare(`SELECT f.id, p.preview_hash AS hash, p.path FROM files f JOIN previews p ON p.file_id = f.id WHERE f.path LIKE ? AND (f.path LIKE '%/people/%' OR f.path LIKE '%/scenes/%') ORDER BY f.id`).all(`${path.join(lib, 'c0')}/%`) as { id: number; hash: string; path: string }[];
    const registry = createModelRegistry(cfg, fp);
    const sessions = new ModelSessions();
    const det = new YunetDetector(sessions, registry.resolve('faceDetector')!);
    const emb = new FaceEmbedder(sessions, registry.resolve('faceEmbedder')!);
    const clsModel = registry.resolve('classifier')!;
    // The tensors, and what each preparation step costs (once over the photos, ms per photo).
    const step = { decode: 0, detInput: 0, align: 0, crops: 0, clsInput: 0 };
    const timed = async <T>(k: keyof typeof step, fn: () => Promise<T> | T): Promise<T> => {
      const t = performance.now();
      const r = await fn();
      step[k] += performance.now() - t;
      return r;
    };
    const crops = path.join(tmp, 'crops');
    // Models loaded before the steps are timed: the detector's load is not a step of every photo.
    await Promise.all([det.model, emb.model].map((m) => sessions.get(m.entry, m.onnxPath)));
    const inputs: { det: { tensor: Float32Array; w: number; h: number }; faces: Float32Array[]; cls: Float32Array }[] = [];
    for (const r of rows) {
      const img = await timed('decode', () => decodeRgb(path.join(fp.cacheDir, r.path)));
      // As the pass makes it: into a reused buffer (a fresh 4.9 MB one costs its page faults too).
      const input = await timed('detInput', () => det.prepare(img, true));
      const found = await det.run(input);
      const shared = input.tensor;
      input.tensor = shared.slice(); // the bare loop keeps its own copy
      det.recycle(shared);
      const faces = await timed('align', () => found.map((d) => emb.tensorFor(alignFace(img, d.landmarks))));
      await timed('crops', () => Promise.all(found.map((d, i) => writeFaceCrop(img, d.box, crops, `${r.hash}-${i}.jpg`))));
      inputs.push({ det: { tensor: input.tensor, w: input.inputW, h: input.inputH }, faces, cls: await timed('clsInput', () => imageToTensor(img, IMAGENET_PREPROCESS)) });
    }
    const nFaces = inputs.reduce((k, x) => k + x.faces.length, 0);
    const bareOpts = { executionProviders: sessions.providers(), intraOpNumThreads: Math.max(1, Math.floor(CORES / 2)), interOpNumThreads: 1, graphOptimizationLevel: 'all' } as const;
    const sDet = await ort.InferenceSession.create(det.model.onnxPath, bareOpts);
    const sEmb = await ort.InferenceSession.create(emb.model.onnxPath, bareOpts);
    const sCls = await ort.InferenceSession.create(clsModel.onnxPath, bareOpts);
    // The same bare loops with their sessions on the ML worker thread, where the daemon runs every
    // model (onnxruntime runs synchronously on its caller: on the daemon's thread each run would
    // stall the API): the thread hop's share of a pass's time.
    const onWorker = (model: string) => sessions.open(model, { intraOpNumThreads: bareOpts.intraOpNumThreads });
    const [wDet, wEmb, wCls] = [await onWorker(det.model.onnxPath), await onWorker(emb.model.onnxPath), await onWorker(clsModel.onnxPath)];
    const decoded = new DecodedPreviews({ cacheDir: fp.cacheDir, maxEntries: 4 });
    const faces: Pass = createFacesPass({ registry, sessions, cacheDir: fp.cacheDir, config: cfg, decoded });
    const tags: Pass = createTagsPass({ clip: noClip, classifier: classifierSourceFromRegistry(registry, sessions), cacheDir: fp.cacheDir, config: cfg, decoded });
    // One round: per photo, each side's time (ms), side by side.
    const sides = ['bareFaces', 'bareTags', 'hopFaces', 'hopTags', 'decode', 'faces', 'tags'] as const;
    // CPU time of the whole process (every thread: this one, the ML worker, libuv's pool) per side
    // too: the figure the machine's other load changes least (the sides run one at a time).
    const cpu = Object.fromEntries(sides.map((k) => [k, [] as number[][]])) as Record<(typeof sides)[number], number[][]>;
    const round = async () => {
      const ms = Object.fromEntries(sides.map((k) => [k, [] as number[]])) as Record<(typeof sides)[number], number[]>;
      const cms = Object.fromEntries(sides.map((k) => [k, [] as number[]])) as Record<(typeof sides)[number], number[]>;
      for (const k of sides) cpu[k].push(cms[k]);
      const clock = async (k: (typeof sides)[number], fn: () => Promise<unknown>) => {
        const c = process.cpuUsage();
        const t = performance.now();
        await fn();
        ms[k].push(performance.now() - t);
        const d = process.cpuUsage(c);
        cms[k].push((d.user + d.system) / 1000);
      };
      decoded.clear();
      for (const [i, r] of rows.entries()) {
        const x = inputs[i]!;
        await clock('bareFaces', async () => {
          await sDet.run({ [sDet.inputNames[0]!]: new ort.Tensor('float32', x.det.tensor, [1, 3, x.det.h, x.det.w]) });
          for (const t of x.faces) await sEmb.run({ [sEmb.inputNames[0]!]: new ort.Tensor('float32', t, [1, 3, 112, 112]) });
        });
        await clock('bareTags', () => sCls.run({ [sCls.inputNames[0]!]: new ort.Tensor('float32', x.cls, [1, 3, 224, 224]) }));
        await clock('hopFaces', async () => {
          await wDet.run({ [wDet.inputNames[0]!]: new ort.Tensor('float32', x.det.tensor, [1, 3, x.det.h, x.det.w]) });
          for (const t of x.faces) await wEmb.run({ [wEmb.inputNames[0]!]: new ort.Tensor('float32', t, [1, 3, 112, 112]) });
        });
        await clock('hopTags', () => wCls.run({ [wCls.inputNames[0]!]: new ort.Tensor('float32', x.cls, [1, 3, 224, 224]) }));
        await clock('decode', () => decoded.get(r.hash, r.path));
        for (const [name, pass] of [['faces', faces], ['tags', tags]] as const) {
          await clock(name, async () => {
            const file = getFile(db, r.id)!;
            const o = await pass.run({ file, inputKey: pass.inputKey(db, file)!, log: silentLogger(), signal: new AbortController().signal, db });
            tx(db, () => o.commit?.(db));
          });
        }
      }
      return ms;
    };
    await round(); // warm-up: sessions load, first-run allocations
    for (const k of sides) cpu[k].length = 0;
    // Major collections while the sides run, and their pauses: they land on whichever side runs
    // when they come, and a pass allocates more than a bare loop (decoded pixels, reduced copies).
    const gc = { n: 0, ms: 0 };
    const gcs = new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
        gc.n++;
        gc.ms += e.duration;
      }
    });
    gcs.observe({ entryTypes: ['gc'] });
    // Three rounds; each side's time for a photo is its best of the three (the run least disturbed
    // by the rest of a shared machine), summed over the photos.
    const rounds = [await round(), await round(), await round()];
    gcs.disconnect();
    const best = (k: (typeof sides)[number]) => rows.reduce((sum, _, i) => sum + Math.min(...rounds.map((r) => r[k][i]!)), 0);
    const m = Object.fromEntries(sides.map((k) => [k, best(k)])) as Record<(typeof sides)[number], number>;
    // CPU: per photo the least of the three rounds too.
    const c = Object.fromEntries(sides.map((k) => [k, rows.reduce((sum, _, i) => sum + Math.min(...cpu[k].map((r) => r[i]!)), 0)])) as Record<(typeof sides)[number], number>;
    await Promise.all([sDet, sEmb, sCls, wDet, wEmb, wCls].map((x) => x.release()));
    await sessions.close();
    db.close();
    const per = (v: number) => f(v / rows.length, 1);
    const rf = m.faces / m.bareFaces, rt = m.tags / m.bareTags, rAll = (m.faces + m.tags + m.decode) / (m.bareFaces + m.bareTags);
    out(`3. faces pass vs bare onnxruntime:       ${f(m.faces, 0)} ms vs ${f(m.bareFaces, 0)} ms over ${rows.length} previews, ${nFaces} faces  ratio ${f(rf, 2)} (goal <= 1.3: ${verdict(rf <= 1.3)})`);
    out(`   tags pass vs bare onnxruntime:        ${f(m.tags, 0)} ms vs ${f(m.bareTags, 0)} ms  ratio ${f(rt, 2)} (goal <= 1.3: ${verdict(rt <= 1.3)})`);
    out(`   the same bare loops on the ML worker thread: faces ${f(m.hopFaces, 0)} ms, tags ${f(m.hopTags, 0)} ms (the daemon runs every model there); the passes take ${f(m.faces / m.hopFaces, 2)} and ${f(m.tags / m.hopTags, 2)} of that`);
    out(`   the one shared preview decode:        ${f(m.decode, 0)} ms (${per(m.decode)} ms a photo; serves faces, tags, CLIP and OCR; in neither ratio above)`);
    out(`   faces + tags + that decode vs both bare loops: ratio ${f(rAll, 2)}`);
    out(`   CPU time, all threads (ms a photo): faces ${per(c.faces)} vs ${per(c.bareFaces)} bare, ratio ${f(c.faces / c.bareFaces, 2)}; tags ${per(c.tags)} vs ${per(c.bareTags)}, ratio ${f(c.tags / c.bareTags, 2)}; decode ${per(c.decode)}; all of it ${f((c.faces + c.tags + c.decode) / (c.bareFaces + c.bareTags), 2)}`);
    out(`   major GCs over the three rounds:      ${gc.n} (${f(gc.n / (3 * rows.length), 2)} a photo), pausing this thread ${f(gc.ms / (3 * rows.length), 1)} ms a photo`);
    out(`   steps, ms a photo: decode ${per(step.decode)}, detector input ${per(step.detInput)}, align ${per(step.align)}, crop JPEGs ${per(step.crops)}, classifier input ${per(step.clsInput)}; ONNX runs ${per(m.bareFaces + m.bareTags)}`);
  }

  // 6. No-op rescan at scale: NOOP_FILES small files already known to the database.
  if (part('rescan')) {
    const big = path.join(tmp, 'big');
    const small = path.join(FIXTURES, 'photos/gps/kenya_lizard.jpg');
    for (let i = 0; i < NOOP_FILES; i++) {
      const d = path.join(big, `d${Math.floor(i / 100)}`);
      if (i % 100 === 0) mkdirSync(d, { recursive: true });
      copyFileSync(small, path.join(d, `IMG_${i}.jpg`));
    }
    const p2 = resolvePlaces({ env: { RAWLIGHT_HOME: path.join(tmp, 'home2') } });
    const core2 = Core.open({ places: p2, config: loadConfig(p2, { env: {} }), log: silentLogger() });
    await core2.reconcile([big]); // registers every file (the pipeline is not started: nothing runs)
    const [rep, bigNoop] = await time(() => core2.reconcile([big]));
    await core2.close();

    // Hashing: our streaming SHA-256 against coreutils sha256sum on the same files.
    const [, ourHash] = await time(async () => {
      for (const x of files) await hashFile(x);
    });
    const [, coreutils] = await time(() => {
      for (let i = 0; i < files.length; i += 500) execFileSync('sha256sum', files.slice(i, i + 500), { stdio: ['ignore', 'ignore', 'inherit'] });
    });
    const noopRate = rep[0]!.seen / bigNoop;
    out(`6. no-op rescan:                         ${f(noopRate, 0)} files/s on ${rep[0]!.seen} files in ${Math.ceil(NOOP_FILES / 100)} folders (goal >= 30000: ${verdict(noopRate >= 30_000)})`);
    out(`   hashing: rawlight ${f(bytes / 2 ** 20 / ourHash)} MB/s, sha256sum ${f(bytes / 2 ** 20 / coreutils)} MB/s`);
  }

  say('');
  for (const [, line] of report.sort((a, b) => a[0] - b[0])) say(line);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
