import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.js';
import { DaemonError } from '../../errors/index.js';
import { createExifToolWriter } from '../../exiftool/writer.js';
import { DB_FILE, openDb } from '../../store/db.js';
import { createSpotlight } from '../../xmp/spotlight.js';
import { runWriteback, type WritebackReport } from '../../xmp/run-writeback.js';
import { printJson, UsageError, type CliCommand, type CliEnv, type CliIO } from '../command.js';
import { createDaemonClient, DaemonRefusal, findQueueHolder, type DaemonClient } from '../daemon-client.js';
import { acquireDaemonLock } from '../lock.js';
import { notIndexedReasons } from '../not-indexed.js';
import { openIndex } from '../open-index.js';
import { canonicalPath } from '../../platform/canonical-path.js';

interface RunArgs {
  paths: string[];
  dryRun: boolean;
  repair: boolean;
  restore: boolean;
}

/** The running daemon does the write with its own writer (one writer per home). */
async function askDaemon(client: DaemonClient, a: RunArgs): Promise<WritebackReport> {
  try {
    return await client.post<WritebackReport>('/api/writeback/run', a);
  } catch (e) {
    if (e instanceof DaemonRefusal) throw new DaemonError('API_FEATURE_UNAVAILABLE', `the daemon refused the writeback (${e.status}${e.code ? ` ${e.code}` : ''}): ${e.detail}`);
    throw e;
  }
}

/** No daemon: take its lock (so none starts meanwhile) and write with our own, only, writer. */
async function runLocally(env: CliEnv, a: RunArgs): Promise<WritebackReport> {
  const lock = acquireDaemonLock(env.places, 'writeback');
  try {
    const config = loadConfig(env.places, { env: env.env });
    const { db } = openDb(path.join(env.places.dataDir, DB_FILE));
    const writer = createExifToolWriter({ timeoutMs: config.xmp.writeTimeoutMs });
    const spotlight = createSpotlight({ enabled: config.xmp.spotlight, finderTags: config.xmp.finderTags, env: env.env });
    try {
      return await runWriteback({ db, config, writer, spotlight, ...a, backupDir: path.join(env.places.cacheDir, 'writeback') });
    } finally {
      await writer.end();
      db.close();
    }
  } finally {
    lock.release();
  }
}

/** Why a path given to writeback matched no photo: a folder with none of the index under it, or why the file is not in it. */
function unmatchedReasons(env: CliEnv): (p: string) => string {
  // The roots the index holds are read once, here; the reasons need no database after.
  const db = openIndex(env.places);
  let why: (p: string) => string;
  try {
    why = notIndexedReasons(env, db);
  } finally {
    db.close();
  }
  return (p) => {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      /* not there: whyNotIndexed says so */
    }
    return dir ? 'no photo in the index lies under this folder' : why(p);
  };
}

function formatReport(io: CliIO, r: WritebackReport, why: (p: string) => string): void {
  const out: string[] = [];
  for (const f of r.files) {
    const where = f.target ? `${f.target}${f.targetKind === 'embedded' ? ' (embedded)' : f.targetExists ? '' : ' (new sidecar)'}` : '?';
    out.push(`${f.path} -> ${where}`);
    for (const c of f.changes) out.push(c.op === 'dedupe' ? `  = ${c.xmp} ${JSON.stringify(c.value)} (duplicates removed, one kept)` : `  ${c.op === 'add' ? '+' : '-'} ${c.xmp} ${JSON.stringify(c.value)}`);
    for (const c of f.conflicts) out.push(`  ! ${c.xmp}: the file holds ${JSON.stringify(c.fileValue)}; not overwritten with ${JSON.stringify(c.wanted)}`);
    for (const w of f.warnings) out.push(`  warning: ${w}`);
    if (f.error) out.push(`  error ${f.error.code}: ${f.error.message}`);
  }
  for (const u of r.unmatched) out.push(`${u}: not in the index: ${why(u)}`);
  const s = r.summary;
  out.push(
    `${s.withChanges} of ${s.considered} file(s) ${r.repair ? 'with duplicates of rawlight\'s values' : 'with changes'}, ${s.conflicts} conflict(s), ${s.failed} failed` +
      (r.dryRun ? ' (dry run: nothing written)' : `, ${s.written} written`),
  );
  io.stdout.write(out.join('\n') + '\n');
}

export const writebackCommand: CliCommand = {
  name: 'writeback',
  summary: 'Write keywords, people and places to XMP now (or --dry-run to list the changes)',
  usage: 'rawlight writeback [--repair | --restore] [--dry-run] [--json] [PATH...]',
  async run(args, env) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: { 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, repair: { type: 'boolean', default: false }, restore: { type: 'boolean', default: false } },
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const a: RunArgs = { paths: parsed.positionals.map(canonicalPath), dryRun: parsed.values['dry-run'], repair: parsed.values.repair, restore: parsed.values.restore };
    // The daemon writes while it runs (one writer per home); otherwise this command does, holding the lock.
    const holder = await findQueueHolder(env.places, { onWait: (pid) => env.io.stderr.write(`rawlight writeback: the daemon${pid ? ` (pid ${pid})` : ''} is starting; waiting for it to answer\n`) });
    const report = holder.kind === 'daemon' ? await askDaemon(createDaemonClient(env.places, loadConfig(env.places, { env: env.env })), a) : await runLocally(env, a);
    if (parsed.values.json) printJson(env.io, report);
    else formatReport(env.io, report, report.unmatched.length ? unmatchedReasons(env) : () => '');
    return report.summary.failed > 0 || report.unmatched.length > 0 ? 1 : 0;
  },
};
