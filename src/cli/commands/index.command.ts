import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.js';
import { isDaemonError } from '../../errors/index.js';
import { createLogger } from '../../log/index.js';
import { Core } from '../../main.js';
import type { ModelRole } from '../../ml/manifest.js';
import { createModelRegistry, type ModelRegistry } from '../../ml/registry.js';
import { Priority } from '../../queue/queue.js';
import { printJson, UsageError, type CliCommand, type CliIO } from '../command.js';
import { indexReport, type IndexReport } from '../index-report.js';
import { indexThroughDaemon } from '../index-via-daemon.js';
import { indexRoots } from '../index-roots.js';
import { showProgress } from '../progress.js';
import { findQueueHolder } from '../daemon-client.js';
import { acquireDaemonLock } from '../lock.js';

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
    // The daemon drives this home's queue: it does the work, this command follows it. (Another
    // `index` run holding the lock serves no API: taking the lock below says who holds it.)
    const holder = await findQueueHolder(env.places, { onWait: (pid) => env.io.stderr.write(`rawlight index: the daemon${pid ? ` (pid ${pid})` : ''} is starting; waiting for it to answer\n`) });
    if (holder.kind === 'daemon') {
      for (const why of notRunning(onlyPasses ?? [], config.passes, createModelRegistry(config, env.places))) env.io.stderr.write(`rawlight index: ${why}: it does not run\n`);
      const tty = env.io.stderr as NodeJS.WritableStream & { isTTY?: boolean };
      // On a terminal one progress line, rewritten; anything else said starts a line of its own.
      let midLine = false;
      const endLine = () => midLine && ((midLine = false), tty.write('\n'));
      let report: IndexReport;
      try {
        report = await indexThroughDaemon(env, {
          roots,
          onlyPasses,
          config,
          retryWaitMs: RETRY_WAIT_MS,
          warn: (line) => (endLine(), env.io.stderr.write(`rawlight index: ${line}\n`)),
          ...(tty.isTTY ? { onProgress: (left: number) => ((midLine = true), tty.write(`\rthe running daemon is indexing these folders: ${left} step(s) left   `)) } : {}),
        });
      } finally {
        endLine();
      }
      printReport(env.io, report, { json: values.json, folders: roots.length, viaDaemon: onlyPasses ? 'the daemon goes on with the other passes' : 'done by the running daemon' });
      return 0;
    }
    // The log file gets everything; the terminal gets the progress bar and the summary.
    const log = await createLogger({ logsDir: env.places.logsDir });
    const lock = acquireDaemonLock(env.places, 'index');
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
      const report = indexReport(core.db, { roots, reports, executed: { ...core.pipeline.stats.executed }, waitingRetries: settled.waitingRetries, ms: Date.now() - t0 });
      printReport(env.io, report, { json: values.json, folders: roots.length });
      return 0;
    } finally {
      await core.close();
      lock.release();
      log.flush?.();
    }
  },
};

/** The report, as JSON or as lines; `viaDaemon`: said after the summary when the daemon did the work. */
function printReport(io: CliIO, report: IndexReport, o: { json: boolean; folders: number; viaDaemon?: string }): void {
  if (o.json) return printJson(io, report);
  const ran = Object.entries(report.executed).map(([p, n]) => `${p} ${n}`).join(', ') || 'nothing (all up to date)';
  const retrying = report.waitingRetries ? `; ${report.waitingRetries} waiting to retry (the daemon retries them; rawlight status)` : '';
  io.stdout.write(`${report.files} photos in ${o.folders} folder(s); ran: ${ran}; ${report.failed.length} with errors${retrying}; ${report.cloudOnly} cloud-only (${(report.ms / 1000).toFixed(1)} s)${o.viaDaemon ? `; ${o.viaDaemon}` : ''}\n`);
  for (const f of report.failed.slice(0, 20)) io.stdout.write(`  ${f.pass} failed: ${f.path}: ${f.error}\n`);
  if (report.failed.length > 20) io.stdout.write(`  … and ${report.failed.length - 20} more (rawlight status)\n`);
  for (const u of report.unreadable.slice(0, 20)) io.stdout.write(`  not read: ${u.path}: ${u.why}\n`);
  if (report.unreadable.length > 20) io.stdout.write(`  … and ${report.unreadable.length - 20} more not read (see the log)\n`);
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
