import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DaemonError } from '../../errors/index.js';
import { DB_FILE, openReadonlyDb, type ReadableDb } from '../../store/db.js';
import { getFileByPath } from '../../store/repositories/file.repository.js';
import { resultsForFile, runsForFile } from '../../store/repositories/pass-result.repository.js';
import { printJson, UsageError, type CliCommand } from '../command.js';
import { detailSections } from '../file-detail.js';

const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

/** Everything known about one file: the `show --json` contract (extend, never rename). */
export function fileDetail(db: ReadableDb, file: string): Record<string, unknown> {
  const f = getFileByPath(db, path.resolve(file));
  if (!f) throw new DaemonError('FILE_NOT_FOUND', `${file} is not indexed`);
  const meta = db.prepare('SELECT * FROM metadata WHERE file_id = ?').get(f.id) as Record<string, unknown> | undefined;
  const preview = db.prepare('SELECT * FROM previews WHERE file_id = ?').get(f.id) as Record<string, unknown> | undefined;
  const jobs = db.prepare('SELECT pass, input_key, state, attempts, last_error_code, last_error FROM jobs WHERE file_id = ?').all(f.id);
  return {
    id: f.id,
    path: f.path,
    state: f.state,
    kind: f.kind,
    identity: { dev: f.dev, ino: f.ino, size: f.size, mtimeNs: f.mtime_ns },
    hashes: { content: f.content_hash, algo: f.hash_algo, preview: preview?.preview_hash ?? null },
    sidecar: f.sidecar_path,
    metadata: meta
      ? {
          ...meta,
          keywords: parse(meta.keywords as string),
          hierarchical: parse(meta.hierarchical as string),
          people: parse(meta.people as string),
          regions: parse(meta.regions as string),
          warnings: parse(meta.warnings as string),
        }
      : null,
    preview: preview ?? null,
    // A motion photo's embedded video (only the still is indexed), as the metadata pass found it.
    motionPhoto: (parse(resultsForFile(db, f.id).find((r) => r.pass === 'metadata' && r.status === 'ok')?.output ?? null) as { motionPhoto?: unknown } | null)?.motionPhoto ?? null,
    passes: resultsForFile(db, f.id).map((r) => ({ pass: r.pass, version: r.version, status: r.status, inputKey: r.input_key, output: parse(r.output), errorCode: r.error_code, error: r.error, completedAt: r.completed_at, ms: r.duration_ms })),
    history: runsForFile(db, f.id),
    jobs,
    ...detailSections(db, f.id),
  };
}

export const showCommand: CliCommand = {
  name: 'show',
  summary: 'Everything known about one file',
  usage: 'rawlight show PATH [--json]',
  async run(args, env) {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError('give one file');
    const dbFile = path.join(env.places.dataDir, DB_FILE);
    if (!existsSync(dbFile)) throw new DaemonError('FILE_NOT_FOUND', 'nothing indexed yet');
    const db = openReadonlyDb(dbFile);
    try {
      const d = fileDetail(db, positionals[0]!);
      if (values.json) printJson(env.io, d);
      else env.io.stdout.write(formatDetail(d));
      return 0;
    } finally {
      db.close();
    }
  },
};

function formatDetail(d: Record<string, unknown>): string {
  const m = d.metadata as Record<string, unknown> | null;
  const lines = [`${d.path} (${d.state})`, `  hash: ${(d.hashes as { content: string | null }).content ?? '-'}`];
  if (m) {
    lines.push(`  taken: ${m.captured_at ?? '-'}${m.capture_offset ?? ''}  camera: ${[m.make, m.model].filter(Boolean).join(' ') || '-'}  lens: ${m.lens ?? '-'}`);
    lines.push(`  size: ${m.width ?? '?'}x${m.height ?? '?'} orientation ${m.orientation ?? 1}  GPS: ${m.gps_lat ?? '-'}, ${m.gps_lon ?? '-'}`);
    const kw = m.keywords as string[];
    if (kw.length) lines.push(`  keywords: ${kw.join(', ')}`);
  }
  if (d.motionPhoto) lines.push(`  motion photo: the still is indexed; embedded video ${JSON.stringify(d.motionPhoto)}`);
  for (const p of d.passes as { pass: string; status: string; error: string | null }[]) lines.push(`  ${p.pass}: ${p.status}${p.error ? ` (${p.error})` : ''}`);
  for (const [k, v] of Object.entries(d)) {
    if (['faces', 'tags', 'place', 'xmp', 'people'].includes(k) && v && (!Array.isArray(v) || v.length)) lines.push(`  ${k}: ${JSON.stringify(v)}`);
  }
  return lines.join('\n') + '\n';
}
