import { rangeParams, underDir } from '../../store/path-range.js';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.js';
import { isDaemonError } from '../../errors/index.js';
import { createLogger } from '../../log/index.js';
import { Core } from '../../main.js';
import type { ModelRole } from '../../ml/manifest.js';
import type { ModelRegistry } from '../../ml/registry.js';
import { Priority } from '../../queue/queue.js';
import { printJson, UsageError, type CliCommand } from '../command.js';
import { indexRoots } from '../index-roots.js';
import { showProgress } from '../progress.js';
import { acquireDaemonLock } from '../lock.js';

export interface IndexReport {
  files: number;
  executed: Record<string, number>;
  failed: { path: string; pass: string; error: string; code: string | null }[];
  cloudOnly: number;
  /** Jobs that failed transiently and retry later than `index` waits (the daemon retries them). */
  waitingRetries: number;
  gone: number;
  roots: { root: string; state: string; seen: number; added: number; changed: number; moved: number; gone: number }[];
  /** Folders and files the walk could not read (permission denied, a name that is not UTF-8), and why. */
  unreadable: { path: string; why: string }[];
  ms: number;
}

export const indexCommand: CliCommand = {
  name: 'index',
  summary: 'Index folders until the queue is idle, then exit (adds nothing to the config)',
  usage: 'rawlight index DIR... [--passes LIST] [--json]',
  async run(args, env) {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false }, passes: { type: 'string' } }, allowPositionals: true });
    // --passes metadata,faces: those passes plus what they need first (run only where not done yet).
    const onlyPasses = values.passes === undefined ? undefined : values.passes.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    if (onlyPasses && onlyPasses.length === 0) throw new UsageError('--passes needs a comma-separated list of pass names');
    if (positionals.length === 0) throw new UsageError('give at least one folder');
    const roots = indexRoots(positionals);
    const config = loadConfig(env.places, { env: env.env });
    // The log file gets everything; the terminal gets the progress bar and the summary.
    const log = await createLogger({ logsDir: env.places.logsDir });
    const lock = acquireDaemonLock(env.places);
    const t0 = Date.now();
    let core: Core;
    try {
      core = await Core.open({ places: env.places, config, log, ...(onlyPasses ? { onlyPasses } : {}) });
    } catch (e) {
      lock.release();
      // A mistyped pass name is a mistake in the command, said as one (with the usage line).
      if (isDaemonError(e) && e.code === 'PASS_UNKNOWN') throw new UsageError(`--passes: ${e.message.charAt(0).toLowerCase()}${e.message.slice(1)}`);
      throw e;
    }
    for (const why of notRunning(onlyPasses ?? [], config.passes, core.models)) env.io.stderr.write(`rawlight index: ${why}: it does not run\n`);
    try {
      const reports = await core.reconcile(roots, Priority.user);
      // Unchanged files are not looked at again by the reconcile walk: queue what an earlier
      // `--passes` run (or a pass version bump) left undone, as the daemon does at start.
      core.pipeline.sweep();
      core.pipeline.start();
      const stop = showProgress(env.io.stderr, core.db, core.bus, { last: core.pipeline.passes.filter((p) => p.runsLast).map((p) => p.name) });
      // A retry due within a minute is waited for (the first two backoffs at the default 30 s
      // base): a transient failure that succeeds on retry is not reported as a failure.
      // The new faces that fit no known person are grouped before exiting (`rawlight people` lists
      // them), and the writebacks that grouping queued run too (Core.settleImport).
      const settled = await core.settleImport(RETRY_WAIT_MS);
      stop();
      const report = summarize(core, roots, reports, settled.waitingRetries, Date.now() - t0);
      if (values.json) printJson(env.io, report);
      else {
        const ran = Object.entries(report.executed).map(([p, n]) => `${p} ${n}`).join(', ') || 'nothing (all up to date)';
        const retrying = report.waitingRetries ? `; ${report.waitingRetries} waiting to retry (the daemon retries them; rawlight status)` : '';
        env.io.stdout.write(`${report.files} photos in ${roots.length} folder(s); ran: ${ran}; ${report.failed.length} with errors${retrying}; ${report.cloudOnly} cloud-only (${(report.ms / 1000).toFixed(1)} s)\n`);
        for (const f of report.failed.slice(0, 20)) env.io.stdout.write(`  ${f.pass} failed: ${f.path}: ${f.error}\n`);
        if (report.failed.length > 20) env.io.stdout.write(`  … and ${report.failed.length - 20} more (rawlight status)\n`);
        for (const u of report.unreadable.slice(0, 20)) env.io.stdout.write(`  not read: ${u.path}: ${u.why}\n`);
        if (report.unreadable.length > 20) env.io.stdout.write(`  … and ${report.unreadable.length - 20} more not read (see the log)\n`);
      }
      return 0;
    } finally {
      await core.close();
      lock.release();
      log.flush?.();
    }
  },
};

function under(roots: string[]): { sql: string; params: string[] } {
  // Exact, case-sensitive ranges on the path index (see store/path-range.ts), never LIKE.
  const parts = roots.map(() => `(f.path = ? OR (f.path >= ? AND f.path < ?))`);
  const params = roots.flatMap((r) => [r, ...rangeParams(underDir(r))]);
  return { sql: `(${parts.join(' OR ')})`, params };
}

/**
 * Passes asked for by name that will not run, and why: switched off in config.json, or without the
 * model they need (they would wait for one in silence).
 */
function notRunning(asked: readonly string[], switches: Readonly<Record<string, boolean>>, models: Pick<ModelRegistry, 'resolve'>): string[] {
  return asked.flatMap((name) => {
    if (switches[name] === false) return [`${name} is turned off in config.json ("passes": { "${name}": false })`];
    const missing = (MODEL_ROLES[name] ?? []).filter((role) => !models.resolve(role)).map((role) => ROLE_NAMES[role]);
    const needed = name === 'tags' ? (missing.length === 2 ? [missing.join(' or ')] : []) : missing;
    return needed.length ? [`${name} needs ${needed.join(' and ')}, not installed (\`rawlight models\`)`] : [];
  });
}

/** The models each model-fed pass needs (tags: either of its two), and how a user knows them. */
const MODEL_ROLES: Readonly<Record<string, readonly ModelRole[]>> = { faces: ['faceDetector', 'faceEmbedder'], embed: ['clip'], tags: ['clip', 'classifier'], ocr: ['ocr'] };
const ROLE_NAMES: Readonly<Record<ModelRole, string>> = { faceDetector: 'a face detector', faceEmbedder: 'a face recognition model', clip: 'a CLIP model', classifier: 'the image classifier', ocr: 'an OCR model' };

/** How far ahead a due retry is still waited for before `index` exits. */
const RETRY_WAIT_MS = 60_000;

function summarize(core: Core, roots: string[], reports: Awaited<ReturnType<Core['reconcile']>>, waitingRetries: number, ms: number): IndexReport {
  const w = under(roots);
  const failed = core.db
    .prepare(
      `SELECT f.path, r.pass, r.error, r.error_code AS code FROM pass_results r JOIN files f ON f.id = r.file_id
       WHERE r.status = 'failed' AND f.state = 'present' AND ${w.sql} ORDER BY f.path, r.pass`,
    )
    .all(...w.params) as IndexReport['failed'];
  const dead = core.db
    .prepare(
      `SELECT f.path, j.pass, j.last_error AS error, j.last_error_code AS code FROM jobs j JOIN files f ON f.id = j.file_id
       WHERE (j.state = 'dead' OR j.last_error IS NOT NULL) AND ${w.sql} AND NOT EXISTS (SELECT 1 FROM pass_results r WHERE r.file_id = j.file_id AND r.pass = j.pass AND r.status = 'failed')`,
    )
    .all(...w.params) as IndexReport['failed'];
  const count = (state: string) => (core.db.prepare(`SELECT count(*) AS n FROM files f WHERE f.state = ? AND ${w.sql}`).get(state, ...w.params) as { n: number }).n;
  const files = count('present') + count('cloud');
  return {
    files,
    executed: { ...core.pipeline.stats.executed },
    failed: [...failed, ...dead].map((f) => ({ path: f.path, pass: f.pass, error: f.error ?? '', code: f.code })),
    cloudOnly: count('cloud'),
    waitingRetries,
    gone: reports.reduce((n, r) => n + r.gone, 0),
    roots: reports.map((r) => ({ root: r.root, state: r.state, seen: r.seen, added: r.added, changed: r.changed, moved: r.moved, gone: r.gone })),
    unreadable: reports.flatMap((r) => r.unreadable),
    ms,
  };
}
