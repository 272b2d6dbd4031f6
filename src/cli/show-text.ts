import type { MotionPhoto } from '../exiftool/motion-photo.js';
import type { FacePerson } from '../people/index.js';
import type { PlaceSummary } from '../places/index.js';
import { cameraLabel } from '../exiftool/camera-label.js';
import type { XmpStateView } from '../xmp/index.js';

/**
 * `rawlight show PATH` as text: what `--json` holds, in lines a photographer reads. Faces say whom
 * each is, with the ids the `people` commands take; tags, place, the XMP writeback and the text
 * read in the photo each get a line of words, not JSON.
 */
/** A photo's state as `show` says it: where it is, and for one that is away, what is shown instead. */
const STATE_WORDS: Record<string, string> = {
  offline: 'offline: its drive is not connected; shown from what rawlight kept',
  cloud: 'in iCloud, not downloaded; shown from what rawlight kept',
  gone: 'deleted',
};

export function formatDetail(d: Record<string, unknown>): string {
  const m = d.metadata as Record<string, unknown> | null;
  const lines = [`${d.path} (${STATE_WORDS[d.state as string] ?? d.state})`, `  hash: ${(d.hashes as { content: string | null }).content ?? '-'}`];
  if (m) {
    const camera = m.make || m.model ? cameraLabel({ make: m.make as string | null, model: m.model as string | null }) : '-';
    lines.push(`  taken: ${m.captured_at ?? '-'}${m.capture_offset ?? ''}  camera: ${camera}  lens: ${m.lens ?? '-'}`);
    const exposure = [
      m.exposure_time != null ? `${String(m.exposure_time)} s` : null,
      m.f_number != null ? `f/${String(m.f_number)}` : null,
      m.iso != null ? `ISO ${String(m.iso)}` : null,
      m.focal_length != null ? `${String(m.focal_length)} mm` : null,
    ].filter(Boolean);
    if (exposure.length) lines.push(`  exposure: ${exposure.join('  ')}`);
    lines.push(`  size: ${m.width ?? '?'}x${m.height ?? '?'} orientation ${m.orientation ?? 1}  GPS: ${m.gps_lat ?? '-'}, ${m.gps_lon ?? '-'}`);
    // As the user's other tools set them: stars 1–5 (Rating -1 is Bridge's and darktable's reject), a colour label, a title.
    const rating = typeof m.rating === 'number' ? m.rating : 0;
    const rated = [rating > 0 ? `rating: ${'★'.repeat(Math.min(5, Math.round(rating)))}` : rating < 0 ? 'rating: rejected' : null, m.label ? `label: ${String(m.label)}` : null].filter(Boolean);
    if (rated.length) lines.push(`  ${rated.join('  ')}`);
    if (m.title) lines.push(`  title: ${String(m.title)}`);
    if (m.caption) lines.push(`  caption: ${String(m.caption)}`);
    // The place its metadata names (typed in Lightroom, or written by another program), beside the GPS one.
    const named = [m.place_location, m.place_city, m.place_state, m.place_country].filter((v) => v != null && v !== '');
    if (named.length) lines.push(`  named place: ${named.map(String).join(', ')}`);
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
  lines.push(...faceLines(d.faces as ShownFace[]));
  const tags = d.tags as { label: string; score: number }[];
  if (tags.length) lines.push(`  tags: ${tags.map((t) => `${t.label} ${t.score.toFixed(2)}`).join(', ')}`);
  const place = d.place as PlaceSummary | null;
  if (place) lines.push(`  place: ${[place.city, place.region, place.country].filter(Boolean).join(', ')}`);
  if (d.xmp) lines.push(...xmpLines(d.xmp as XmpStateView));
  const text = d.text as { text: string }[];
  if (text.length) lines.push(`  text in the photo: ${text.map((t) => JSON.stringify(t.text)).join(' ')}`);
  return lines.join('\n') + '\n';
}

interface ShownFace {
  id: number;
  assignment: (FacePerson & { notFace: false }) | { notFace: true } | null;
}

function faceLines(faces: readonly ShownFace[]): string[] {
  if (!faces.length) return [];
  const lines = [`  faces: ${faces.length}`];
  for (const f of faces) {
    const a = f.assignment;
    let who: string;
    if (!a) who = `in no group: no other face like it yet (\`rawlight people move-face ${f.id} "Name"\` names it)`;
    else if (a.notFace) who = 'marked not a face';
    else if (a.ignored) who = `${a.name ? `${a.name} (${a.personId})` : `group ${a.personId}`}, ignored`;
    else if (a.name) who = `${a.name}${a.confirmed ? '' : ` (grouped by rawlight${a.similarity === null ? '' : `, similarity ${a.similarity.toFixed(2)}`})`}`;
    else who = `unnamed group ${a.personId} (\`rawlight people name ${a.personId} "Name"\` names it)`;
    lines.push(`    face ${f.id}: ${who}`);
  }
  return lines;
}

const STATUS_WORDS: Record<XmpStateView['status'], string> = {
  ok: 'up to date',
  pending: 'a write is waiting',
  failed: 'the last write failed',
  overwritten: 'another program saved it without rawlight\'s values: `rawlight writeback --restore PATH` puts them back, then read the metadata from the files in Lightroom',
};

function xmpLines(x: XmpStateView): string[] {
  const where = x.targetKind === 'sidecar' ? `XMP sidecar ${x.target}` : `XMP inside ${x.target}`;
  const when = x.lastWrittenAt ? `, last written ${new Date(x.lastWrittenAt).toLocaleString()}` : '';
  const status = x.status === 'ok' ? '' : ` (${STATUS_WORDS[x.status]})`;
  const lines = [`  ${where}${status}: ${x.values.length} value${x.values.length === 1 ? '' : 's'} from rawlight${when}`];
  if (x.error) lines.push(`    error: ${x.error.message ?? ''} [${x.error.code}]`);
  for (const c of x.conflicts) lines.push(`    kept yours: ${c.xmp} is ${JSON.stringify(c.fileValue)} in the file; rawlight's ${JSON.stringify(c.value)} was not written`);
  if (x.userRemoved.length) lines.push(`    changed or removed by you, never written again: ${x.userRemoved.map((v) => `${v.xmp} ${JSON.stringify(v.value)}`).join(', ')}`);
  if (x.pending) lines.push(`    waiting for \`rawlight writeback\`: ${x.pending.changes.length} change(s) to ${x.pending.target}`);
  return lines;
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
