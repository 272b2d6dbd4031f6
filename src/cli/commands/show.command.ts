import { parseArgs } from 'node:util';
import { printJson, UsageError, type CliCommand } from '../command.js';
import { openIndex } from '../open-index.js';
import { showDetail } from '../../api/files.repository.js';
import type { MotionPhoto } from '../../exiftool/motion-photo.js';
import { notIndexed } from '../not-indexed.js';

export const showCommand: CliCommand = {
  name: 'show',
  summary: 'Everything known about one file',
  usage: 'rawlight show PATH [--json]',
  async run(args, env) {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError('give one file');
    const db = openIndex(env.places);
    try {
      const d = showDetail(db, positionals[0]!);
      if (!d) throw notIndexed(positionals[0]!, env);
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
  const pv = d.preview as { source: string; width: number; height: number; orientation: number | null } | null;
  if (pv) {
    // Where the preview every pass reads came from: the file's own pixels, an embedded image (a
    // RAW's JpgFromRaw, PreviewImage…) or a platform decoder (sips, heif-convert, djxl…).
    const from = pv.source === 'file' ? "the file's own image" : pv.source;
    lines.push(`  preview image: ${pv.width}x${pv.height} from ${from}${(pv.orientation ?? 1) > 1 ? `, turned upright (orientation ${pv.orientation})` : ''}`);
  }
  if (d.motionPhoto) lines.push(`  motion photo: the still is indexed; ${describeVideo(d.motionPhoto as MotionPhoto)}`);
  for (const p of d.passes as { pass: string; status: string; error: string | null }[]) lines.push(`  ${p.pass}: ${p.status}${p.error ? ` (${p.error})` : ''}`);
  for (const [k, v] of Object.entries(d)) {
    if (['faces', 'tags', 'place', 'xmp', 'people'].includes(k) && v && (!Array.isArray(v) || v.length)) lines.push(`  ${k}: ${JSON.stringify(v)}`);
  }
  return lines.join('\n') + '\n';
}

const CONVENTIONS: Record<MotionPhoto['format'], string> = {
  'google-motion-photo': 'motion photo format',
  'google-micro-video': "Google's micro video format",
  samsung: "Samsung's trailer",
};

/** "embedded video/mp4 video, the last 3.2 MB of the file (motion photo format)". */
function describeVideo(m: MotionPhoto): string {
  const where = m.videoOffsetFromEnd ? `, the last ${m.videoOffsetFromEnd >= 1e6 ? `${(m.videoOffsetFromEnd / 1e6).toFixed(1)} MB` : `${m.videoOffsetFromEnd} bytes`} of the file` : '';
  return `embedded ${m.videoMime ?? ''}${m.videoMime ? ' ' : ''}video${where} (${CONVENTIONS[m.format] ?? m.format})`;
}
