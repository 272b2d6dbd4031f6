import { api, type FileItem } from './api.js';
import { byId, clear, h, notify } from './dom.js';

interface Detail extends FileItem {
  metadata: Record<string, unknown> | null;
  faces: { id: number; box: { x: number; y: number; w: number; h: number }; personId: number | null; personName: string | null }[];
  tags: { label: string; score: number; source: string }[];
  place: { city?: string | null; region?: string | null; country?: string | null } | null;
  /** Text read in the photo (older daemons: absent). */
  text?: { text: string; score: number }[];
  passResults: { pass: string; status: string; error_code: string | null; error: string | null; completed_at: number }[];
  xmp: unknown;
}

let onSimilar: (id: number) => void = () => undefined;

export function initDetailView(similar: (id: number) => void): void {
  onSimilar = similar;
  byId('detail-close').addEventListener('click', closeDetail);
  byId('detail').addEventListener('click', (e) => {
    if (e.target === byId('detail')) closeDetail();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') closeDetail();
  });
}

export function closeDetail(): void {
  byId('detail').hidden = true;
}

export async function openDetail(id: number): Promise<void> {
  const d = await api<Detail>(`/api/files/${id}`);
  byId('detail').hidden = false;
  const img = byId<HTMLImageElement>('detail-img');
  img.src = d.preview ?? d.thumbnail ?? '';
  img.alt = d.name;
  const frame = byId('detail-frame');
  frame.querySelectorAll('.facebox').forEach((b) => b.remove());
  for (const f of d.faces) {
    frame.append(
      h('div', { class: 'facebox', style: `left:${f.box.x * 100}%;top:${f.box.y * 100}%;width:${f.box.w * 100}%;height:${f.box.h * 100}%`, title: f.personName ?? 'unnamed' }, f.personName ? h('span', {}, f.personName) : null),
    );
  }
  const m = d.metadata ?? {};
  const row = (k: string, v: unknown) => (v === null || v === undefined || v === '' ? null : [h('dt', {}, k), h('dd', {}, String(v))]);
  const rows = [
    row('Taken', d.capturedAt),
    row('Camera', d.camera),
    row('Lens', m.lens),
    row('Exposure', [m.exposure_time && `${String(m.exposure_time)}s`, m.f_number && `f/${String(m.f_number)}`, m.iso && `ISO ${String(m.iso)}`].filter(Boolean).join(' ')),
    row('Size', d.width && d.height ? `${d.width} × ${d.height}` : null),
    row('Place', d.place ? [d.place.city, d.place.region, d.place.country].filter(Boolean).join(', ') : null),
    row('GPS', m.gps_lat != null ? `${Number(m.gps_lat).toFixed(5)}, ${Number(m.gps_lon).toFixed(5)}` : null),
    row('Path', d.path),
  ].flat().filter((x): x is HTMLElement => !!x);
  const people = d.faces.filter((f) => f.personName).map((f) => f.personName!);
  clear(
    byId('detail-side'),
    h('h2', {}, d.name),
    h(
      'div',
      { class: 'actions' },
      h('button', { id: 'reveal', onclick: () => void reveal(d.id) }, 'Open in Finder'),
      ' ',
      h('button', { id: 'similar', onclick: () => (closeDetail(), onSimilar(d.id)) }, 'More like this'),
    ),
    h('dl', {}, ...rows),
    h('h2', {}, `Faces (${d.faces.length})`),
    h('div', { class: 'chips' }, ...(people.length ? people.map((p) => h('span', { class: 'chip' }, p)) : [h('span', { class: 'muted' }, d.faces.length ? 'not named yet' : 'none found')])),
    h('h2', {}, 'Tags'),
    h('div', { class: 'chips', id: 'detail-tags' }, ...(d.tags.length ? d.tags.map((t) => h('span', { class: 'chip', title: `${t.source} ${t.score.toFixed(2)}` }, t.label)) : [h('span', { class: 'muted' }, 'none yet')])),
    h('h2', {}, 'Text in the photo'),
    h('div', { class: 'chips', id: 'detail-text' }, ...(d.text?.length ? d.text.map((t) => h('span', { class: 'chip', title: `read with ${Math.round(t.score * 100)}% confidence` }, t.text)) : [h('span', { class: 'muted' }, 'none found')])),
    h('h2', {}, 'XMP'),
    h('div', { class: 'muted' }, d.xmp ? summarizeXmp(d.xmp) : 'not written yet'),
    h('h2', {}, 'Passes'),
    h(
      'table',
      { class: 'history' },
      ...d.passResults.map((r) => h('tr', {}, h('td', {}, r.pass), h('td', { class: r.status === 'ok' ? 'ok' : 'bad' }, r.status), h('td', {}, r.error_code ?? ''), h('td', { class: 'muted' }, new Date(r.completed_at).toLocaleString()))),
    ),
  );
}

function summarizeXmp(x: unknown): string {
  if (typeof x !== 'object' || x === null) return String(x);
  const o = x as Record<string, unknown>;
  if (typeof o.status === 'string') return `${o.status}${o.error ? `: ${String(o.error)}` : ''}`;
  return JSON.stringify(x).slice(0, 300);
}

async function reveal(id: number): Promise<void> {
  try {
    const r = await api<{ revealed: boolean; how: string }>(`/api/files/${id}/reveal`, { method: 'POST', body: {} });
    notify(r.revealed ? 'Shown in the file manager.' : `Cannot open a file manager here (${r.how}).`);
  } catch (e) {
    notify((e as Error).message, 'error');
  }
}
