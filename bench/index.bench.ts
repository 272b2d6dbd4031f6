// Spine benchmark: `rawlight index` (scan + metadata + preview) against a bare ExifTool batch on
// the same tree, SHA-256 hashing against sha256sum, and the no-op rescan rate. Figures and ratios
// are measured in this run, on this machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { loadConfig } from '../src/config/index.js';
import { silentLogger } from '../src/log/index.js';
import { Core } from '../src/main.js';
import { hashFile } from '../src/passes/scan.pass.js';
import { resolvePlaces } from '../src/platform/places.js';

const FIXTURES = process.env.RAWLIGHT_TEST_FIXTURES ?? path.resolve(import.meta.dirname, '..', '..', 'shared', 'fixtures');
const COPIES = Number(process.env.BENCH_COPIES ?? 12);
const NOOP_FILES = Number(process.env.BENCH_NOOP_FILES ?? 30_000);

function replicate(dest: string, copies: number): string[] {
  const src: string[] = [];
  for (const sub of ['photos/gps', 'photos/scenes', 'photos/people', 'photos/camera', 'raw']) {
    for (const f of readdirSync(path.join(FIXTURES, sub))) if (!f.endsWith('.xmp') && !f.endsWith('.json')) src.push(path.join(sub, f));
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

const time = async <T>(fn: () => Promise<T> | T): Promise<[T, number]> => {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [r, Number(process.hrtime.bigint() - t) / 1e9];
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rawlight-bench-'));
try {
  const lib = path.join(tmp, 'lib');
  const files = replicate(lib, COPIES);
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  console.log(`tree: ${files.length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB, ${os.cpus().length} cores`);

  // Baseline 1: the vendored ExifTool alone, one batch over the tree.
  const require = createRequire(import.meta.url);
  const exiftoolPl = path.join(path.dirname(require.resolve('exiftool-vendored.pl/package.json')), 'bin', 'exiftool');
  const [, etSecs] = await time(() => spawnSync('perl', [exiftoolPl, '-fast', '-j', '-r', '-q', '-q', lib], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 30 }));

  // rawlight index, scan + metadata only (what the bare ExifTool batch does), on a fresh home.
  const sm = resolvePlaces({ env: { RAWLIGHT_HOME: path.join(tmp, 'home-sm') } });
  const smCore = Core.open({ places: sm, config: loadConfig(sm, { env: {} }), log: silentLogger(), onlyPasses: ['scan', 'metadata'] });
  const [, smSecs] = await time(async () => {
    await smCore.reconcile([lib]);
    smCore.pipeline.start();
    await smCore.pipeline.whenIdle();
  });
  await smCore.close();

  // rawlight index: scan + metadata + preview, spine passes only.
  const home = path.join(tmp, 'home');
  const places = resolvePlaces({ env: { RAWLIGHT_HOME: home } });
  const config = loadConfig(places, { env: {}, overrides: { passes: { faces: false, embed: false, tags: false, places: false, writeback: false } } });
  const core = Core.open({ places, config, log: silentLogger() });
  const [, idxSecs] = await time(async () => {
    await core.reconcile([lib]);
    core.pipeline.start();
    await core.pipeline.whenIdle();
  });
  const runs = core.db.prepare(`SELECT pass, count(*) AS n, sum(duration_ms) AS ms FROM pass_runs GROUP BY pass`).all() as { pass: string; n: number; ms: number }[];
  const [, noopSecs] = await time(() => core.reconcile([lib]));
  await core.close();

  // Hashing: our streaming SHA-256 against coreutils sha256sum on the same files.
  const [, ourHash] = await time(async () => {
    for (const f of files) await hashFile(f);
  });
  const [, coreutils] = await time(() => {
    for (let i = 0; i < files.length; i += 500) execFileSync('sha256sum', files.slice(i, i + 500), { stdio: ['ignore', 'ignore', 'inherit'] });
  });

  // No-op rescan at scale: a tree of NOOP_FILES small files already known to the database.
  const big = path.join(tmp, 'big');
  const small = path.join(FIXTURES, 'photos/gps/kenya_lizard.jpg');
  for (let i = 0; i < NOOP_FILES; i++) {
    const d = path.join(big, `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(d, { recursive: true });
    copyFileSync(small, path.join(d, `IMG_${i}.jpg`));
  }
  const home2 = path.join(tmp, 'home2');
  const places2 = resolvePlaces({ env: { RAWLIGHT_HOME: home2 } });
  const core2 = Core.open({ places: places2, config: loadConfig(places2, { env: {} }), log: silentLogger() });
  await core2.reconcile([big]); // registers every file (the pipeline is not started: nothing runs)
  const [rep, bigNoop] = await time(() => core2.reconcile([big]));
  await core2.close();

  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(`bare exiftool -fast -j -r:         ${f(files.length / etSecs)} files/s (${f(etSecs, 2)} s)`);
  console.log(`rawlight index (scan+metadata):     ${f(files.length / smSecs)} files/s (${f(smSecs, 2)} s)  ratio ${f(etSecs / smSecs, 2)} (goal >= 1)`);
  console.log(`rawlight index (scan+metadata+preview): ${f(files.length / idxSecs)} files/s (${f(idxSecs, 2)} s)`);
  for (const r of runs) console.log(`  ${r.pass.padEnd(9)} ${r.n} runs, ${f(r.ms / r.n, 1)} ms each (summed over workers)`);
  console.log(`hash: rawlight ${f(bytes / 2 ** 20 / ourHash)} MB/s, sha256sum ${f(bytes / 2 ** 20 / coreutils)} MB/s  ratio ${f(coreutils / ourHash, 2)}x`);
  console.log(`no-op rescan: ${f(files.length / noopSecs, 0)} files/s on ${files.length} files; ${f(rep[0]!.seen / bigNoop, 0)} files/s on ${rep[0]!.seen} files in ${Math.ceil(NOOP_FILES / 100)} folders (goal > 30000)`);
  console.log(`peak RSS: ${f(process.resourceUsage().maxRSS / 1024, 0)} MiB`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
