import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../../config/index.js';
import { toDaemonError } from '../../errors/index.js';
import { createExifToolWriter } from '../../exiftool/writer.js';
import { DB_FILE, openDb, tx, type ReadableDb, type WritableDb } from '../../store/db.js';
import type { FileRow } from '../../store/repositories/file.repository.js';
import { isDesiredEmpty, readDesiredState } from '../../xmp/desired-state.js';
import { XMP_NAME, type FieldName } from '../../xmp/fields.js';
import { createSpotlight } from '../../xmp/spotlight.js';
import { applyWriteback, prepareWriteback, recordWritebackFailure } from '../../xmp/writeback.js';
import { displayValue } from '../../xmp/xmp-state.js';
import { printJson, UsageError, type CliCommand, type CliIO } from '../command.js';

export interface WritebackFileReport {
  path: string;
  target: string | null;
  targetKind: string | null;
  targetExists: boolean;
  changes: { field: FieldName; xmp: string; op: 'add' | 'remove'; value: string }[];
  conflicts: { field: FieldName; xmp: string; wanted: string; fileValue: string }[];
  written: boolean;
  warnings: string[];
  error: { code: string; message: string } | null;
}

export interface WritebackReport {
  dryRun: boolean;
  files: WritebackFileReport[];
  unmatched: string[];
  summary: { considered: number; withChanges: number; written: number; conflicts: number; failed: number };
}

/** Present files under the given paths (a file or a folder), or every present file. */
export function selectFiles(db: ReadableDb, paths: readonly string[]): { files: FileRow[]; unmatched: string[] } {
  if (paths.length === 0) {
    return { files: db.prepare(`SELECT * FROM files WHERE state = 'present' ORDER BY path`).all() as FileRow[], unmatched: [] };
  }
  const seen = new Map<number, FileRow>();
  const unmatched: string[] = [];
  const q = db.prepare(`SELECT * FROM files WHERE state = 'present' AND (path = ? OR (path > ? AND path < ?)) ORDER BY path`);
  for (const raw of paths) {
    const p = path.resolve(raw).replace(/\/+$/, '') || '/';
    const dir = p.endsWith('/') ? p : `${p}/`;
    const rows = q.all(p, dir, `${dir}\uffff`) as FileRow[];
    if (rows.length === 0) unmatched.push(raw);
    for (const r of rows) seen.set(r.id, r);
  }
  return { files: [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : 1)), unmatched };
}

function hasOwnValues(db: ReadableDb, fileId: number): boolean {
  return db.prepare(`SELECT 1 FROM xmp_values WHERE file_id = ? AND status = 'written' LIMIT 1`).get(fileId) !== undefined;
}

export interface RunWritebackOptions {
  db: WritableDb;
  config: Config;
  dryRun: boolean;
  paths: readonly string[];
  backupDir: string;
  env?: NodeJS.ProcessEnv;
}

/** The work behind `rawlight writeback`: plans (and unless dry-run, applies) for each file. */
export async function runWriteback(opts: RunWritebackOptions): Promise<WritebackReport> {
  const { db, config } = opts;
  const { files, unmatched } = selectFiles(db, opts.paths);
  const writer = createExifToolWriter({ timeoutMs: config.xmp.writeTimeoutMs });
  const spotlight = createSpotlight({ enabled: config.xmp.spotlight, finderTags: config.xmp.finderTags, ...(opts.env ? { env: opts.env } : {}) });
  const report: WritebackReport = { dryRun: opts.dryRun, files: [], unmatched, summary: { considered: 0, withChanges: 0, written: 0, conflicts: 0, failed: 0 } };
  try {
    for (const file of files) {
      if (isDesiredEmpty(readDesiredState(db, file.id, config.xmp)) && !hasOwnValues(db, file.id)) continue;
      report.summary.considered++;
      const fr: WritebackFileReport = { path: file.path, target: null, targetKind: null, targetExists: false, changes: [], conflicts: [], written: false, warnings: [], error: null };
      try {
        const prepared = await prepareWriteback({ db, writer, config }, file);
        fr.target = prepared.target.path;
        fr.targetKind = prepared.target.kind;
        fr.targetExists = prepared.target.exists;
        fr.changes = prepared.plan.changes.map((c) => ({ field: c.field, xmp: XMP_NAME[c.field], op: c.op, value: displayValue(c.field, c.value) }));
        fr.conflicts = prepared.plan.conflicts.map((c) => ({ field: c.field, xmp: XMP_NAME[c.field], wanted: displayValue(c.field, c.wanted), fileValue: c.fileValue }));
        if (!opts.dryRun) {
          const res = await applyWriteback({ db, writer, config, spotlight, backupDir: opts.backupDir }, prepared);
          tx(db, () => res.commit(db));
          fr.written = res.written;
          fr.warnings = res.warnings;
        }
      } catch (e) {
        const err = toDaemonError(e);
        fr.error = { code: err.code, message: err.message };
        if (!opts.dryRun && err.code === 'SIDECAR_MALFORMED') recordWritebackFailure(db, file, config, err);
      }
      if (fr.changes.length) report.summary.withChanges++;
      if (fr.written) report.summary.written++;
      if (fr.error) report.summary.failed++;
      report.summary.conflicts += fr.conflicts.length;
      if (fr.changes.length || fr.conflicts.length || fr.error || fr.warnings.length) report.files.push(fr);
    }
    await spotlight.flush();
  } finally {
    await writer.end();
  }
  return report;
}

function formatReport(io: CliIO, r: WritebackReport): void {
  const out: string[] = [];
  for (const f of r.files) {
    const where = f.target ? `${f.target}${f.targetKind === 'embedded' ? ' (embedded)' : f.targetExists ? '' : ' (new sidecar)'}` : '?';
    out.push(`${f.path} -> ${where}`);
    for (const c of f.changes) out.push(`  ${c.op === 'add' ? '+' : '-'} ${c.xmp} ${JSON.stringify(c.value)}`);
    for (const c of f.conflicts) out.push(`  ! ${c.xmp}: the file holds ${JSON.stringify(c.fileValue)}; not overwritten with ${JSON.stringify(c.wanted)}`);
    for (const w of f.warnings) out.push(`  warning: ${w}`);
    if (f.error) out.push(`  error ${f.error.code}: ${f.error.message}`);
  }
  for (const u of r.unmatched) out.push(`${u}: not a photo in the library`);
  const s = r.summary;
  out.push(
    `${s.withChanges} of ${s.considered} file(s) with changes, ${s.conflicts} conflict(s), ${s.failed} failed` +
      (r.dryRun ? ' (dry run: nothing written)' : `, ${s.written} written`),
  );
  io.stdout.write(out.join('\n') + '\n');
}

export const writebackCommand: CliCommand = {
  name: 'writeback',
  summary: 'Write keywords, people and places to XMP now (or --dry-run to list the changes)',
  usage: 'rawlight writeback [--dry-run] [--json] [PATH...]',
  async run(args, env) {
    let parsed;
    try {
      parsed = parseArgs({ args, allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const config = loadConfig(env.places, { env: env.env });
    const { db } = openDb(path.join(env.places.dataDir, DB_FILE));
    try {
      const report = await runWriteback({
        db,
        config,
        dryRun: parsed.values['dry-run'],
        paths: parsed.positionals,
        backupDir: path.join(env.places.cacheDir, 'writeback'),
        env: env.env,
      });
      if (parsed.values.json) printJson(env.io, report);
      else formatReport(env.io, report);
      return report.summary.failed > 0 || report.unmatched.length > 0 ? 1 : 0;
    } finally {
      db.close();
    }
  },
};
