import path from 'node:path';
import { parseArgs } from 'node:util';
import { DB_FILE } from '../../store/db.js';
import { readStatus, type StatusJson } from '../../store/repositories/status.repository.js';
import { printJson, type CliCommand } from '../command.js';
import { daemonRunning } from '../lock.js';
import { hasIndex, openIndex } from '../open-index.js';
import { upkeepStatus, type UpkeepJobStatus } from '../../jobs/index.js';
import { writebackCounts, type RecoveryCounts } from '../../xmp/index.js';

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'Progress per pass, the queue, recent errors',
  usage: 'rawlight status [--json]',
  async run(args, env) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
    if (!hasIndex(env.places)) {
      const file = path.join(env.places.dataDir, DB_FILE);
      const empty = { files: 0, passes: {}, queue: { pending: 0, leased: 0, dead: 0 }, note: 'nothing indexed yet' };
      if (values.json) printJson(env.io, empty);
      else env.io.stdout.write(`Nothing indexed yet (no database at ${file}).\n`);
      return 0;
    }
    const db = openIndex(env.places);
    try {
      // Whether anything works on the queue: the daemon or an `index` run holds this home's lock.
      const worker = { running: daemonRunning(env.places) };
      const s = { ...readStatus(db), upkeep: upkeepStatus(db), writeback: writebackCounts(db), worker };
      if (values.json) printJson(env.io, s);
      else env.io.stdout.write(formatStatus(s) + formatUpkeep(s.upkeep) + formatRecoveries(s.writeback.recoveries) + formatOverwritten(s.writeback.overwritten));
      return 0;
    } finally {
      db.close();
    }
  },
};

/** Pending work with nothing to do it reads as progress that stalled: said, with how to start it. */
function workerLine(running: boolean, pending: number): string {
  if (running) return 'worked on by: the daemon or a `rawlight index` run';
  if (pending === 0) return 'worked on by: nothing running now (the daemon picks up new photos when it runs)';
  return `worked on by: nothing running now: the ${pending} pending job(s) wait for the daemon (\`rawlight agent install\` starts it at login, \`rawlight run\` now) or \`rawlight index DIR\``;
}

function formatStatus(s: StatusJson & { worker?: { running: boolean } }): string {
  const lines = [`${s.files} photos (${Object.entries(s.filesByState).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'})`, ''];
  const w = Math.max(8, ...Object.keys(s.passes).map((p) => p.length));
  lines.push(`${'pass'.padEnd(w)}  ${'done'.padStart(7)} ${'failed'.padStart(7)} ${'pending'.padStart(7)} ${'dead'.padStart(5)}`);
  for (const [name, p] of Object.entries(s.passes)) {
    lines.push(`${name.padEnd(w)}  ${String(p.done).padStart(7)} ${String(p.failed).padStart(7)} ${String(p.pending).padStart(7)} ${String(p.dead).padStart(5)}`);
  }
  lines.push(...nothingToDo(s));
  const away = s.queue.away ?? 0;
  const waits = [`${s.queue.waiting - away} waiting to retry`, ...(away ? [`${away} waiting for their photos to be back (a drive not connected, or in iCloud)`] : [])].join(', ');
  lines.push('', `queue: ${s.queue.pending} pending (${waits}), ${s.queue.leased} running, ${s.queue.dead} dead`);
  if (s.worker) lines.push(workerLine(s.worker.running, s.queue.pending));
  const later = Object.entries(s.eta.untimed).map(([pass, n]) => `${n} ${pass}`).join(', ');
  if (s.eta.seconds) lines.push(`ETA: ${Math.round(s.eta.seconds / 60)} min at ${s.throughput.runsPerMinute}/min${later ? `, then ${later} (not timed yet)` : ''}`);
  if (s.recentErrors.length) {
    lines.push('', 'recent errors:');
    for (const e of s.recentErrors.slice(0, 10)) lines.push(`  ${e.pass} ${e.code ?? ''} ${e.path ?? ''}: ${e.error ?? ''}`);
  }
  return lines.join('\n') + '\n';
}

/** Passes that run only where there is something for them, and what the others lack. */
const NOTHING_FOR_IT: Record<string, string> = {
  places: 'no GPS position',
  writeback: 'nothing to write yet (no tags, named people or place)',
};

/**
 * Why a pass has fewer results than there are photos: "places: 155 photos have no GPS position",
 * or for a pass every photo goes through, that an earlier pass failed for the rest (a broken file's
 * metadata, so no preview, so no faces). Said only once the queue is empty: before that, the rest
 * may simply not be reached yet.
 */
function nothingToDo(s: StatusJson): string[] {
  if (s.queue.pending || s.queue.leased) return [];
  const present = s.filesByState.present ?? 0;
  const lines = Object.entries(s.passes)
    .map(([name, p]) => [name, present - p.done - p.failed - p.pending - p.dead] as const)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => {
      const lacks = NOTHING_FOR_IT[name];
      if (lacks) return `  ${name}: ${n} ${n === 1 ? 'photo has' : 'photos have'} ${lacks}`;
      return `  ${name}: ${n} ${n === 1 ? 'photo' : 'photos'}, where an earlier pass failed`;
    });
  return lines.length ? ['', 'not run for every photo:', ...lines] : [];
}

function formatOverwritten(n: number): string {
  if (!n) return '';
  return `\n${n} sidecar(s) were rewritten by another app (Lightroom writing its catalog to XMP) without rawlight's values; rawlight does not fight it.\n  fix: rawlight writeback --restore, then in Lightroom select those photos and choose Metadata › Read Metadata from Files\n`;
}

function formatRecoveries(r: RecoveryCounts): string {
  if (!r.restored && !r.restoreFailed && !r.tempRemoved) return '';
  const when = r.lastAt ? new Date(r.lastAt).toLocaleString() : '-';
  return `\ninterrupted XMP writes recovered at start: ${r.restored} restored from backup, ${r.tempRemoved} temp file(s) removed, ${r.restoreFailed} NOT recovered (see the log) — last ${when}\n`;
}

function formatUpkeep(jobs: UpkeepJobStatus[]): string {
  if (!jobs.length) return '';
  const when = (t: number | null | undefined) => (t ? new Date(t).toLocaleString() : '-');
  return '\nscheduled upkeep:\n' + jobs.map((j) => `  ${String(j.name).padEnd(10)} last ${when(j.lastStartedAt)} (${j.lastStatus ?? 'never run'}${j.lastError ? `: ${j.lastError}` : ''}), next ${when(j.nextRunAt)}`).join('\n') + '\n';
}
