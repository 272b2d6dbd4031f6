import path from 'node:path';
import type { Config } from '../config/index.js';
import { toDaemonError } from '../errors/index.js';
import type { XmpWriter } from '../exiftool/writer.js';
import { tx, type ReadableDb, type WritableDb } from '../store/db.js';
import type { FileRow } from '../store/repositories/file.repository.js';
import { isDesiredEmpty, readDesiredState } from './desired-state.js';
import { XMP_NAME, type FieldName } from './fields.js';
import { planIsNoop } from './plan.js';
import { planRepair } from './repair-plan.js';
import type { SpotlightAdapter } from './spotlight.js';
import { applyWriteback, prepareWriteback, recordWritebackFailure } from './writeback.js';
import { loadValueRecords } from './xmp.repository.js';
import { displayValue } from './xmp-state.js';

export interface WritebackFileReport {
  path: string;
  target: string | null;
  targetKind: string | null;
  targetExists: boolean;
  changes: { field: FieldName; xmp: string; op: 'add' | 'remove' | 'dedupe'; value: string }[];
  conflicts: { field: FieldName; xmp: string; wanted: string; fileValue: string }[];
  written: boolean;
  warnings: string[];
  error: { code: string; message: string } | null;
}

export interface WritebackReport {
  dryRun: boolean;
  /** True for `--repair`: only duplicates of rawlight's own values were looked for. */
  repair: boolean;
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
  /** The one ExifTool writer: the daemon's, or the CLI's own while it holds the daemon's lock. */
  writer: XmpWriter;
  spotlight?: SpotlightAdapter | null;
  dryRun: boolean;
  /** Remove exact duplicates of rawlight's own values instead of writing new ones. */
  repair?: boolean;
  /** Write back rawlight's values into sidecars another app (Lightroom) overwrote without them. */
  restore?: boolean;
  paths: readonly string[];
  backupDir: string;
}

/**
 * The work behind `rawlight writeback` and the API's review mode: plans (and unless dry-run,
 * applies) for each file. The caller provides the writer, so there is only ever one.
 */
export async function runWriteback(opts: RunWritebackOptions): Promise<WritebackReport> {
  const { db, config, writer } = opts;
  const repair = opts.repair ?? false;
  const { files, unmatched } = selectFiles(db, opts.paths);
  const report: WritebackReport = { dryRun: opts.dryRun, repair, files: [], unmatched, summary: { considered: 0, withChanges: 0, written: 0, conflicts: 0, failed: 0 } };
  for (const file of files) {
    if (repair ? !hasOwnValues(db, file.id) : isDesiredEmpty(readDesiredState(db, file.id, config.xmp)) && !hasOwnValues(db, file.id)) continue;
    report.summary.considered++;
    const fr: WritebackFileReport = { path: file.path, target: null, targetKind: null, targetExists: false, changes: [], conflicts: [], written: false, warnings: [], error: null };
    try {
      let prepared = await prepareWriteback({ db, writer, config }, file, { restoreOverwritten: opts.restore ?? false });
      if (repair) prepared = { ...prepared, plan: planRepair(prepared.current, loadValueRecords(db, file.id)) };
      fr.target = prepared.target.path;
      fr.targetKind = prepared.target.kind;
      fr.targetExists = prepared.target.exists;
      fr.changes = prepared.plan.changes.map((c) => ({ field: c.field, xmp: XMP_NAME[c.field], op: repair ? 'dedupe' : c.op, value: displayValue(c.field, c.value) }));
      fr.conflicts = prepared.plan.conflicts.map((c) => ({ field: c.field, xmp: XMP_NAME[c.field], wanted: displayValue(c.field, c.wanted), fileValue: c.fileValue }));
      if (!opts.dryRun && !(repair && planIsNoop(prepared.plan))) {
        const res = await applyWriteback({ db, writer, config, spotlight: opts.spotlight ?? null, backupDir: opts.backupDir }, prepared);
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
  await opts.spotlight?.flush();
  return report;
}
